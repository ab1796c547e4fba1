"""`python -m fourules` runs the command line."""

from fourules.cli.main import app

app(prog_name="fourules")
