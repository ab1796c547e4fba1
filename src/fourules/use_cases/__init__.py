"""The use cases: what a person can ask fourules, each one function taking a typed request
and returning a typed document (a pydantic model), whichever front end asks.

The command line (`cli/`), the JSON API (`service/`) and the pages (`web/`) are adapters
over these functions: they read their user's input into a request, call the use case, and
write the document out (serialised once, at the edge). This package imports the domain
(policy, evaluation, rounds, comparison, engine, authoring, decision_log) and output's pure
parts, never a front end nor typer, FastAPI or Jinja2. An error here names a domain thing
(`InputError.where` is a key of `places.PLACES`); each front end maps the keys, in one
table, to what its user fixes (a flag, a query parameter, a form field).
"""
