from branchtui.cli import main

raise SystemExit(main())
