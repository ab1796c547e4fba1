"""Every word a person reads, in one catalogue per language (`sv.yaml`, `en.yaml`).

A text is looked up by its key, with named parameters for its `{placeholders}`, in the
language of the context: chosen once per command (`--lang`) or per request (`?lang=`),
Swedish — the language of the decisions — when nothing chose one. A key missing from the
catalogue, or parameters other than its placeholders, is a programming error and raises;
nothing falls back to another language or to the key.
"""

from __future__ import annotations

import functools
import hashlib
import marshal
import os
import string
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict

Lang = Literal["sv", "en"]
LANGS: tuple[Lang, ...] = ("sv", "en")


class LocalText(BaseModel):
    """The same text in Swedish and English."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    sv: str
    en: str

    def get(self, lang: Lang) -> str:
        return self.sv if lang == "sv" else self.en


FOLDER = Path(__file__).parent
# libyaml's loader reads a catalogue in a tenth of the pure-Python one's time (3 ms, not 30);
# its base loader, which reads every value as text (what a catalogue holds, so `no` stays
# "no", not False), in about two thirds of the safe one's (medians of 15 loads, the two in
# turn: 8.9-14.9 ms against 17.8-18.2, a catalogue of 2 200 texts, both read alike).
_LOADER: type[yaml.BaseLoader] = getattr(yaml, "CBaseLoader", yaml.BaseLoader)
_LANGUAGE: ContextVar[Lang] = ContextVar("fourules_language", default="sv")


class UnknownText(LookupError):
    """A key the catalogue does not have, or parameters its text does not take."""


def language() -> Lang:
    """The language of the context: the command's or the request's, else Swedish."""
    return _LANGUAGE.get()


def use_language(lang: Lang) -> Token[Lang]:
    """Choose the language for what runs next in this context (a command, a request)."""
    if lang not in LANGS:
        raise UnknownText(f"{lang!r} is not a language of the catalogue; use one of {LANGS}")
    return _LANGUAGE.set(lang)


@contextmanager
def in_language(lang: Lang) -> Iterator[None]:
    """Run a block in `lang`, and restore the language before it afterwards."""
    token = use_language(lang)
    try:
        yield
    finally:
        _LANGUAGE.reset(token)


@functools.cache
def catalogue(lang: Lang) -> dict[str, str]:
    """The catalogue of one language, read once: key -> text."""
    source = (FOLDER / f"{lang}.yaml").read_bytes()
    kept = _kept(lang, source)
    read = _read_kept(kept)
    if read is None:
        raw = yaml.load(source.decode("utf-8"), Loader=_LOADER)
        read = {str(key): str(value) for key, value in raw.items()}
        _keep(kept, read)
    return read


_KEPT = FOLDER / "__pycache__"
"""Where a catalogue read is kept, beside the package's bytecode and as Python keeps that:
named by the hash of the YAML it was read from, written when the folder may be written and
Python writes bytecode (not under PYTHONDONTWRITEBYTECODE), else not kept (and read from
the YAML each time). Both catalogues kept so are read, hash checks included, in 0.6-1.2
ms, against 7-15 ms a catalogue from its YAML (libyaml): what every command that shows
words paid at its start (`benchmarks/bench_cold_start.py`)."""


def _kept(lang: Lang, source: bytes) -> Path:
    """The catalogue's kept read: by language, by Python (marshal's format is its own, as
    bytecode's is), by the YAML's content."""
    digest = hashlib.sha256(source).hexdigest()[:16]
    return _KEPT / f"catalogue-{lang}-{sys.implementation.cache_tag}.{digest}.marshal"


def _read_kept(path: Path) -> dict[str, str] | None:
    try:
        read = marshal.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return None
    return read if isinstance(read, dict) else None


def _keep(path: Path, read: dict[str, str]) -> None:
    """Keep the catalogue read (atomically: a process reading it meanwhile sees the whole
    file or none), and drop the language's older ones. Not where Python writes no
    bytecode (PYTHONDONTWRITEBYTECODE)."""
    if sys.dont_write_bytecode:
        return
    try:
        path.parent.mkdir(exist_ok=True)
        for older in path.parent.glob(f"{path.name.split('.')[0]}.*.marshal"):
            older.unlink(missing_ok=True)
        partial = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        partial.write_bytes(marshal.dumps(read))
        os.replace(partial, path)
    except OSError:  # a folder that may not be written (an installed package): not kept
        pass


@functools.cache
def placeholders(template: str) -> frozenset[str]:
    """The named `{placeholders}` of a text."""
    return frozenset(name for _, name, _, _ in string.Formatter().parse(template) if name)


def text(key: str, /, lang: Lang | None = None, **params: object) -> str:
    """The text `key` in `lang` (else the context's), its placeholders filled from `params`."""
    template = _template(key, lang or _LANGUAGE.get())
    wanted = placeholders(template)
    if set(params) != wanted:
        raise UnknownText(f"text {key!r} takes {sorted(wanted)}, got {sorted(params)}")
    return template.format(**params) if wanted else template


def both(key: str, /, **params: object) -> LocalText:
    """The text `key` in Swedish and English, e.g. for a message that carries both."""
    return LocalText(sv=text(key, "sv", **params), en=text(key, "en", **params))


def has(key: str) -> bool:
    """Whether the catalogue has `key` (for words chosen by a value, such as an outcome)."""
    return key in catalogue("sv")


def initial(words: str) -> str:
    """The words with a capital first letter, as a heading or a sentence begins them."""
    return words[:1].upper() + words[1:]


def _template(key: str, lang: Lang) -> str:
    try:
        return catalogue(lang)[key]
    except KeyError:
        raise UnknownText(
            f"the catalogue has no text {key!r} in {lang}; add it to texts/sv.yaml and "
            "texts/en.yaml"
        ) from None
