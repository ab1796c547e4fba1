"""Web pages for the people who run the call: check an application, work a round, read a
year's rules and what changed between years. Server-rendered (Jinja2), no script, no asset
from the network; served by `fourules serve` beside the JSON API, from the same rules."""
