"""Bodies of the command-line commands that are longer than a few lines."""
"""Bodies of the larger CLI commands. Each module imports only argparse and
i18n at the top, so building the parser stays cheap."""
