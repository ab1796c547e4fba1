"""What the cases' pages show and read (`web/case_pages.py`): a draft's cases as its
cases.yaml has them (read as YAML, so a draft whose cases do not load still shows them), the
check's `case` problems that say which fail, a case's application typed by the year's
facts as the check form types them (`web/forms.fact_inputs`, `read_fact`), what else a case
expects of the draft's rules (`Expect`: a rule's status, words its message contains, each
held to the rules policy.yaml has and the statuses their branches give), and the
application each kind's cases are merged onto (`defaults`: its facts, and the assessment
of the criteria of its kind)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any, ClassVar

from fourules.authoring.policy_item_edits import Flow
from fourules.authoring.yaml_edits import read
from fourules.errors import FourulesError, InputError
from fourules.policy.model import POLICY_FILE, Policy, policy_text
from fourules.text import LocalText
from fourules.texts import language, text
from fourules.use_cases.check import CheckDocument
from fourules.web.forms import FactInput, fact_inputs, read_amount, read_fact
from fourules.web.gate import field_text, field_values
from fourules.web.lists import ByPlace, entries

OUTCOMES = ("eligible", "undetermined", "ineligible")
KINDS = ("project", "study_trip")
STATUSES = ("pass", "fail", "warn", "unknown", "info")
"""A finding's statuses (policy/model.py's `Status`), in the order the form offers them."""
EXPECTED = ("findings", "message_contains")
"""What a case expects of the draft's rules besides its outcome, as cases.yaml writes it."""
MAX_EXPECTED = 60
"""The most expectations a case's form is read with (a case names a handful of rules)."""
BLANK_EXPECTED = 2
"""The empty rows a case's form offers for expectations to add."""
UNSTATED = "unstated"
"""The form's checkbox that writes a fact as `null`: stated as not stated in the application
(left empty, the field takes the default of its kind)."""
_CASE = re.compile(r"^cases\.(\d+)(?:\.|$)")
APPLICANTS = "applicants"
"""The application's applicants: the names it gives, as the applicant wrote them."""
SCORE = "score"
RESOLVED = "applicants"
"""What a case expects its applicants to resolve to (cases.yaml's `applicants:`, beside the
application's own), an administration's id a line, `NONE` for one that resolves to none."""
NONE = "-"
CASE_ANSWERS = ("yes", "no", "null", "")
"""A criterion's answer on a case's form: yes, no, assessed as not assessed (written
`null`), or not given in the case."""
STATED = "stated"
"""The case's form's choice that writes the assessment in the case (else the default's)."""


@dataclass(frozen=True)
class Row(ByPlace):
    """One case as cases.yaml writes it."""

    index: int
    name: str
    kind: str
    application: dict[str, Any]
    outcome: str
    max_grant_sek: Any
    also: dict[str, Any]
    """What else the case expects (the score, the applicants' administrations), kept as
    written."""
    kind_written: bool = False
    """Whether cases.yaml writes its kind (a project's may be left out)."""
    findings: dict[str, Any] = field(default_factory=dict)
    message_contains: dict[str, Any] = field(default_factory=dict)
    score: Any = None
    """The score the case expects (None: none)."""
    resolved: list[Any] | None = None
    """The administrations the case expects its applicants to resolve to (`applicants:`,
    None: none)."""


def rows(cases: Any) -> list[Row]:
    out = []
    for i, entry in enumerate(entries(cases, "cases")):
        application = entry.get("application")
        findings, contains = (entry.get(k) for k in EXPECTED)
        read_here = {k for k in EXPECTED if isinstance(entry.get(k), dict)}  # else kept as written
        score, resolved = entry.get(SCORE), entry.get(RESOLVED)
        if _a_number(score):
            read_here.add(SCORE)
        if isinstance(resolved, list) and all(_an_id(r) for r in resolved):
            read_here.add(RESOLVED)
        known = {"name", "kind", "application", "outcome", "max_grant_sek", *read_here}
        out.append(
            Row(
                index=i,
                name=str(entry.get("name", "")),
                kind=str(entry.get("kind", "project")),
                application=application if isinstance(application, dict) else {},
                outcome=str(entry.get("outcome", "")),
                max_grant_sek=entry.get("max_grant_sek"),
                also={k: v for k, v in entry.items() if k not in known},
                kind_written="kind" in entry,
                findings=findings if isinstance(findings, dict) else {},
                message_contains=contains if isinstance(contains, dict) else {},
                score=score if SCORE in read_here else None,
                resolved=resolved if RESOLVED in read_here else None,
            )
        )
    return out


def _a_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _an_id(value: Any) -> bool:
    return value is None or isinstance(value, str)


def defaults(cases: Any) -> dict[str, dict[str, Any]]:
    found = cases.get("defaults") if isinstance(cases, dict) else None
    return (
        {str(k): v for k, v in found.items() if isinstance(v, dict)}
        if isinstance(found, dict)
        else {}
    )


def shown(value: Any) -> str:
    """A value of a case as the table shows it."""
    if value is None:
        return text("pages.cases.unstated")
    if isinstance(value, bool):
        return text("yes_no.true" if value else "yes_no.false")
    if isinstance(value, list):
        return ", ".join(shown(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {shown(v)}" for k, v in value.items())
    return str(value)


def failing(check: CheckDocument) -> dict[int, list[dict[str, Any]]]:
    """The check's problems about each case (`cases.3`, `cases.3.outcome`), by its index."""
    out: dict[int, list[dict[str, Any]]] = {}
    for p in check.problems:
        found = _CASE.match(p.field)
        if found:
            out.setdefault(int(found.group(1)), []).append(
                {"check": p.check, "field": p.field, "line": p.line, "message": p.message}
            )
    return out


def draft_policy(files: Mapping[str, str], year: str) -> Policy | None:
    """The draft's policy as the evaluator loads it (None when it does not load: its facts
    are then asked as the file writes them)."""
    said = files.get(POLICY_FILE)
    if said is None:
        return None
    try:
        return policy_text(said, f"{year}/{POLICY_FILE}")
    except (FourulesError, ValueError):
        return None


def inputs(policy: Policy | None) -> tuple[FactInput, ...]:
    return fact_inputs(policy) if policy is not None else ()


def typed_fact(f: FactInput, value: Any) -> str | list[str]:
    """A fact's value as its widget shows it."""
    if value is None:
        return [] if f.widget == "checkboxes" else ""
    if f.widget == "checkboxes":
        return [str(v) for v in value] if isinstance(value, list) else [str(value)]
    if f.widget == "yes_no":
        return "yes" if value is True else "no" if value is False else ""
    return str(value)


@dataclass(frozen=True)
class RuleChoice:
    """A rule a case may expect a finding of: its id, its title, and the statuses its
    branches give (in the form's order)."""

    id: str
    title: str
    statuses: tuple[str, ...]


def rule_choices(files: Mapping[str, str]) -> dict[str, RuleChoice] | None:
    """The rules the draft's policy.yaml lists, by id (None: it does not read, so nothing a
    case expects of them can be held to them)."""
    try:
        policy = read(files.get("policy.yaml", ""), "policy.yaml")
    except InputError:
        return None
    listed = policy.get("rules") if isinstance(policy, dict) else None
    lang = language()
    out = {}
    for rule in listed if isinstance(listed, list) else []:
        if not isinstance(rule, dict) or not isinstance(rule.get("id"), str):
            continue
        branches = rule.get("branches")
        given = {b.get("status") for b in branches or [] if isinstance(b, dict)}
        title = rule.get("title")
        said = str(title.get(lang) or "") if isinstance(title, dict) else ""
        out[rule["id"]] = RuleChoice(rule["id"], said, tuple(s for s in STATUSES if s in given))
    return out


@dataclass
class Expect:
    """One thing a case expects of a rule: the status of its finding and words its message
    contains (either may be left empty)."""

    rule: str = ""
    status: str = ""
    words: str = ""

    @property
    def blank(self) -> bool:
        return not (self.rule or self.status or self.words)


def expected_of(row: Row) -> list[Expect]:
    """What ROW expects, a rule a line: those of its findings in their order, then those
    only its words name."""
    rules = [*row.findings, *(r for r in row.message_contains if r not in row.findings)]
    return [
        Expect(
            str(r),
            "" if row.findings.get(r) is None else str(row.findings[r]),
            "" if row.message_contains.get(r) is None else str(row.message_contains[r]),
        )
        for r in rules
    ]


@dataclass
class Typed:
    """The case's form as sent (or as the case stands), with problems beside its fields."""

    kept: ClassVar[tuple[str, ...]] = ("name",)
    """What a refusal shows back of the form."""
    name: str = ""
    kind: str = "project"
    outcome: str = "eligible"
    max_grant: str = ""
    facts: dict[str, Any] = field(default_factory=dict)
    unstated: list[str] = field(default_factory=list)
    applicants: str | None = ""
    """The application's applicants, a name a line ('': the default's)."""
    assessment: str | None = ""
    """`STATED`: the case gives the assessment (`answers`), else the default's applies."""
    answers: dict[str, str] = field(default_factory=dict)
    score: str | None = ""
    resolved: str | None = ""
    """The administrations the applicants are to resolve to, an id a line (`NONE`: none).
    Each of these None: a form sent without it (a script's), which keeps it as written."""
    message: str = ""
    errors: dict[str, str] = field(default_factory=dict)
    expect: list[Expect] | None = field(default_factory=list)
    """What the case expects of the rules; None: a form sent without them (kept as written)."""

    @property
    def expect_rows(self) -> list[Expect]:
        """The expectations as the form shows them: those typed, and empty rows to add more."""
        return [*(self.expect or []), *(Expect() for _ in range(BLANK_EXPECTED))]

    @classmethod
    def of(
        cls,
        row: Row,
        facts: tuple[FactInput, ...],
        criteria: Sequence[Assessed],
        message: str,
    ) -> Typed:
        written = row.application.get(ASSESSMENT)
        answers = written if isinstance(written, dict) else {}
        applicants = row.application.get(APPLICANTS)
        return cls(
            name=row.name,
            kind=row.kind,
            outcome=row.outcome,
            max_grant="" if row.max_grant_sek is None else str(row.max_grant_sek),
            facts={f.name: typed_fact(f, row.application.get(f.field)) for f in facts},
            unstated=[
                f.name
                for f in facts
                if f.field in row.application and row.application[f.field] is None
            ],
            applicants=_lines(applicants) if isinstance(applicants, list) else "",
            assessment=STATED if isinstance(written, dict) else "",
            answers={c.id: _case_answer(answers, c.id) for c in criteria},
            score="" if row.score is None else _number_shown(row.score),
            resolved=_lines(NONE if r is None else r for r in row.resolved or []),
            message=message,
            expect=expected_of(row),
        )


def _lines(values: Any) -> str:
    return "\n".join(str(v) for v in values)


def _case_answer(answers: Mapping[str, Any], criterion: str) -> str:
    if criterion not in answers:
        return ""
    return "null" if answers[criterion] is None else _answer(answers[criterion])


def _number_shown(value: Any) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def read_expected(form: Any) -> list[Expect] | None:
    """The expectations as sent (`expect.0.rule`, `expect.0.status`, `expect.0.words`), the
    empty rows left out; None when the form sends no row at all (a script's, which says
    nothing of them)."""
    get = partial(field_text, form)
    if "expect.0.rule" not in form:
        return None
    out = []
    for n in range(MAX_EXPECTED):
        at = f"expect.{n}."
        if at + "rule" not in form:
            break
        said = Expect(get(at + "rule"), get(at + "status"), " ".join(get(at + "words").split()))
        if not said.blank:
            out.append(said)
    return out


def read_typed(form: Any, facts: tuple[FactInput, ...], criteria: Sequence[Assessed]) -> Typed:
    get, many = partial(field_text, form), partial(field_values, form)

    def sent(name: str) -> str | None:
        return get(name) if name in form else None

    return Typed(
        name=" ".join(get("name").split()),
        kind=get("kind") or "project",
        outcome=get("outcome"),
        max_grant=get("max_grant_sek"),
        facts={f.name: many(f.name) if f.widget == "checkboxes" else get(f.name) for f in facts},
        unstated=many(UNSTATED),
        applicants=sent(APPLICANTS),
        assessment=sent(ASSESSMENT),
        answers={c.id: get(f"criterion.{c.id}") for c in criteria},
        score=sent(SCORE),
        resolved=sent("resolved"),
        message=get("message"),
        expect=read_expected(form),
    )


@dataclass(frozen=True)
class Known:
    """What a case's form is held to: the year's facts, the criteria an assessor answers
    (of any kind), the draft's rules (None: policy.yaml does not read) and the ids of its
    administrations (None: the policy does not load)."""

    facts: tuple[FactInput, ...]
    criteria: tuple[Assessed, ...]
    rules: Mapping[str, RuleChoice] | None
    administrations: frozenset[str] | None


def case_of(typed: Typed, known: Known, old: Row | None) -> dict[str, Any] | None:
    """The case the form says, or None (and `typed.errors`): what it expects of the draft's
    rules among it. The application's fields the form does not ask (an id, a title) are
    kept as written, and so is what else the case expects that the form does not ask."""
    grant = _expected(typed)
    application = _application(typed, known.facts, old.application if old is not None else {})
    if old is not None:  # what a form sent without (a script's) stays as written
        typed = _kept(typed, old)
    _applicants(typed, application)
    _assessment(typed, known.criteria, application)
    score = _score(typed)
    resolved = _resolved(typed, known.administrations)
    expected = _expectations(typed, known.rules)
    if typed.errors:
        return None
    case: dict[str, Any] = {"name": typed.name}
    # A project's kind is left out, as cases.yaml writes it, unless written so already.
    if typed.kind != "project" or (old is not None and old.kind_written and old.kind == "project"):
        case["kind"] = typed.kind
    # On one line each, as cases.yaml writes a case's parts (a case written otherwise keeps
    # how it is written where it is unchanged).
    case |= {"application": Flow(application), "outcome": typed.outcome, "max_grant_sek": grant}
    if score is not None:
        case[SCORE] = score
    if resolved is not None:
        case[RESOLVED] = Flow(resolved)
    return case | expected | (old.also if old is not None else {})


def _kept(typed: Typed, old: Row) -> Typed:
    """TYPED with what its form was sent without taken from the case OLD as it stands."""
    if typed.expect is None:
        typed.expect = expected_of(old)
    stands = Typed.of(old, (), (), "")
    written = old.application.get(ASSESSMENT)
    if typed.assessment is None and isinstance(written, dict):
        typed.assessment = STATED
        typed.answers = {k: _case_answer(written, k) for k in written}
    for name in ("applicants", "score", "resolved"):
        if getattr(typed, name) is None:
            setattr(typed, name, getattr(stands, name))
    return typed


def _applicants(typed: Typed, application: dict[str, Any]) -> None:
    """The applicants as typed, a name a line, written first among the application's fields
    when new; none typed: the default's apply."""
    said = typed.applicants or ""
    names = [" ".join(line.split()) for line in said.splitlines() if line.strip()]
    if not names:
        application.pop(APPLICANTS, None)
    elif APPLICANTS in application:
        application[APPLICANTS] = Flow(names)
    else:
        first = {APPLICANTS: Flow(names), **application}
        application.clear()
        application.update(first)


def _assessment(typed: Typed, criteria: Sequence[Assessed], application: dict[str, Any]) -> None:
    """The assessment as the form says it: the default's (no `assessment:` in the case),
    or the answers given (`null` for one assessed as not assessed), in the criteria's
    order, each criterion the form does not ask kept as written."""
    written = application.get(ASSESSMENT)
    if typed.assessment not in (STATED, "", None):
        typed.errors[ASSESSMENT] = text("form.not_a_choice", typed=typed.assessment)
        return
    if typed.assessment != STATED:
        application.pop(ASSESSMENT, None)
        return
    asked = {c.id for c in criteria}
    answers = {}
    for c in criteria:
        answer = typed.answers.get(c.id, "")
        if answer not in CASE_ANSWERS:
            typed.errors[f"criterion-{c.id}"] = text("form.not_a_choice", typed=answer)
        elif answer:
            answers[c.id] = None if answer == "null" else answer == "yes"
    if isinstance(written, dict):
        answers |= {k: v for k, v in written.items() if k not in asked}
    application[ASSESSMENT] = Flow(answers)


def _score(typed: Typed) -> int | float | None:
    """The score the case expects (None: none), a whole number written as one."""
    said = (typed.score or "").replace(",", ".").replace(" ", "")
    if not said:
        return None
    try:
        number = float(said)
    except ValueError:
        number = float("nan")
    if number != number or number in (float("inf"), float("-inf")):
        typed.errors[SCORE] = text("pages.cases.score.invalid", typed=typed.score)
        return None
    return int(number) if number.is_integer() else number


def _resolved(typed: Typed, administrations: frozenset[str] | None) -> list[str | None] | None:
    """The administrations the applicants are to resolve to, a line each (None: nothing
    expected), each an id of the draft's administrations (ADMINISTRATIONS; None: taken as
    typed) or `NONE`."""
    lines = [line.strip() for line in (typed.resolved or "").splitlines() if line.strip()]
    if not lines:
        return None
    unknown = [
        line
        for line in lines
        if line != NONE and administrations is not None and line not in administrations
    ]
    if unknown:
        typed.errors["resolved"] = text(
            "pages.cases.resolved.unknown",
            ids=", ".join(unknown),
            none=NONE,
            known=", ".join(sorted(administrations or ())),
        )
        return None
    return [None if line == NONE else line for line in lines]


def _expectations(typed: Typed, rules: Mapping[str, RuleChoice] | None) -> dict[str, Any]:
    """The findings and the words the form's rows expect (`findings`, `message_contains`;
    a part none expects is not written), each row held to the draft's RULES (None: they
    cannot be read, so the rows are taken as typed); a row's problem beside its field."""
    findings: dict[str, str] = {}
    contains: dict[str, str] = {}
    for n, said in enumerate(typed.expect or []):
        at = f"expect-{n}-"
        problem = _expect_problem(said, rules, findings.keys() | contains.keys())
        if problem is not None:
            typed.errors[at + problem[0]] = problem[1]
            continue
        if said.status:
            findings[said.rule] = said.status
        if said.words:
            contains[said.rule] = said.words
    return {k: Flow(v) for k, v in zip(EXPECTED, (findings, contains), strict=True) if v}


def _expect_problem(
    said: Expect, rules: Mapping[str, RuleChoice] | None, named: set[str]
) -> tuple[str, str] | None:
    """What keeps a row from saying an expectation (the part it is about, and why)."""
    field = f"findings.{said.rule}" if said.rule else "findings"
    if not said.rule:
        return "rule", text("pages.cases.expect.rule.needed", field=field)
    if rules is not None and said.rule not in rules:
        return "rule", text("pages.cases.expect.rule.unknown", field=field, rule=said.rule)
    if said.rule in named:
        return "rule", text("pages.cases.expect.rule.twice", field=field, rule=said.rule)
    if said.status and said.status not in STATUSES:
        return "status", text("pages.cases.expect.status.unknown", field=field, status=said.status)
    given = rules[said.rule].statuses if rules is not None else STATUSES
    if said.status and said.status not in given:
        statuses = ", ".join(given) or "–"
        return "status", text(
            "pages.cases.expect.status.not_given",
            field=field,
            rule=said.rule,
            status=said.status,
            statuses=statuses,
        )
    if not (said.status or said.words):
        return "status", text("pages.cases.expect.nothing", field=field)
    return None


def _expected(typed: Typed) -> int | None:
    """The name, kind and outcome checked; the largest grant read (None: not decided)."""
    errors = typed.errors
    if not typed.name:
        errors["name"] = text("pages.cases.name.needed")
    if typed.kind not in KINDS:
        errors["kind"] = text("form.no_kind")
    if typed.outcome not in OUTCOMES:
        errors["outcome"] = text("pages.cases.outcome.needed")
    grant = read_amount(typed.max_grant) if typed.max_grant else None
    if isinstance(grant, LocalText):
        errors["max_grant_sek"] = grant.get(language())
        return None
    return grant


def _application(
    typed: Typed | DefaultsTyped, facts: Sequence[FactInput], written: Mapping[str, Any]
) -> dict[str, Any]:
    """The application's fields as typed over those WRITTEN, in the order they were written,
    a new one after the last fact written (before an assessment, say), in the order of FACTS;
    a field left empty is not given (in a case, the default of its kind applies)."""
    asked = {f.field for f in facts}
    application = {k: v for k, v in written.items() if k not in asked}
    for f in facts:
        if f.name in typed.unstated:
            application[f.field] = None
            continue
        said = typed.facts.get(f.name)
        if not said:
            continue
        value = read_fact(f.declaration, said)
        if isinstance(value, LocalText):
            typed.errors[f.name] = value.get(language())
        else:  # a list on one line, as the files write the application's lists
            application[f.field] = Flow(value) if isinstance(value, list) else value
    order = [k for k in written if k in application]
    facts_at = [n for n, k in enumerate(order) if k in asked]  # new facts after the last one
    at = facts_at[-1] + 1 if facts_at else len(order)
    if not facts_at and ASSESSMENT in order:  # else before the assessment, as the files write it
        at = order.index(ASSESSMENT)
    new = [k for k in application if k not in order]
    return {k: application[k] for k in [*order[:at], *new, *order[at:]]}


# --- The application each kind's cases are merged onto (`defaults:`) ---------------------------

ASSESSMENT = "assessment"
"""The application's answers to the criteria an assessor assesses (`{novelty: true}`)."""
ANSWERS = ("yes", "no", "")
"""A criterion's answer on the defaults' form: yes, no, or not given."""


@dataclass(frozen=True)
class DefaultsRow:
    """The defaults of one kind as cases.yaml writes them (`written`: whether it does)."""

    kind: str
    application: dict[str, Any]
    written: bool

    @property
    def key(self) -> str:
        """Its kind, which names it in its address (`…/cases/defaults/project`)."""
        return self.kind


def defaults_rows(cases: Any) -> list[DefaultsRow]:
    """The defaults of each kind, written or not (a kind without them can be given them)."""
    written = defaults(cases)
    return [DefaultsRow(k, written.get(k, {}), k in written) for k in KINDS]


@dataclass(frozen=True)
class Assessed:
    """A criterion the application of a kind may answer: its id and its title."""

    id: str
    title: str


def assessed(policy: Policy | None) -> dict[str, tuple[Assessed, ...]]:
    """The criteria an assessor answers, by kind (none when the policy does not load)."""
    if policy is None:
        return {}
    vocabulary, lang = policy.vocabulary, language()
    titles = {c.id: c.title.get(lang) for c in vocabulary.criteria}
    return {
        kind: tuple(Assessed(c, titles.get(c, c)) for c in vocabulary.assessed.get(kind, ()))
        for kind in KINDS
    }


@dataclass
class DefaultsTyped:
    """The defaults' form as sent (or as they stand), with problems beside its fields:
    the facts of their kind, and the answer to each criterion of it (`yes`, `no`, '')."""

    kept: ClassVar[tuple[str, ...]] = ("message",)
    """What a refusal shows back of the form."""
    kind: str = "project"
    facts: dict[str, Any] = field(default_factory=dict)
    unstated: list[str] = field(default_factory=list)
    answers: dict[str, str] = field(default_factory=dict)
    message: str = ""
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(
        cls,
        row: DefaultsRow,
        facts: Sequence[FactInput],
        criteria: Sequence[Assessed],
        message: str,
    ) -> DefaultsTyped:
        written = row.application.get(ASSESSMENT)
        answers = written if isinstance(written, dict) else {}
        return cls(
            kind=row.kind,
            facts={f.name: typed_fact(f, row.application.get(f.field)) for f in facts},
            unstated=[
                f.name
                for f in facts
                if f.field in row.application and row.application[f.field] is None
            ],
            answers={c.id: _answer(answers.get(c.id)) for c in criteria},
            message=message,
        )


def _answer(value: Any) -> str:
    return "yes" if value is True else "no" if value is False else ""


def of_kind(facts: Sequence[FactInput], kind: str) -> tuple[FactInput, ...]:
    """The facts an application of KIND states."""
    return tuple(f for f in facts if kind in f.kinds)


def read_defaults(
    form: Any, kind: str, facts: Sequence[FactInput], criteria: Sequence[Assessed]
) -> DefaultsTyped:
    """The defaults' form of KIND as sent."""
    get, many = partial(field_text, form), partial(field_values, form)
    return DefaultsTyped(
        kind=kind,
        facts={f.name: many(f.name) if f.widget == "checkboxes" else get(f.name) for f in facts},
        unstated=many(UNSTATED),
        answers={c.id: get(f"criterion.{c.id}") for c in criteria},
        message=get("message"),
    )


def defaults_of(
    typed: DefaultsTyped,
    facts: Sequence[FactInput],
    criteria: Sequence[Assessed],
    written: DefaultsRow,
) -> dict[str, Any] | None:
    """The defaults the form says (None, and `typed.errors`): the facts of their kind as
    typed and the criteria's answers (on one line, as cases.yaml writes an assessment), every
    other field (an id, a title, the applicants, a criterion no longer the year's) kept as
    written; defaults not yet written name their kind first."""
    application = _application(typed, facts, written.application)
    said = application.get(ASSESSMENT)
    answers = dict(said) if isinstance(said, dict) else {}
    for c in criteria:
        answer = typed.answers.get(c.id, "")
        if answer not in ANSWERS:
            typed.errors[f"criterion-{c.id}"] = text("form.not_a_choice", typed=answer)
        elif answer:
            answers[c.id] = answer == "yes"
        else:
            answers.pop(c.id, None)
    if typed.errors:
        return None
    if answers:
        application[ASSESSMENT] = Flow(answers)
    else:
        application.pop(ASSESSMENT, None)
    if not written.written:
        application = {"kind": typed.kind, **application}
    return application


def all_assessed(policy: Policy | None) -> tuple[Assessed, ...]:
    """The criteria an assessor answers, of any kind, in the year's order (a case's form
    asks each; the kind's own are marked on the page)."""
    found: dict[str, Assessed] = {}
    for criteria in assessed(policy).values():
        found.update((c.id, c) for c in criteria)
    if policy is None:
        return ()
    order = [c.id for c in policy.vocabulary.criteria]
    return tuple(sorted(found.values(), key=lambda c: order.index(c.id) if c.id in order else 0))


def criterion_kinds(policy: Policy | None) -> dict[str, tuple[str, ...]]:
    """The kinds whose applications answer each criterion."""
    out: dict[str, tuple[str, ...]] = {}
    for kind, criteria in assessed(policy).items():
        for c in criteria:
            out[c.id] = (*out.get(c.id, ()), kind)
    return out


def administration_ids(policy: Policy | None) -> frozenset[str] | None:
    """The ids of the year's administrations (None: the policy does not load)."""
    if policy is None:
        return None
    return frozenset(m.id for m in policy.administrations.members)
