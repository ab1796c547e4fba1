"""The catalogue of words: every key in Swedish and English with the same placeholders, every
key the code looks up is there, and the language is the context's."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from fourules.texts import (
    UnknownText,
    both,
    catalogue,
    in_language,
    language,
    placeholders,
    text,
    use_language,
)

SRC = Path(__file__).parents[1] / "src" / "fourules"

# A lookup whose key is written out: text("k", …), t("k", …), both("k", …), label("k", …)
# (a column, `column.k`), check messages by their id. `.text(` is a method, not a lookup.
_LOOKUP = re.compile(r"(?<![.\w])(text|t|both|label)\(\s*\"([A-Za-z0-9_.]+)\"\s*[,)]")
# A lookup whose key ends in a value: t("outcome." ~ x), text(f"status.{x}"), "basis." + x.
_PREFIX = re.compile(
    r"(?<![.\w])(?:text|t|both)\(\s*(?:f\"([A-Za-z0-9_.]+\.)\{|\"([A-Za-z0-9_.]+\.)\"\s*[~+])"
)


def _sources() -> list[Path]:
    return sorted([*SRC.rglob("*.py"), *SRC.rglob("*.j2")])


def test_every_key_has_swedish_and_english_with_the_same_placeholders() -> None:
    sv, en = catalogue("sv"), catalogue("en")
    assert sorted(sv) == sorted(en), set(sv) ^ set(en)
    for key in sv:
        assert sv[key].strip() and en[key].strip(), key
        assert placeholders(sv[key]) == placeholders(en[key]), key
        assert "lang" not in placeholders(sv[key]), key  # `lang` chooses the language


def test_no_key_is_written_twice() -> None:
    """YAML keeps the last of two equal keys without a word: the first's words would be lost
    and its lookups fail on the other's placeholders."""
    for name in ("sv.yaml", "en.yaml"):
        keys = re.findall(r"^([A-Za-z0-9_.]+):", (SRC / "texts" / name).read_text("utf-8"), re.M)
        twice = sorted({k for k in keys if keys.count(k) > 1})
        assert not twice, (name, twice)


def test_every_key_the_code_looks_up_is_in_the_catalogue() -> None:
    keys = set(catalogue("sv"))
    missing, prefixes, found = [], [], 0
    for path in _sources():
        source = path.read_text(encoding="utf-8")
        for fn, key in _LOOKUP.findall(source):
            found += 1
            wanted = f"column.{key}" if fn == "label" else key
            if wanted not in keys:
                missing.append(f"{path.relative_to(SRC)}: {wanted}")
        for match in _PREFIX.finditer(source):
            prefix = match.group(1) or match.group(2)
            if not any(k.startswith(prefix) for k in keys):
                prefixes.append(f"{path.relative_to(SRC)}: {prefix}…")
    assert found > 250, "the scan no longer finds the lookups; check its pattern"
    assert not missing, missing
    assert not prefixes, prefixes


def test_an_unknown_key_or_a_wrong_parameter_is_an_error_not_a_fallback() -> None:
    with pytest.raises(UnknownText, match=r"no text 'no.such.key'.*sv.yaml"):
        text("no.such.key")
    with pytest.raises(UnknownText, match=r"takes \['a', 'b'\], got \['a'\]"):
        text("diff.title", a="2018")
    with pytest.raises(UnknownText, match=r"takes \[\], got \['extra'\]"):
        text("site", extra=1)


def test_the_language_is_the_context_s_and_swedish_when_nothing_chose_one() -> None:
    assert language() == "sv"
    assert text("status.fail") == "inte uppfyllt"
    with in_language("en"):
        assert language() == "en"
        assert text("status.fail") == "not met"
        assert text("diff.title", a="2018", b="2024") == "From 2018 to 2024"
        assert text("status.fail", "sv") == "inte uppfyllt"  # a lookup may name its language
    assert language() == "sv"
    assert both("outcome.ineligible").en == "ineligible"
    with pytest.raises(UnknownText, match="not a language"):
        use_language("de")  # type: ignore[arg-type]


def test_one_word_for_one_thing() -> None:
    """The statuses are the pages' and the tables' alike, in the decisions' Swedish ("inte",
    never "ej", for what is not met)."""
    from fourules.output.labels import OUTCOMES, STATUSES

    assert STATUSES["fail"].sv == "inte uppfyllt"
    assert STATUSES["pass"].en == "met"
    assert OUTCOMES["undetermined"] == both("outcome.undetermined")
    sv = catalogue("sv")
    duplicated = {}
    for key, value in sv.items():
        if key.startswith(("outcome.", "status.", "basis.")):
            duplicated.setdefault(value, []).append(key)
    assert all(len(keys) == 1 for keys in duplicated.values()), duplicated


_CHECK = re.compile(
    r"(?<![.\w])check\(\s*\"(round|audit|allocation)\",\s*\"([A-Za-z0-9_.]+)\"\s*\)"
)


def test_every_round_check_has_its_message_and_every_check_message_a_check() -> None:
    """A check's words are the catalogue's (`check.<group>.<id>`), its severity and
    placeholders rounds/checks.yaml's; neither has one the other lacks."""
    from fourules.rounds.checks import checks

    declared = {spec.key for entries in checks().values() for spec in entries.values()}
    worded = {k for k in catalogue("sv") if k.startswith(("check.round.", "check.audit."))}
    worded |= {k for k in catalogue("sv") if k.startswith("check.allocation.")}
    assert declared == worded, declared ^ worded
    named = [
        (group, cid)
        for path in _sources()
        for group, cid in _CHECK.findall(path.read_text(encoding="utf-8"))
    ]
    assert len(named) >= 9, "the scan no longer finds the checks named in the code"
    assert [n for n in named if n[1] not in checks()[n[0]]] == []


def test_a_command_chooses_the_language_for_its_own_run_only() -> None:
    """`--lang en` holds while the command runs (its tables are English) and not after it:
    the next command, or a test, starts from Swedish again."""
    from typer.testing import CliRunner

    from fourules.cli.main import app

    result = CliRunner().invoke(app, ["plugins", "--lang", "en"])
    assert result.exit_code == 0 and "Module" in result.stdout, result.stdout
    assert language() == "sv"
    result = CliRunner().invoke(app, ["plugins"])
    assert "Modul" in result.stdout and "Module" not in result.stdout


def test_the_words_for_not_stated_are_the_catalogue_s() -> None:
    from fourules.text import NOT_STATED

    assert NOT_STATED.get("sv") == "inte angivet" == text("column.not_stated", "sv")
    assert NOT_STATED.get("en") == "not stated"


def test_a_command_reads_its_catalogue_kept_not_its_yaml() -> None:
    """Start-up time: evaluating to JSON (which looks up a few words: a finding's notice on
    a reading) parses no YAML of the catalogue once its read is kept; the first run of a
    new catalogue keeps it."""
    probe = (
        "import sys\n"
        "import fourules.texts as texts\n"
        "parsed = []\n"
        "keep = texts._keep\n"
        "texts._keep = lambda *a: parsed.append(1) or keep(*a)  # after a parse, only\n"
        "from fourules.cli.main import app\n"
        "sys.argv = ['fourules', 'evaluate', '-', '--year', '2018', '--format', 'json']\n"
        "try:\n    app()\nexcept SystemExit:\n    pass\n"
        "print(texts.catalogue.cache_info().currsize, len(parsed), file=sys.stderr)\n"
    )
    application = '{"id": "x", "kind": "project", "title": "t", "applicants": ["Farsta"], '
    application += '"requested_sek": 800000}'
    # Kept as bytecode is, which PYTHONDONTWRITEBYTECODE turns off (dev.py test turns it on).
    kept_as_bytecode = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    runs = [
        subprocess.run(
            [sys.executable, "-c", probe],
            input=application,
            capture_output=True,
            text=True,
            check=True,
            env={**kept_as_bytecode, "PYTHONPATH": str(SRC.parent)},
        )
        for _ in range(2)
    ]
    read, parsed = runs[-1].stderr.strip().splitlines()[-1].split()
    assert int(read) >= 1 and parsed == "0", runs[-1].stderr
    assert "Läsning i fourules" in runs[-1].stdout  # the word looked up: the cap's notice


def _fresh(monkeypatch: pytest.MonkeyPatch, folder: Path, kept: Path) -> None:
    """The catalogue read anew from `folder`, its read kept in `kept`."""
    import fourules.texts as texts

    monkeypatch.setattr(texts, "FOLDER", folder)
    monkeypatch.setattr(texts, "_KEPT", kept)
    catalogue.cache_clear()


def test_a_kept_catalogue_is_the_yaml_and_a_changed_yaml_is_read_anew(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import yaml

    shipped = {lang: (SRC / "texts" / f"{lang}.yaml").read_text("utf-8") for lang in ("sv", "en")}
    for lang, source in shipped.items():
        (tmp_path / f"{lang}.yaml").write_text(source, "utf-8")
    kept = tmp_path / "__pycache__"
    try:
        # Not kept where Python writes no bytecode (PYTHONDONTWRITEBYTECODE), kept where it does.
        monkeypatch.setattr(sys, "dont_write_bytecode", True)
        _fresh(monkeypatch, tmp_path, kept)
        assert catalogue("sv") and not kept.exists()
        monkeypatch.setattr(sys, "dont_write_bytecode", False)
        _fresh(monkeypatch, tmp_path, kept)
        from_yaml = catalogue("sv")
        assert from_yaml == {str(k): str(v) for k, v in yaml.safe_load(shipped["sv"]).items()}
        assert len(list(kept.glob("catalogue-sv-*.marshal"))) == 1
        catalogue.cache_clear()
        assert catalogue("sv") == from_yaml  # now from what was kept
        changed = shipped["sv"].replace(
            "diff.table.exact: Exakta skillnader", "diff.table.exact: Ändrad"
        )
        (tmp_path / "sv.yaml").write_text(changed, "utf-8")
        catalogue.cache_clear()
        assert catalogue("sv")["diff.table.exact"] == "Ändrad"
        assert len(list(kept.glob("catalogue-sv-*.marshal"))) == 1  # the older one dropped
        # A folder that cannot be written keeps nothing, and reads the YAML all the same.
        blocked = tmp_path / "a-file"
        blocked.write_text("", "utf-8")
        _fresh(monkeypatch, tmp_path, blocked / "__pycache__")
        assert catalogue("en")["diff.table.exact"] == "Exact differences"
    finally:
        catalogue.cache_clear()


def test_a_day_and_a_duration_are_written_in_each_language_from_the_catalogue() -> None:
    from datetime import date

    from fourules.text import day_text, duration_text

    assert day_text(date(2017, 10, 2), "sv") == "2 oktober 2017"
    assert day_text(date(2023, 5, 2), "en") == "2 May 2023"
    assert [duration_text(n, "months", "sv") for n in (1, 2)] == ["1 månad", "2 månader"]
    assert [duration_text(n, "days", "en") for n in (1, 14)] == ["1 day", "14 days"]
