"""YAML read and written by libyaml, as fourules reads it (`policy.model.read_yaml`).
PyYAML's pure-Python loader, which `yaml.safe_load` is, reads the same data some seven
times slower: it took 44 of test_yaml_edits.py's 72 seconds; its emitter, which
`yaml.safe_dump` is, took 37 of the 51 s of the policy file schema's property."""

from __future__ import annotations

from typing import IO, Any

import yaml

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def yaml_data(text: str | bytes | IO[str]) -> Any:
    """The data of TEXT, read as `yaml.safe_load` reads it."""
    return yaml.load(text, Loader=_LOADER)


def yaml_text(data: Any, *, sort_keys: bool = True) -> str:
    """DATA as YAML text: the data `yaml.safe_dump(data, allow_unicode=True)` writes, not
    always in the same words (libyaml quotes and folds some texts otherwise)."""
    return yaml.dump(data, Dumper=_DUMPER, allow_unicode=True, sort_keys=sort_keys)
