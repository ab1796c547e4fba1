"""The HTTP service and the decision records it (and the command line) keep."""
