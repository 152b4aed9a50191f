"""The benchmark harness of docs §6: ``python -m bench`` from the repo root.

Every figure is printed as a ratio against a baseline measured in the same
run (a bare Textual app, or hand-written SQL over the same file). See
bench/README.md. Importing this package is cheap and loads no Textual.
"""

import datetime as _dt

TODAY = _dt.date(2026, 11, 27)  # the demo databases are built as of this day
