"""A draft of next year's call saved and read, as its pages save and read it (in process).

    python benchmarks/bench_calls_pages.py [--runs 15]

A calls folder in a temporary directory, a draft of 2026 started from 2024, and the example
call (examples/calls/2026) saved into it. Then, RUNS times each, every save with bytes of
its own (a save of the bytes a file already holds commits nothing, and a revision's check
is remembered, so a repeated save would measure nothing): cases.yaml with a comment added
at its end, which leaves what it says as it was; policy.yaml with a version of its own,
which changes what it says (its content hash), so that nothing remembered of its last
text serves —
- `case saved`: cases.yaml saved, and the draft checked (what every save of the cases', the
  coverage map's and the text's pages costs: policy.yaml unchanged);
- `policy saved`: policy.yaml saved, and the draft checked (a rule's, a parameter's or a
  quota's page: every part of the check made again);
- `files read`: the draft's files read at one revision (what every page of a draft reads
  first);
- `policy saved, quotes unfound`: policy.yaml saved and checked in a second draft, of 2027,
  started from 2024 with the 2026 decision's text pasted in and its transcription left
  out: 2024's quotes are not in it, and the check shows each beside the passage nearest
  to it, as a draft stands while its policy is rewritten for the new text;
- `rule form opened`: the YAML a rule's form shows (what saving it unchanged would
  write, `rule_edited`), rule after rule of the example's unchanged policy.yaml, as a
  policy owner goes through the rules;
- `rule changed`: the same text with one rule's title changed, rule after rule (a form's
  preview of its change, and its save), from the third change of the text on (the first
  reads the text, the second cuts it into pieces: `authoring/yaml_pieces.py`).
Prints the median, min and max of each, in milliseconds.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from medians import timed_ms

from fourules import Evaluator, get_plugin_manager
from fourules.authoring.rule_edits import rule_edited
from fourules.authoring.yaml_edits import read
from fourules.use_cases import calls as uc
from fourules.web.call_views import draft_files

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "calls" / "2026"
WRITTEN = ("policy.yaml", "document.txt", "cases.yaml", "coverage.yaml")
EDITOR = uc.Person("anna", "editor")


def versioned(policy: bytes, i: int) -> bytes:
    """POLICY (a policy.yaml) with a version of its own, the Ith."""
    return re.sub(rb"(?m)^version: .*$", f'version: "9.{i}.0"'.encode(), policy, count=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "calls"
        repository = uc.CallsFolder.open(folder).repository
        evaluator = Evaluator(get_plugin_manager(load_entry_points=False))
        uc.start_draft(repository, evaluator, EDITOR, "2026", "2024")
        revision = repository.read("2026", "policy.yaml").revision
        for name in WRITTEN:
            data = (EXAMPLE / name).read_bytes()
            revision = uc.save_file(repository, EDITOR, "2026", name, data, name, revision).revision
        assert uc.check_draft(repository, "2026").ok

        def saved(name: str) -> Callable[[int], object]:
            text = (EXAMPLE / name).read_bytes()

            def save(i: int) -> object:
                now = repository.read("2026", name).revision
                data = text + f"# {name}, save {i}\n".encode()
                if name == "policy.yaml":
                    data = versioned(text, i)
                return uc.save_file(repository, EDITOR, "2026", name, data, name, now)

            return save

        uc.start_draft(repository, evaluator, EDITOR, "2027", "2024")
        pasted = repository.read("2027", "document.txt").revision
        text = (EXAMPLE / "document.txt").read_bytes()
        uc.save_file(repository, EDITOR, "2027", "document.txt", text, "text", pasted)
        # As the heading's page leaves it: the transcription gone, the policy quoting the text.
        policy_2027 = repository.read("2027", "policy.yaml").data.replace(
            b"  transcription: transcription.txt\n", b""
        )

        def unfound(i: int) -> object:
            now = repository.read("2027", "policy.yaml").revision
            data = versioned(policy_2027, i)
            return uc.save_file(repository, EDITOR, "2027", "policy.yaml", data, "policy", now)

        policy_text = (EXAMPLE / "policy.yaml").read_text(encoding="utf-8")
        rules = read(policy_text)["rules"]

        def opened(i: int) -> object:
            rule = rules[2 + i % (len(rules) - 2)]
            return rule_edited(policy_text, rule["id"], rule)

        def changed(i: int) -> object:
            rule = rules[i % len(rules)]
            rule = dict(rule, title={**rule["title"], "sv": f"Ändrad {i}"})
            return rule_edited(policy_text, rule["id"], rule)

        for i in range(2):  # the text read, then cut into pieces
            changed(len(rules) - 1 - i)

        report = {
            "case saved": timed_ms(args.runs, saved("cases.yaml")),
            "policy saved": timed_ms(args.runs, saved("policy.yaml")),
            "files read": timed_ms(args.runs, lambda i: draft_files(repository, "2026")),
            "policy saved, quotes unfound": timed_ms(args.runs, unfound),
            "rule form opened": timed_ms(args.runs, opened),
            "rule changed": timed_ms(args.runs, changed),
        }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
