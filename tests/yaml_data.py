"""A YAML text's data as fourules reads it: libyaml's safe loader (`policy.model.read_yaml`).
PyYAML's pure-Python loader, which `yaml.safe_load` is, reads the same data some seven
times slower: it took 44 of test_yaml_edits.py's 72 seconds."""

from __future__ import annotations

from typing import IO, Any

import yaml

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def yaml_data(text: str | bytes | IO[str]) -> Any:
    """The data of TEXT, read as `yaml.safe_load` reads it."""
    return yaml.load(text, Loader=_LOADER)
