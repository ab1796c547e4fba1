"""Documents of many evaluations carry each source, finding and score item once, and lose
nothing: expanded, each evaluation is what evaluating its application alone gives."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fourules import Evaluator
from fourules.evaluation.default_policies import builtin_policy_dir
from fourules.output.canonical import json_bytes
from fourules.rounds.model import Round, application_part, natural_key
from fourules.testing import applications
from fourules.use_cases import rounds
from fourules.use_cases.evaluate import EvaluateRequest, evaluate
from fourules.use_cases.evaluation_document import Evaluation
from fourules.use_cases.sources_once import EvaluationList, expanded
from tests.years import POLICIES, YEARS

ROUND_2018 = builtin_policy_dir() / "2018" / "round.json"


def _written(document: object) -> Any:
    return json.loads(json_bytes(document))


def _alone(evaluator: Evaluator, app: Any, year: str, lang: str = "sv") -> Any:
    """What evaluating the application alone writes."""
    single = evaluate(evaluator, EvaluateRequest(app, year, "a.json", lang=lang)).document
    assert isinstance(single, Evaluation)
    return _written(single)


def _key(entry: Any) -> str:
    """An entry's key, as a reader checks it: from its JSON as the document writes it."""
    written = json.dumps(entry, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(written.encode("utf-8")).hexdigest()[:16]


def _holds_each_once(document: dict[str, Any]) -> None:
    """Every key is its entry's own, and every entry is named: none missing, none unused."""
    findings, items, sources = (
        document["evaluation_findings"],
        document["score_items"],
        document["sources"],
    )
    for table in (findings, items, sources):
        assert all(_key(entry) == key for key, entry in table.items())
    assert {k for e in document["evaluations"] for k in e["findings"]} == set(findings)
    assert {k for e in document["evaluations"] for k in e["score_breakdown"]} == set(items)
    named = [f["source"] for f in findings.values()]
    named += [i["source"] for i in items.values() if i["source"] is not None]
    assert set(named) == set(sources)


@pytest.mark.parametrize("year", YEARS)
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_a_list_expanded_is_each_application_evaluated_alone(
    evaluator: Evaluator, data: st.DataObject, year: str
) -> None:
    drawn = data.draw(st.lists(applications(POLICIES[year]), min_size=1, max_size=5))
    apps = [{**app, "id": f"a{i}"} for i, app in enumerate(drawn)]
    lang = data.draw(st.sampled_from(["sv", "en"]))
    listed = evaluate(evaluator, EvaluateRequest(apps, year, "a.json", lang=lang)).document
    assert isinstance(listed, EvaluationList)
    document = _written(listed)
    assert expanded(document) == [_alone(evaluator, app, year, lang) for app in apps]
    _holds_each_once(document)
    backwards = _written(
        evaluate(evaluator, EvaluateRequest(apps[::-1], year, "a.json", lang=lang)).document
    )
    for table in ("sources", "evaluation_findings", "score_items"):  # the keys are the entries' own
        assert backwards[table] == document[table]
    assert [e["findings"] for e in backwards["evaluations"][::-1]] == [
        e["findings"] for e in document["evaluations"]
    ]


def test_a_round_expanded_is_each_application_evaluated_alone(evaluator: Evaluator) -> None:
    """The 2018 round: every evaluation in full, in id order, with every score item."""
    request = rounds.RoundRequest(ROUND_2018.read_bytes(), "round.json")
    done = rounds.evaluate_round(evaluator, request)
    document = _written(done.document)
    apps = sorted(done.round.applications, key=lambda a: natural_key(a.id))
    alone = [
        _written(Evaluation.of(evaluator.evaluate(app, done.year, assessment_checked=True)))
        for app in apps
    ]
    assert expanded(document) == alone
    assert any(e["score_breakdown"] for e in alone) and any(e["findings"] for e in alone)
    _holds_each_once(document)
    assert len(document["evaluation_findings"]) < sum(len(e["findings"]) for e in alone)


def test_a_document_of_many_is_written_compact_and_one_evaluation_indented(
    evaluator: Evaluator,
) -> None:
    from tests.applications import A_PROJECT_2018

    other = {**A_PROJECT_2018, "id": "b"}
    listed = evaluate(evaluator, EvaluateRequest([A_PROJECT_2018, other], "2018", "a.json"))
    single = evaluate(evaluator, EvaluateRequest(A_PROJECT_2018, "2018", "a.json"))
    many = json_bytes(listed.document)
    assert many.count(b"\n") == 1 and many.endswith(b"}\n")
    assert json.dumps(json.loads(many), ensure_ascii=False, separators=(",", ":")) + "\n" == (
        many.decode("utf-8")
    )
    one = json_bytes(single.document).decode("utf-8")
    assert one == json.dumps(json.loads(one), ensure_ascii=False, indent=2) + "\n"


def test_a_document_is_the_same_whatever_documents_were_listed_before(
    evaluator: Evaluator,
) -> None:
    """Entries another document listed are found by identity (`_LISTED`): a document made
    after them is byte for byte the one made afresh, each entry once, none missing."""
    from fourules.use_cases import sources_once

    decided = Round.model_validate_json(ROUND_2018.read_bytes())
    apps = [application_part(app) for app in decided.applications]

    def written(some: list[Any]) -> bytes:
        return json_bytes(evaluate(evaluator, EvaluateRequest(some, "2018", "a.json")).document)

    written(apps)  # every entry of the round listed once
    after = written(apps[5:12])
    sources_once._LISTED.clear()
    assert after == written(apps[5:12])
    _holds_each_once(json.loads(after))
