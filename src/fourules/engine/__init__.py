"""The rule engine: durable-rules, and the plain-Python oracle that checks it."""
