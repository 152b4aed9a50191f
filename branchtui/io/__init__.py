"""Data in and out: the office's Excel and CSV ledgers read in, lists and
reports written out. Plain Python like ``domain/`` (never textual or rich);
the file libraries (python-calamine, xlsxwriter, python-docx) are imported
inside the functions that read or write a file, never at start-up."""
