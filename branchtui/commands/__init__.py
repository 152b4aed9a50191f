"""Bodies of the command-line commands that are longer than a few lines."""
