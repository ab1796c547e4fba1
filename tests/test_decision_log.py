"""Decision logs an auditor can trust: records chained by hash, signed checkpoints, and
`fourules verify` telling a forged record from a changed policy or engine."""

from __future__ import annotations

import hashlib
import itertools
import json
import multiprocessing
import re
import stat
import time
from pathlib import Path
from typing import Any

import pytest
import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from fourules import Evaluator, get_plugin_manager
from fourules.cli.main import app as cli
from fourules.decision_log.keys import load_private_key
from fourules.decision_log.log import Checkpointing, DecisionLog
from fourules.decision_log.records import chained, keyed_sources, record_hash
from fourules.evaluation.default_policies import builtin_policy_dir
from fourules.output.canonical import plain
from fourules.server import create_app
from tests.applications import A_PROJECT_2018

ROUND_2018 = builtin_policy_dir() / "2018" / "round.json"
APP = A_PROJECT_2018
EVALUATOR = Evaluator(get_plugin_manager(load_entry_points=False))


def run(*args: str, input: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--plugins", "", *args], input=input)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def verify(*args: str) -> tuple[int, list[dict[str, Any]], str]:
    code, out, err = run("verify", *args, "--format", "json", "--lang", "en")
    return code, (json.loads(out) if out else []), err


def verdicts(entries: list[dict[str, Any]], kind: str = "record") -> list[str]:
    return [e["verdict"] for e in entries if e["kind"] == kind]


def lines(log: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]


def rewrite(log: Path, values: list[dict[str, Any]]) -> None:
    log.write_text("".join(json.dumps(v, ensure_ascii=False) + "\n" for v in values), "utf-8")


def rechain(values: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What someone who can edit the file but has no key can do: recompute every hash."""
    out, prev = [], None
    for value in values:
        if "checkpoint" in value:
            out.append(value)
            continue
        value = chained({k: v for k, v in value.items() if k not in ("prev", "hash")}, prev)
        prev = value["hash"]
        out.append(value)
    return out


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("keys") / "keys"
    assert run("log", "keygen", str(folder))[0] == 0
    return folder / "decision-log.key", folder / "decision-log.pub"


@pytest.fixture(scope="module")
def other_keys(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("other") / "keys"
    assert run("log", "keygen", str(folder))[0] == 0
    return folder / "decision-log.key", folder / "decision-log.pub"


@pytest.fixture
def log(tmp_path: Path) -> Path:
    """The 2018 round, one record per application: 40 records."""
    path = tmp_path / "decisions.jsonl"
    code, _, err = run("round", str(ROUND_2018), "-f", "json", "--decision-log", str(path))
    assert code == 0, err
    return path


def checkpoint(log: Path, key: Path, *extra: str) -> str:
    code, out, err = run("log", "checkpoint", str(log), "--key", str(key), *extra)
    assert code == 0, err
    return out


# --- the chain --------------------------------------------------------------------------------------


def test_each_record_carries_the_hash_of_the_one_before_and_its_own(log: Path) -> None:
    records = lines(log)
    assert len(records) == 40 and records[0]["prev"] is None
    assert all(r["hash"] == record_hash(r) for r in records)
    assert all(b["prev"] == a["hash"] for a, b in itertools.pairwise(records))
    code, entries, _ = verify(str(log))
    assert code == 0
    assert set(verdicts(entries)) == {"reproduces"}
    assert {e["protection"] for e in entries} == {"chained"}


def test_the_hash_is_over_the_canonical_form_not_the_layout(log: Path) -> None:
    records = lines(log)
    log.write_text(
        "".join(
            json.dumps(dict(reversed(r.items())), separators=(",", ":"), ensure_ascii=True) + "\n"
            for r in records
        ),
        encoding="utf-8",
    )
    assert verify(str(log))[0] == 0


def test_a_forged_record_is_tampered_by_its_own_hash(log: Path) -> None:
    records = lines(log)
    records[5]["result"]["max_grant_sek"] += 100000
    rewrite(log, records)
    code, entries, _ = verify(str(log))
    assert code == 1
    assert verdicts(entries)[5] == "tampered" and "own hash" in entries[5]["detail"]
    assert verdicts(entries).count("tampered") == 1


@pytest.mark.parametrize("change", ["insert", "remove", "reorder"])
def test_inserted_removed_and_reordered_records_break_the_chain(log: Path, change: str) -> None:
    records = lines(log)
    if change == "insert":
        extra = chained({**records[3], "time": "2018-03-01T00:00:00+00:00"}, records[3]["hash"])
        records.insert(4, extra)
    elif change == "remove":
        del records[10]
    else:
        records[7], records[8] = records[8], records[7]
    rewrite(log, records)
    code, entries, _ = verify(str(log))
    assert code == 1
    broken = [e["line"] for e in entries if "chain does not hold" in e["detail"]]
    assert broken == {"insert": [6], "remove": [11], "reorder": [8, 9, 10]}[change]


def forge_consistently(records: list[dict[str, Any]], index: int) -> None:
    """A forgery the engine agrees with: a larger request, and the decision it would get."""
    record = records[index]
    record["input"]["requested_sek"] = 1
    result = EVALUATOR.evaluate(record["input"], record["policy"]["id"], lang=record["lang"])
    record["result"] = keyed_sources(plain(result))[0]  # each source by its key, as held


def test_a_forged_record_with_every_later_hash_recomputed_is_caught_by_the_checkpoint(
    log: Path, keys: tuple[Path, Path]
) -> None:
    published = log.with_name("published.txt")
    published.write_text(checkpoint(log, keys[0]), encoding="utf-8")
    records = lines(log)
    forge_consistently(records, 5)
    forged = rechain(records)
    # Without the checkpoint the forgery passes: every hash holds, every decision reproduces.
    rewrite(log, [r for r in forged if "checkpoint" not in r])
    code, entries, _ = verify(str(log))
    assert code == 0 and set(verdicts(entries)) == {"reproduces"}
    # The checkpoint in the log catches it ...
    rewrite(log, forged)
    code, entries, _ = verify(str(log), "--public-key", str(keys[1]))
    assert code == 1
    assert verdicts(entries, "checkpoint") == ["tampered"]
    assert set(verdicts(entries)) == {"tampered"}
    assert all("checkpoint at line 41 does not hold" in e["detail"] for e in entries[:40])
    # ... and so does the published one, when the forger removed the checkpoint from the log.
    rewrite(log, [r for r in forged if "checkpoint" not in r])
    code, entries, _ = verify(
        str(log), "--public-key", str(keys[1]), "--checkpoint", str(published)
    )
    assert code == 1
    assert [e["verdict"] for e in entries if e["file"] == str(published)] == ["tampered"]
    assert set(verdicts(entries)) == {"tampered"}


def test_a_checkpoint_signed_by_another_key_is_tampered(
    log: Path, keys: tuple[Path, Path], other_keys: tuple[Path, Path]
) -> None:
    checkpoint(log, keys[0])
    run("evaluate", "-", "--year", "2018", "--decision-log", str(log), input=json.dumps(APP))
    checkpoint(log, other_keys[0])
    code, entries, _ = verify(str(log), "--public-key", str(keys[1]))
    assert code == 1
    assert verdicts(entries, "checkpoint") == ["holds", "tampered"]
    assert "not signed by this key" in entries[-1]["detail"]
    # The last record is covered by no checkpoint that holds: not yet checkpointed.
    assert [e["protection"] for e in entries if e["kind"] == "record"][-2:] == [
        "checkpointed",
        "chained",
    ]


def test_a_key_that_signed_no_checkpoint_is_an_error_not_a_failing_log(
    log: Path, keys: tuple[Path, Path], other_keys: tuple[Path, Path]
) -> None:
    checkpoint(log, keys[0])
    code, out, err = run("verify", str(log), "--public-key", str(other_keys[1]))
    assert code == 2 and out == "" and "--public-key" in err and len(err.splitlines()) == 1


def test_a_log_cut_before_a_published_checkpoint_is_tampered(
    log: Path, keys: tuple[Path, Path]
) -> None:
    published = log.with_name("published.txt")
    published.write_text(checkpoint(log, keys[0]), encoding="utf-8")
    records = [r for r in lines(log) if "checkpoint" not in r]
    rewrite(log, records[:30])
    code, entries, _ = verify(
        str(log), "--public-key", str(keys[1]), "--checkpoint", str(published)
    )
    assert code == 1
    (claim,) = [e for e in entries if e["file"] == str(published)]
    assert claim["verdict"] == "tampered" and "cut before it" in claim["detail"]
    assert set(verdicts(entries)) == {"reproduces"}  # what is left is intact, but not all there


# --- sources, each carried once ---------------------------------------------------------------------

SOURCE_KEY = re.compile(r"^[0-9a-f]{32}$")


EXAMPLES = Path(__file__).parent.parent / "examples"


def applications_of(year: str, count: int) -> list[dict[str, Any]]:
    """`count` applications of the year: its examples over again, each with an id of its own."""
    examples = json.loads((EXAMPLES / f"applications-{year}.json").read_text("utf-8"))
    return [
        {**examples[i % len(examples)], "id": f"{examples[i % len(examples)]['id']}-{i}"}
        for i in range(count)
    ]


def named_keys(record: dict[str, Any]) -> set[str]:
    result = record["result"]
    return {
        item["source"]
        for item in (*result["findings"], *result["score_breakdown"])
        if item.get("source") is not None
    }


def assert_every_source_carried_before_it_is_named(records: list[dict[str, Any]]) -> set[str]:
    """Each record names its sources by key, each carried by it or a record before it, and
    each carried source is the one its key is the hash of (RFC 8785). The keys carried."""
    carried: set[str] = set()
    for record in records:
        for key, source in record["sources"].items():
            assert key == hashlib.sha256(rfc8785.dumps(source)).hexdigest()[:32]
        carried |= set(record["sources"])
        named = named_keys(record)
        assert named and all(SOURCE_KEY.match(k) for k in named)
        assert named <= carried
    return carried


def test_a_log_carries_each_source_once_and_its_records_name_them_by_key(tmp_path: Path) -> None:
    """Two batches of both years' applications: each source is carried once in the file, by
    the first record that names it, and the sources carried are those of the evaluations."""
    path = tmp_path / "decisions.jsonl"
    apps = [(a, "2018") for a in applications_of("2018", 30)]
    apps += [(a, "2024") for a in applications_of("2024", 30)]
    evaluations = [(app, EVALUATOR.evaluate(app, year)) for app, year in apps]
    log = DecisionLog(path)
    log.append(evaluations[:25])
    log.append(evaluations[25:])
    log.close()
    records = lines(path)
    carried = assert_every_source_carried_before_it_is_named(records)
    assert sum(len(r["sources"]) for r in records) == len(carried)  # each once
    expected = {}
    for _, evaluation in evaluations:
        expected |= keyed_sources(plain(evaluation))[1]
    assert {k: r["sources"][k] for r in records for k in r["sources"]} == expected
    assert len(path.read_bytes()) / len(records) < 6000  # a whole source in each: some 12 kB
    code, entries, _ = verify(str(path))
    assert code == 0 and set(verdicts(entries)) == {"reproduces"}


def test_a_second_writer_carries_again_what_it_cannot_know_the_file_holds(tmp_path: Path) -> None:
    """Two writers of one file (as two processes): each carries what it has not written
    itself; every record's sources are found, and the log verifies."""
    path = tmp_path / "decisions.jsonl"
    first, second = DecisionLog(path), DecisionLog(path)
    for app in applications_of("2018", 6):
        for log in (first, second):
            log.append([(app, EVALUATOR.evaluate(app, "2018"))])
    records = lines(path)
    assert_every_source_carried_before_it_is_named(records)
    assert records[0]["sources"] and records[1]["sources"] == records[0]["sources"]
    for written_by_one in (records[0::2], records[1::2]):
        carried = [key for record in written_by_one for key in record["sources"]]
        assert len(carried) == len(set(carried))  # each writer carries each source once
    code, entries, _ = verify(str(path))
    assert code == 0 and set(verdicts(entries)) == {"reproduces"}


def test_a_log_started_anew_in_the_same_place_carries_its_sources_again(tmp_path: Path) -> None:
    """A writer whose file was moved away (rotated) or cut short carries every source again
    in the new one."""
    path = tmp_path / "decisions.jsonl"
    log = DecisionLog(path)
    log.append([(APP, EVALUATOR.evaluate(APP, "2018"))])
    path.rename(tmp_path / "rotated.jsonl")
    log.append([(APP, EVALUATOR.evaluate(APP, "2018"))])
    assert lines(path)[0]["sources"]
    path.write_text("")
    log.append([(APP, EVALUATOR.evaluate(APP, "2018"))])
    assert lines(path)[0]["sources"]
    assert verify(str(path))[0] == 0


def test_a_record_whose_sources_went_with_a_removed_record_is_tampered(log: Path) -> None:
    """The first record, which carried the sources, removed and every hash recomputed: the
    chain holds, and the records that name what it carried say it is gone."""
    records = lines(log)
    gone = set(records[0]["sources"])
    rewrite(log, rechain(records[1:]))
    code, entries, _ = verify(str(log))
    assert code == 1
    for entry, record in zip(entries, records[1:], strict=True):
        if named_keys(record) & gone - set().union(*(r["sources"] for r in records[1:])):
            assert entry["verdict"] == "tampered"
            assert "names sources no record up to it in this file carries" in entry["detail"]
    assert entries[0]["verdict"] == "tampered"


@pytest.mark.parametrize("where", ["first", "appended"])
def test_a_carried_source_changed_is_tampered_and_so_is_every_record_that_names_it(
    log: Path, where: str
) -> None:
    """A quote changed where the source is carried (in the record that first carried it, or
    in a record appended to carry it again), every hash recomputed: the record that carries
    it is tampered (no writer carries a source under another key), and every record that
    names it and finds it nowhere else before it says so."""
    records = lines(log)
    key = next(iter(records[0]["sources"]))
    forged = {**records[0]["sources"][key], "quote": "Alla ansökningar beviljas."}
    if where == "first":
        records[0]["sources"][key] = forged
        carrier, namers = 0, [i for i, r in enumerate(records) if key in named_keys(r)]
    else:
        records.append({**records[-1], "decision_id": "added", "sources": {key: forged}})
        carrier, namers = len(records) - 1, []
    rewrite(log, rechain(records))
    code, entries, _ = verify(str(log))
    assert code == 1
    assert entries[carrier]["verdict"] == "tampered"
    assert (
        "not what their keys name" in entries[carrier]["detail"]
        and key in entries[carrier]["detail"]
    )
    for i in namers[1:] if namers and namers[0] == carrier else namers:
        assert entries[i]["verdict"] == "tampered" and key in entries[i]["detail"]
    others = [e["verdict"] for i, e in enumerate(entries) if i != carrier and i not in namers]
    assert set(others) <= {"reproduces"}


def test_a_writer_carries_its_sources_again_in_a_file_cut_and_grown_again(tmp_path: Path) -> None:
    """A log cut to nothing under a writer (a rotation that copies and truncates) and grown
    past where it wrote by another: the writer tells the file no longer holds what it wrote
    and carries its sources again."""
    path = tmp_path / "decisions.jsonl"
    mine, other = DecisionLog(path), DecisionLog(path)
    app = applications_of("2018", 1)[0]
    mine.append([(app, EVALUATOR.evaluate(app, "2018"))])
    path.write_bytes(b"")
    other.append([(a, EVALUATOR.evaluate(a, "2018")) for a in applications_of("2018", 3)])
    mine.append([(app, EVALUATOR.evaluate(app, "2018"))])
    records = lines(path)
    assert records[-1]["sources"]
    assert_every_source_carried_before_it_is_named(records)
    assert verify(str(path))[0] == 0


def test_sources_are_carried_whatever_the_writer_s_memory_of_parts_keeps(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The writer's memory of parts written (`records._SEEN`, `_NAMED`) kept to a few, so it
    starts afresh between and within results: every source still carried, the log verifies."""
    from fourules.decision_log import records as written

    monkeypatch.setattr(written, "_KEPT", 3)
    path = tmp_path / "decisions.jsonl"
    log = DecisionLog(path)
    for year in ("2018", "2024"):
        fresh = Evaluator(get_plugin_manager(load_entry_points=False))  # new parts each year
        log.append([(a, fresh.evaluate(a, year)) for a in applications_of(year, 6)])
    assert_every_source_carried_before_it_is_named(lines(path))
    code, entries, _ = verify(str(path))
    assert code == 0 and set(verdicts(entries)) == {"reproduces"}


def test_a_record_that_holds_its_sources_in_place_verifies_as_before(tmp_path: Path) -> None:
    """A log written before records carried their sources (each finding's source in place,
    no `sources` member) reads, hashes and reproduces as it always did."""
    path = tmp_path / "decisions.jsonl"
    values, prev = [], None
    for app in applications_of("2018", 3):
        evaluation = EVALUATOR.evaluate(app, "2018")
        record = {
            "decision_id": str(len(values)),
            "time": "2025-03-01T09:30:00+00:00",
            "fourules": "0.1.0",
            "policy": plain(evaluation.policy),
            "lang": "sv",
            "input": app,
            "result": plain(evaluation),
        }
        values.append(chained(record, prev))
        prev = values[-1]["hash"]
    rewrite(path, values)
    code, entries, _ = verify(str(path))
    assert code == 0 and set(verdicts(entries)) == {"reproduces"}
    values[1]["result"]["findings"][0]["source"]["quote"] = "Alla ansökningar beviljas."
    rewrite(path, rechain(values))
    code, entries, _ = verify(str(path))
    assert verdicts(entries) == ["reproduces", "engine_changed", "reproduces"]


# --- lines that are not records -----------------------------------------------------------------------


def test_a_cut_off_last_line_is_incomplete_and_the_rest_still_verified(log: Path) -> None:
    data = log.read_bytes()
    log.write_bytes(data[:-200])  # a crash in the middle of writing the last record
    code, entries, _ = verify(str(log))
    assert code == 1
    assert verdicts(entries) == ["reproduces"] * 39 + ["incomplete"]
    assert entries[-1]["detail"].startswith("cut off at the end of the file")
    # The next append starts on a new line and chains from the last whole record.
    run("evaluate", "-", "--year", "2018", "--decision-log", str(log), input=json.dumps(APP))
    code, entries, _ = verify(str(log))
    assert verdicts(entries) == ["reproduces"] * 39 + ["incomplete", "reproduces"]
    assert not any("tampered" in v for v in verdicts(entries))


def test_a_checkpoint_line_cut_off_is_a_cut_checkpoint_not_a_cut_record(
    log: Path, keys: tuple[Path, Path]
) -> None:
    checkpoint(log, keys[0])  # appended to the log as its last line
    data = log.read_bytes()
    assert data.rstrip().rsplit(b"\n", 1)[-1].startswith(b'{"checkpoint"')
    log.write_bytes(data[:-40])  # a crash while the checkpoint was written
    code, entries, _ = verify(str(log), "--public-key", str(keys[1]))
    assert code == 1
    assert verdicts(entries) == ["reproduces"] * 40
    assert verdicts(entries, "checkpoint") == ["incomplete"]
    assert entries[-1]["detail"].startswith("cut off at the end of the file")


@pytest.mark.parametrize("layout", ["as written", "spaced"])
def test_lines_with_a_key_twice_or_a_lone_surrogate_are_refused_per_line(
    log: Path, layout: str
) -> None:
    """Refused alike whether the line is in canonical form as written (read in one pass)
    or laid out otherwise (as fourules wrote records before: read strictly)."""
    if layout == "spaced":
        log.write_text(
            "".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in lines(log)),
            encoding="utf-8",
        )
    colon = ": " if layout == "spaced" else ":"
    comma = ", " if layout == "spaced" else ","
    text = log.read_text(encoding="utf-8").splitlines()
    text[2] = text[2].replace(f'"lang"{colon}"sv"', f'"lang"{colon}"sv"{comma}"lang"{colon}"en"')
    text[3] = text[3].replace(f'"title"{colon}"', f'"title"{colon}"\\ud800', 1)
    # A number past Python's conversion limit: a whole line, not a cut-off one.
    text[5] = text[5].replace(
        f'"requested_sek"{colon}', f'"requested_sek"{colon}{"9" * 5000}{comma}"x"{colon}', 1
    )
    # A key twice with the same value, deep in the result: what it reads as is the same.
    record_7 = lines(log)[7]
    twice = f'"application_id"{colon}"{record_7["result"]["application_id"]}"'
    text[7] = text[7].replace(twice, f"{twice}{comma}{twice}")
    assert len({text[i] for i in (2, 3, 5, 7)} & set(lines_of(log))) == 0, "each line changed"
    log.write_text("\n".join(text) + "\n", encoding="utf-8")
    code, entries, _ = verify(str(log))
    assert code == 1
    assert verdicts(entries)[2:4] == ["input_rejected", "input_rejected"]
    assert "'lang' is given twice" in entries[2]["detail"]
    assert "lone surrogate" in entries[3]["detail"]
    # Each is out of the chain: the record after it breaks it.
    assert verdicts(entries)[4] == "tampered"
    assert verdicts(entries)[5] == "input_rejected" and "5000" in entries[5]["detail"]
    assert verdicts(entries)[7] == "input_rejected"
    assert "'application_id' is given twice" in entries[7]["detail"]


def lines_of(log: Path) -> list[str]:
    return log.read_text(encoding="utf-8").splitlines()


def test_a_file_that_is_not_a_log_is_bad_input(tmp_path: Path) -> None:
    path = tmp_path / "apps.jsonl"
    path.write_text(json.dumps(APP) + "\n", encoding="utf-8")
    code, out, err = run("verify", str(path))
    assert (code, out) == (2, "") and "ingen beslutslogg" in err
    assert run("verify", str(tmp_path / "missing.jsonl"))[0] == 2


def test_verify_tells_a_policy_change_from_an_engine_change(log: Path) -> None:
    records = lines(log)[:3]
    records[1]["policy"]["sha256"] = "0" * 64  # as if written under another version of 2018
    records[2]["result"]["max_grant_sek"] = 1  # as if the engine had decided otherwise
    rewrite(log, rechain(records))
    code, entries, _ = verify(str(log))
    assert code == 1
    assert verdicts(entries) == ["reproduces", "policy_changed", "engine_changed"]
    assert "max_grant_sek" in entries[2]["detail"]
    assert {e["protection"] for e in entries} == {"chained"}


def test_old_logs_without_hashes_are_read_and_unprotected(log: Path) -> None:
    records = [{k: v for k, v in r.items() if k not in ("prev", "hash")} for r in lines(log)]
    policy_changed = {**records[1], "policy": {**records[1]["policy"], "sha256": "0" * 64}}
    engine_changed = {**records[2], "result": {**records[2]["result"], "max_grant_sek": 1}}
    rewrite(log, [records[0], policy_changed, engine_changed])
    code, entries, _ = verify(str(log))
    assert code == 1
    assert verdicts(entries) == ["reproduces", "policy_changed", "engine_changed"]
    assert {e["protection"] for e in entries} == {"unprotected"}
    rewrite(log, records[:3])
    assert verify(str(log))[0] == 0
    # New records chain on after the old ones.
    run("evaluate", "-", "--year", "2018", "--decision-log", str(log), input=json.dumps(APP))
    code, entries, _ = verify(str(log))
    assert code == 0 and [e["protection"] for e in entries][-2:] == ["unprotected", "chained"]


def test_a_record_without_hash_among_chained_ones_is_tampered(log: Path) -> None:
    records = lines(log)
    records.insert(5, {k: v for k, v in records[4].items() if k not in ("prev", "hash")})
    rewrite(log, records)
    code, entries, _ = verify(str(log))
    assert code == 1 and verdicts(entries)[5] == "tampered" and "no hash" in entries[5]["detail"]


def test_a_number_json_cannot_carry_exactly_is_refused_before_anything_is_written(
    tmp_path: Path,
) -> None:
    log = tmp_path / "d.jsonl"
    huge = {**APP, "requested_sek": 10**20}
    code, out, err = run(
        "evaluate", "-", "--year", "2018", "--decision-log", str(log), input=json.dumps(huge)
    )
    assert (code, out) == (2, "") and "stdin.requested_sek: är för stort" in err
    assert not log.exists() or log.read_bytes() == b""
    # The same refusal without a log: every reader holds whole numbers to 2^53 - 1.
    plain = run("evaluate", "-", "--year", "2018", input=json.dumps(huge))
    assert plain == (code, out, err)


# --- trials and decisions -----------------------------------------------------------------------------

BEFORE_TRIALS = Path(__file__).parent / "data" / "decision-log-before-trials"
"""A decision log written by the fourules before trials were marked (four records, a
checkpoint after the second), the public key that signed it and the checkpoint published."""


def trial_log(path: Path, count: int = 3) -> Path:
    """COUNT trials appended to PATH, one at a time, as the pages' trial log appends them."""
    trials = DecisionLog(path, trials=True)
    for i in range(count):
        app = {**APP, "id": f"t{i}"}
        trials.append([(app, EVALUATOR.evaluate(app, "2018"))])
    return path


def test_a_decision_record_carries_no_trial_member_and_an_old_log_verifies_as_before(
    log: Path,
) -> None:
    assert all("trial" not in r for r in lines(log))
    code, entries, _ = verify(str(log))
    assert code == 0 and not any(e["trial"] for e in entries)
    code, out, _ = run("verify", str(log), "--lang", "en")
    assert code == 0 and "0 trials: every record is a decision" in out
    assert "försök" not in run("verify", str(log))[1].split("Sammanfattning")[0]
    # A log written before trials were marked: every hash, link and checkpoint still holds.
    old = BEFORE_TRIALS / "decisions.jsonl"
    key, published = BEFORE_TRIALS / "decision-log.pub", BEFORE_TRIALS / "published.txt"
    code, entries, err = verify(str(old), "--public-key", str(key), "--checkpoint", str(published))
    assert err == "" and len(entries) == 6, entries
    assert [e["protection"] for e in entries if e["kind"] == "record"] == [
        "checkpointed", "checkpointed", "chained", "chained"
    ]  # fmt: skip
    assert "tampered" not in verdicts(entries) and "input_rejected" not in verdicts(entries)
    assert [e["verdict"] for e in entries if e["kind"] == "checkpoint"] == ["holds", "holds"]
    assert not any(e["trial"] for e in entries)


def test_verify_counts_a_trial_log_s_records_as_trials(tmp_path: Path) -> None:
    path = trial_log(tmp_path / "trials.jsonl")
    assert all(r["trial"] is True for r in lines(path))
    code, entries, _ = verify(str(path))
    assert code == 0 and [e["trial"] for e in entries] == [True, True, True]
    assert set(verdicts(entries)) == {"reproduces"}
    code, out, _ = run("verify", str(path), "--lang", "en")
    assert code == 0 and "A trial log: all 3 records are trials" in out and "trial" in out
    code, out, _ = run("verify", str(path))
    assert code == 0 and "En försökslogg: alla 3 poster är försök" in out


def test_a_log_holding_trials_and_decisions_is_warned_of(log: Path) -> None:
    trial_log(log, 2)  # trials appended to the decision log: chained on, but not decisions
    code, entries, _ = verify(str(log))
    assert code == 0, "a trial reproduces and holds: said, not failed"
    trials = [e for e in entries if e["trial"]]
    assert [e["line"] for e in trials] == [41, 42]
    assert all("not a decision, in a log that holds decisions too" in e["detail"] for e in trials)
    assert not any("not a decision" in e["detail"] for e in entries if not e["trial"])
    code, out, _ = run("verify", str(log), "--lang", "en")
    assert "Warning: 2 of the 42 records are trials (lines 41, 42)" in " ".join(out.split())
    code, out, _ = run("verify", str(log))
    assert "Varning: 2 av de 42 posterna är försök (rad 41, 42)" in " ".join(out.split())


def test_a_trial_mark_cannot_be_taken_off_or_changed_unseen(
    tmp_path: Path, keys: tuple[Path, Path]
) -> None:
    path = trial_log(tmp_path / "trials.jsonl")
    checkpoint(path, keys[0])
    records = lines(path)
    del records[1]["trial"]  # a trial passed off as a decision
    records[2]["trial"] = False
    rewrite(path, records)
    code, entries, _ = verify(str(path), "--public-key", str(keys[1]))
    assert code == 1 and verdicts(entries) == ["reproduces", "tampered", "input_rejected"]
    assert "own hash" in entries[1]["detail"] and not entries[1]["trial"]
    assert "trial is true when given" in entries[2]["detail"]
    # Every hash recomputed by someone without the key: the checkpoint does not hold.
    del records[2]["trial"]
    rewrite(path, rechain(records))
    code, entries, _ = verify(str(path), "--public-key", str(keys[1]))
    assert code == 1 and verdicts(entries, "checkpoint") == ["tampered"]
    assert verdicts(entries)[1:] == ["tampered", "tampered"]


# --- keys and checkpoints ------------------------------------------------------------------------------


def test_keygen_writes_a_private_key_only_its_owner_reads_and_never_overwrites(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "k"
    code, out, _ = run("log", "keygen", str(folder))
    assert code == 0 and "decision-log.pub" in out
    assert stat.S_IMODE((folder / "decision-log.key").stat().st_mode) == 0o600
    before = (folder / "decision-log.key").read_bytes()
    code, out, err = run("log", "keygen", str(folder))
    assert (code, out) == (2, "") and "finns redan" in err
    assert (folder / "decision-log.key").read_bytes() == before


def test_a_missing_unreadable_or_wrong_key_is_an_error(
    log: Path, keys: tuple[Path, Path], tmp_path: Path
) -> None:
    checkpoint(log, keys[0])
    garbage = tmp_path / "garbage.pub"
    garbage.write_text("not a key", encoding="utf-8")
    code, out, err = run("verify", str(log))  # a log with checkpoints, no key
    assert (code, out) == (2, "")
    # The log names the key it needs and the line signed (40 records, then the checkpoint);
    # the command line, the flag that gives it.
    assert err.startswith(f"fourules: --public-key: {log}:41 har en signerad kontrollpunkt; ")
    assert "loggens publika nyckel" in err and "decision-log.pub" in err
    assert len(err.splitlines()) == 1
    for args in (
        ["--public-key", str(tmp_path / "missing.pub")],
        ["--public-key", str(garbage)],
        ["--public-key", str(keys[0])],  # the private key
        ["--public-key", str(tmp_path)],
    ):
        code, out, err = run("verify", str(log), *args)
        assert (code, out) == (2, ""), args
        assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert run("log", "checkpoint", str(log), "--key", str(keys[1]))[0] == 2  # a public key
    assert run("log", "checkpoint", str(log), "--key", str(garbage))[0] == 2
    published = tmp_path / "published.txt"
    published.write_text(checkpoint(log, keys[0]), encoding="utf-8")
    code, _, err = run("verify", str(log), "--checkpoint", str(published))
    assert code == 2 and err.startswith("fourules: --public-key: ")


def test_a_log_with_nothing_to_sign_says_to_write_decisions_to_it(
    tmp_path: Path, keys: tuple[Path, Path]
) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_text("", encoding="utf-8")
    code, out, err = run("log", "checkpoint", str(empty), "--key", str(keys[0]))
    assert (code, out) == (2, "") and len(err.splitlines()) == 1
    assert err.startswith(f"fourules: --decision-log: {empty} har ingen post med hash att signera")
    assert err.rstrip().endswith("skriv beslut till loggen först")
    assert empty.read_text(encoding="utf-8") == ""


def test_checkpoint_prints_a_signed_note_to_publish(log: Path, keys: tuple[Path, Path]) -> None:
    note = checkpoint(log, keys[0], "--origin", "stockholm.se/fourules/test")
    origin, size, head, when, policy, blank, signature = note.splitlines()
    assert (origin, size, blank) == ("stockholm.se/fourules/test", "40", "")
    assert head == lines(log)[39]["hash"] and when.startswith("time ")
    assert policy.startswith("policy 2018 ") and signature.startswith(
        "— stockholm.se/fourules/test "
    )
    assert lines(log)[40] == {"checkpoint": note}
    # The next checkpoint starts from this one and keeps its origin.
    run("evaluate", "-", "--year", "2018", "--decision-log", str(log), input=json.dumps(APP))
    again = checkpoint(log, keys[0])
    assert again.splitlines()[:2] == ["stockholm.se/fourules/test", "41"]
    code, entries, _ = verify(str(log), "--public-key", str(keys[1]))
    assert code == 0 and verdicts(entries, "checkpoint") == ["holds", "holds"]
    assert {e["protection"] for e in entries if e["kind"] == "record"} == {"checkpointed"}
    assert run("log", "checkpoint", str(log), "--key", str(keys[0]), "--origin", "a b")[0] == 2


def test_a_published_checkpoint_is_read_as_published(
    log: Path, keys: tuple[Path, Path], tmp_path: Path
) -> None:
    published = tmp_path / "published.txt"
    # A copy from a web page may have gained carriage returns: the signature still holds.
    published.write_bytes(checkpoint(log, keys[0]).replace("\n", "\r\n").encode("utf-8"))
    code, entries, _ = verify(
        str(log), "--public-key", str(keys[1]), "--checkpoint", str(published)
    )
    assert code == 0 and entries[-1]["verdict"] == "holds"
    # Its text changed is a signature that does not hold; anything else is no checkpoint.
    published.write_text(published.read_text("utf-8").replace("\n40\n", "\n39\n"), "utf-8")
    code, entries, _ = verify(
        str(log), "--public-key", str(keys[1]), "--checkpoint", str(published)
    )
    assert code == 1 and "signature does not hold" in entries[-1]["detail"]
    published.write_text("40\n", encoding="utf-8")
    code, out, err = run(
        "verify", str(log), "--public-key", str(keys[1]), "--checkpoint", str(published)
    )
    assert (code, out) == (2, "") and "ingen signerad kontrollpunkt" in err


def test_checkpoint_refuses_to_sign_a_log_that_does_not_hold(
    log: Path, keys: tuple[Path, Path]
) -> None:
    records = lines(log)
    records[20]["time"] = "2018-01-01T00:00:00+00:00"
    rewrite(log, records)
    before = log.read_bytes()
    code, out, err = run("log", "checkpoint", str(log), "--key", str(keys[0]))
    assert (code, out) == (2, "") and f"{log}:21" in err
    assert log.read_bytes() == before


def test_replicas_keep_their_own_logs_and_verify_takes_them_all(
    tmp_path: Path, keys: tuple[Path, Path]
) -> None:
    logs, notes = [tmp_path / "a.jsonl", tmp_path / "b.jsonl"], []
    for number, path in enumerate(logs):
        for i in range(number + 2):
            app = {**APP, "id": f"{path.stem}{i}"}
            run(
                "evaluate",
                "-",
                "--year",
                "2018",
                "--decision-log",
                str(path),
                input=json.dumps(app),
            )
        note = tmp_path / f"{path.stem}.txt"
        note.write_text(checkpoint(path, keys[0], "--origin", f"replica/{path.stem}"), "utf-8")
        notes.append(note)
    args = [str(p) for p in logs] + ["--public-key", str(keys[1])]
    args += [a for n in notes for a in ("--checkpoint", str(n))]
    code, entries, _ = verify(*args)
    assert code == 0
    assert [e["file"] for e in entries if e["kind"] == "record"] == [str(logs[0])] * 2 + [
        str(logs[1])
    ] * 3
    claims = [e for e in entries if e["line"] is None]
    assert [c["verdict"] for c in claims] == ["holds", "holds"]
    assert str(logs[1]) in claims[1]["detail"]
    # b cut back to a's size: a's checkpoint would fit it, but b's does not.
    logs[1].write_text("".join(logs[1].read_text("utf-8").splitlines(True)[:2]), "utf-8")
    code, entries, _ = verify(*args)
    assert code == 1 and [e["verdict"] for e in entries if e["line"] is None] == [
        "holds",
        "tampered",
    ]


@pytest.mark.parametrize("fmt", ["table", "markdown", "html", "csv"])
def test_every_format_shows_the_verdicts(log: Path, keys: tuple[Path, Path], fmt: str) -> None:
    checkpoint(log, keys[0])
    code, out, _ = run("verify", str(log), "--public-key", str(keys[1]), "--format", fmt)
    assert code == 0 and "återskapas" in out and "håller" in out and "i en kontrollpunkt" in out
    assert "reproduces" not in out and "checkpointed" not in out  # words, not the JSON's ids
    code, out, _ = run(
        "verify", str(log), "--public-key", str(keys[1]), "--format", fmt, "--lang", "en"
    )
    assert code == 0 and "reproduces" in out and "holds" in out and "checkpointed" in out


# --- writers -----------------------------------------------------------------------------------------


def _append_many(path: str, prefix: str, count: int, start: Any) -> None:
    ev = Evaluator(get_plugin_manager(load_entry_points=False))
    log = DecisionLog(Path(path))
    decisions = [
        ({**APP, "id": f"{prefix}{i}"}, ev.evaluate({**APP, "id": f"{prefix}{i}"}, "2018"))
        for i in range(count)
    ]
    start.wait()  # both processes append at once
    for decision in decisions:
        log.append([decision])


def test_processes_appending_at_once_keep_one_chain(tmp_path: Path) -> None:
    path = tmp_path / "shared.jsonl"
    context = multiprocessing.get_context("spawn")
    start = context.Barrier(2)
    workers = [
        context.Process(target=_append_many, args=(str(path), prefix, 150, start))
        for prefix in "pq"
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
        assert worker.exitcode == 0
    records = lines(path)
    assert len(records) == 300
    writers = [r["result"]["application_id"][0] for r in records]
    assert sum(a != b for a, b in itertools.pairwise(writers)) > 1  # they did interleave
    code, entries, _ = verify(str(path))
    assert code == 0 and verdicts(entries) == ["reproduces"] * 300


def test_the_service_signs_its_log_every_n_records_and_when_it_stops(
    tmp_path: Path, keys: tuple[Path, Path]
) -> None:
    from fastapi.testclient import TestClient

    from fourules.cli.serve import _closing

    path = tmp_path / "service.jsonl"
    log = DecisionLog(path, Checkpointing(load_private_key(keys[0]), every=10, origin="svc"))
    # As `fourules serve` runs it: the log is closed when the server shuts down.
    with TestClient(_closing(create_app(EVALUATOR, decision_log=log), log)) as client:
        for i in range(25):
            answer = client.post(
                "/v1/policies/2018/evaluate",
                content=json.dumps({**APP, "id": str(i)}),
                headers={"content-type": "application/json"},
            )
            assert answer.status_code == 200
    written = lines(path)
    assert [i for i, r in enumerate(written) if "checkpoint" in r] == [10, 21, 27]
    code, entries, _ = verify(str(path), "--public-key", str(keys[1]))
    assert code == 0
    assert {e["protection"] for e in entries if e["kind"] == "record"} == {"checkpointed"}


def test_the_service_signs_its_log_every_few_minutes(
    tmp_path: Path, keys: tuple[Path, Path]
) -> None:
    path = tmp_path / "timed.jsonl"
    log = DecisionLog(path, Checkpointing(load_private_key(keys[0]), minutes=0.002))
    log.append([(APP, EVALUATOR.evaluate(APP, "2018"))])
    deadline = time.monotonic() + 10
    while "checkpoint" not in path.read_text(encoding="utf-8") and time.monotonic() < deadline:
        time.sleep(0.05)
    size = path.stat().st_size
    time.sleep(0.3)  # nothing new: no more checkpoints
    log.close()
    assert path.stat().st_size == size and len(lines(path)) == 2


@pytest.mark.parametrize(
    "args",
    [
        ["--checkpoint-every", "10"],
        ["--decision-log", "d.jsonl", "--checkpoint-key", "missing.key"],
        ["--checkpoint-key", "x.key"],
        ["--decision-log", "d.jsonl", "--checkpoint-key", "KEY", "--checkpoint-every", "ten"],
    ],
)
def test_serve_refuses_checkpoint_options_that_do_not_fit(
    args: list[str], keys: tuple[Path, Path]
) -> None:
    args = [str(keys[0]) if a == "KEY" else a for a in args]
    code, out, err = run("serve", *args)
    assert (code, out) == (2, "") and len(err.splitlines()) == 1


# --- fuzzed --------------------------------------------------------------------------------------------

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
RECORDISH = st.fixed_dictionaries(
    {
        "policy": st.fixed_dictionaries(
            {"id": st.sampled_from(["2018", "2024", "x"]), "sha256": st.text(max_size=4)}
        ),
        "input": JSON,
        "result": JSON,
    },
    optional={"hash": JSON, "prev": JSON, "lang": st.sampled_from(["sv", "en", "de"])},
)


def _never_crashes(path: Path, data: bytes) -> None:
    path.write_bytes(data)
    result = CliRunner().invoke(cli, ["--plugins", "", "verify", str(path), "--format", "json"])
    assert result.exit_code in (0, 1, 2), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    if result.exit_code == 2:
        assert result.stdout == "" and len(result.stderr.splitlines()) == 1
    else:
        json.loads(result.stdout)


@settings(max_examples=50)
@given(data=st.binary(max_size=300))
def test_verify_fuzzed_with_bytes_never_crashes(
    tmp_path_factory: pytest.TempPathFactory, data: bytes
) -> None:
    _never_crashes(tmp_path_factory.mktemp("fuzz") / "log.jsonl", data)


@settings(max_examples=50)
@given(
    values=st.lists(
        JSON | RECORDISH | st.builds(lambda n: {"checkpoint": n}, st.text()), max_size=4
    )
)
def test_verify_fuzzed_with_json_lines_never_crashes(
    tmp_path_factory: pytest.TempPathFactory, values: list[Any]
) -> None:
    data = "".join(json.dumps(v) + "\n" for v in values).encode("utf-8", "surrogatepass")
    _never_crashes(tmp_path_factory.mktemp("fuzz") / "log.jsonl", data)
