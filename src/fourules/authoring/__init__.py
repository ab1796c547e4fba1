"""Writing a year's call: its cases, the check before it ships, drafting from last year, quotes."""
