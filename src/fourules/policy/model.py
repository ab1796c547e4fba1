"""A year's call as a policy: its parameters, administrations, quotas, obligations and rules.

A policy is a folder holding `policy.yaml` (see docs/policies.md). It is validated when it
loads: a broken file names the file and the field. Its content hash (sha256 of the
canonical JSON form) identifies exactly which rules an evaluation used.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
from collections.abc import Iterator
from datetime import date
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, Literal, get_args

import yaml
from pydantic import Field, StrictInt, ValidationError, model_validator

from fourules.application import KINDS, Kind
from fourules.errors import PolicyError
from fourules.policy.administrations import (
    Administrations,
    AdministrationType,
)
from fourules.policy.conditions import (
    All,
    AnyOf,
    Cmp,
    Condition,
    In,
    Not,
    ParamKind,
    Scalar,
    parse,
)
from fourules.policy.facts import FactDeclaration, base_declarations, merged_declarations
from fourules.policy.source import PolicyPart, Source, empty_list
from fourules.policy.vocabulary import AssessedCriterion, Boundaries, Vocabulary, date_number
from fourules.text import DURATION_UNITS, LocalText

POLICY_FILE = "policy.yaml"
# libyaml's loader, where PyYAML was built with it, is ten times faster: it is cold start.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
Status = Literal["pass", "fail", "warn", "unknown", "info"]
Effect = Literal["ineligible", "undetermined"]
Basis = Literal["text", "precedent", "reading", "software"]
"""What a rule branch rests on: `text` (the quoted sentence says it), `precedent` (named
table rows of a decision), `reading` (the text leaves it open; the note names the
alternatives and why this one) or `software` (the tool's own requirement)."""
Unit = Literal["SEK", "date", "years", "days", "months"]


class Document(PolicyPart):
    title: str
    issuer: str
    addressee: str
    reference: str
    file: str | None = Field(
        default=None,
        description="The document's text as published (for 2024 an OCR scan), in the policy folder.",
    )
    transcription: str | None = Field(
        default=None,
        description=(
            "A proofread transcription of `file`, in the policy folder: the text the policy "
            "quotes when `file` is a scan. `fourules check` holds it to the scan word by word."
        ),
    )

    @property
    def quoted(self) -> str | None:
        """The file the policy's quotes are taken from: the transcription, else the text."""
        return self.transcription or self.file


class Parameter(PolicyPart):
    """One value of the call (a cap, a date, a limit), or an explicit 'not stated'."""

    value: StrictInt | date | None
    unit: Unit = Field(
        description=(
            'SEK: an amount; date: a day; years: a count of project years ("1-3 år"); '
            'days, months: a duration ("inom två månader"), a whole number of at least 1.'
        )
    )
    description: LocalText
    source: Source
    not_stated: LocalText | None = Field(
        default=None, description="Why the value is null: what the document does not say."
    )

    @model_validator(mode="after")
    def _stated_or_not(self) -> Parameter:
        if (self.value is None) != (self.not_stated is not None):
            raise ValueError("give a value, or value: null together with not_stated")
        if self.value is not None and (self.unit == "date") != isinstance(self.value, date):
            raise ValueError(f"unit {self.unit} does not fit the value {self.value!r}")
        if self.is_duration and isinstance(self.value, int) and self.value < 1:
            raise ValueError(
                f"a duration in {self.unit} is a whole number of at least 1, not {self.value}"
            )
        return self

    @property
    def is_duration(self) -> bool:
        """Whether the value is a length of time (days, months), not an amount or a count."""
        return self.unit in DURATION_UNITS


class Quota(PolicyPart):
    """How many applications one administration may be granted in a round."""

    id: str
    limit: int = Field(ge=0)
    counts: list[Kind] = Field(min_length=1)
    administrations: list[AdministrationType] = Field(min_length=1)
    description: LocalText
    source: Source


class Obligation(PolicyPart):
    id: str
    description: LocalText
    source: Source


class Branch(PolicyPart):
    """One outcome of a rule; the first branch whose `when` holds gives the finding."""

    when: dict[str, Any] | None = None
    status: Status
    outcome: Effect | None = None
    grant_limit: str | None = Field(default=None, pattern=r"^\$[a-z0-9_.]+$")
    message: LocalText
    basis: Basis | None = Field(
        default=None, description="What this branch rests on; by default its rule's basis."
    )


class Criterion(PolicyPart):
    """A rule that decides a criterion: mandatory (it can make an application ineligible or
    undetermined) or priority (it weighs in the ranking)."""

    id: str = Field(
        pattern=r"^[a-z][a-z0-9_]*$",
        description="The criterion's id; an application's `assessment` names it.",
    )
    type: Literal["mandatory", "priority"]
    weight: float | None = Field(default=None, ge=0, allow_inf_nan=False)
    group: str | None = Field(
        default=None,
        pattern=r"^[a-z][a-z0-9_]*$",
        description=(
            "Priority criteria of one group give priority for any one of them: the group "
            "scores the weight once, however many are met (e.g. 'projekt med någon av dessa "
            "inriktningar kan prioriteras')."
        ),
    )
    assessed: bool = Field(
        default=True,
        description=(
            "Judged by an assessor and given in the application's `assessment` (read by "
            "conditions as crit_<id>); false when the rule derives it from other facts."
        ),
    )

    @model_validator(mode="after")
    def _weight_for_priority(self) -> Criterion:
        if (self.type == "priority") != (self.weight is not None):
            raise ValueError("a priority criterion has a weight; a mandatory one has none")
        if self.group is not None and self.type != "priority":
            raise ValueError("only priority criteria form groups")
        return self


class Alternative(PolicyPart):
    """Another reading of the text a `reading` rests on, as a small change to the policy
    (see `policy/alternatives.py`): `fourules readings` shows what it would change."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    description: LocalText
    set: dict[str, Any] = Field(
        min_length=1, description="Path in the policy -> the value this reading gives it."
    )


class Rule(PolicyPart):
    id: str = Field(pattern=r"^[a-z0-9_.]+$")
    basis: Basis = Field(
        default="text",
        description=(
            "What the rule's branches rest on, unless a branch says otherwise: text (the "
            "quoted sentence says it), precedent (the source names table rows), reading (the "
            "text leaves it open; the source's note names the alternatives and why this one) "
            "or software (fourules's own requirement, which the decision does not state but a "
            "decision needs; its source is the nearest sentence)."
        ),
    )
    title: LocalText
    applies_to: list[Kind] | None = None
    criterion: Criterion | None = None
    source: Source
    alternatives: list[Alternative] = Field(
        default_factory=empty_list,
        description="Other readings of the text, when the rule (or a branch) rests on a reading.",
    )
    branches: list[Branch] = Field(min_length=1)

    @property
    def readings(self) -> bool:
        """Whether the rule or one of its branches rests on a reading."""
        return self.basis == "reading" or any(b.basis == "reading" for b in self.branches)


class Policy(PolicyPart):
    """One year's call."""

    id: str = Field(pattern=r"^[A-Za-z0-9_-]+$")
    version: str = Field(pattern=r"^\d+\.\d+\.\d+$")
    title: LocalText
    document: Document
    parameters: dict[str, Parameter]
    administrations: Administrations
    quotas: list[Quota]
    obligations: list[Obligation]
    facts: list[FactDeclaration] = Field(
        default_factory=empty_list,
        description=(
            "Facts the year adds to the base vocabulary (or changes there): each a field of "
            'the application, or derived from others (docs/policies.md, "Facts").'
        ),
    )
    rules: list[Rule] = Field(min_length=1)

    def canonical_json(self) -> str:
        """The canonical form the hash is taken of: sorted keys, no spaces, UTF-8. A year that
        declares no facts of its own hashes as it did before years could."""
        dumped = self.model_dump(mode="json", exclude={"facts"} if not self.facts else None)
        return json.dumps(dumped, sort_keys=True, ensure_ascii=False, separators=(",", ":"))

    @cached_property
    def sha256(self) -> str:
        return hashlib.sha256(self.canonical_json().encode("utf-8")).hexdigest()

    def param(self, name: str) -> tuple[ParamKind, Scalar]:
        """A parameter as a condition sees it: dates become YYYYMMDD numbers."""
        if name not in self.parameters:
            raise KeyError(
                f"unknown parameter ${name}; known: {', '.join(sorted(self.parameters))}"
            )
        p = self.parameters[name]
        if p.value is None:
            raise KeyError(
                f"parameter ${name} is not stated by the document and cannot be compared"
            )
        if isinstance(p.value, date):
            return "date", date_number(p.value)
        if p.is_duration:
            # Only a date moved by it may be compared (`conditions.Shifted`): a field compared
            # with "two months" would be read as compared with the number 2.
            return p.unit, p.value  # type: ignore[return-value]
        return "int", p.value

    @cached_property
    def vocabulary(self) -> Vocabulary:
        """The facts this policy's conditions may read: the base vocabulary with the year's
        own declarations, and one per assessed criterion."""
        return Vocabulary(
            [
                AssessedCriterion(rule.criterion.id, rule.title, tuple(rule.applies_to or KINDS))
                for rule in self.rules
                if rule.criterion is not None and rule.criterion.assessed
            ],
            merged_declarations(base_declarations(), self.facts),
        )

    @cached_property
    def priority_criteria(self) -> tuple[tuple[Rule, float], ...]:
        """The rules deciding a priority criterion, with its weight, in the policy's order."""
        return tuple(
            (rule, rule.criterion.weight or 0.0)
            for rule in self.rules
            if rule.criterion is not None and rule.criterion.type == "priority"
        )

    @cached_property
    def priority_rule_ids(self) -> frozenset[str]:
        """The ids of the rules deciding a priority criterion."""
        return frozenset(rule.id for rule, _ in self.priority_criteria)

    def branch_basis(self, r: int, b: int) -> Basis:
        """What branch B of rule R rests on: its own basis, else its rule's."""
        rule = self.rules[r]
        return rule.branches[b].basis or rule.basis

    def basis_counts(self) -> dict[str, int]:
        """How many rule branches rest on each basis, every basis named."""
        out = dict.fromkeys(get_args(Basis), 0)
        for r, rule in enumerate(self.rules):
            for b in range(len(rule.branches)):
                out[self.branch_basis(r, b)] += 1
        return out

    def boundaries(self) -> Boundaries:
        """Where this policy's outcomes can turn (see `boundaries_of`)."""
        return boundaries_of([self])

    def conditions(self) -> Iterator[tuple[int, int, Condition | None]]:
        """Each branch's own `when`, parsed: (rule index, branch index, condition or None)."""
        for r, rule in enumerate(self.rules):
            for b, branch in enumerate(rule.branches):
                where = f"rules[{r}] ({rule.id}).branches[{b}].when"
                cond = (
                    None
                    if branch.when is None
                    else parse(
                        branch.when, fields=self.vocabulary.fields, param=self.param, where=where
                    )
                )
                yield r, b, cond

    @model_validator(mode="after")
    def _consistent(self) -> Policy:
        # The checks run in this order so that a policy with several problems always
        # reports the same one first.
        self._check_facts()
        self._check_unique_rule_ids()
        self._check_unique_criterion_ids()
        self._check_administrations()
        self._check_branches()
        self._check_applies_to()
        self._check_alternatives()
        self._check_conditions_parse()
        return self

    def _check_alternatives(self) -> None:
        """Alternatives belong to readings, and their ids are unique within the policy."""
        for r, rule in enumerate(self.rules):
            if rule.alternatives and not rule.readings:
                raise ValueError(
                    f"rules[{r}] ({rule.id}).alternatives: only a reading has alternatives; "
                    "give the rule or a branch basis: reading"
                )
        dupes = _repeated([a.id for rule in self.rules for a in rule.alternatives])
        if dupes:
            raise ValueError(f"alternative ids must be unique; repeated: {', '.join(dupes)}")

    def _check_unique_rule_ids(self) -> None:
        """No two rules share an id."""
        dupes = _repeated([rule.id for rule in self.rules])
        if dupes:
            raise ValueError(f"rule ids must be unique; repeated: {', '.join(dupes)}")

    def _check_unique_criterion_ids(self) -> None:
        """No two rules decide a criterion with the same id."""
        repeated = _repeated([rule.criterion.id for rule in self.rules if rule.criterion])
        if repeated:
            raise ValueError(f"criterion ids must be unique; repeated: {', '.join(repeated)}")

    def _check_administrations(self) -> None:
        """Administration ids are unique, and every former one's successor is listed."""
        admin_ids = [a.id for a in self.administrations.members]
        if len(set(admin_ids)) != len(admin_ids):
            raise ValueError("administration ids must be unique")
        for former in self.administrations.former:
            if former.successor is not None and former.successor not in admin_ids:
                raise ValueError(f"successor {former.successor!r} of {former.name} is not listed")

    def _check_branches(self) -> None:
        """Every branch of every rule, in order, passes `_check_branch`."""
        for r, rule in enumerate(self.rules):
            for b, branch in enumerate(rule.branches):
                last = b == len(rule.branches) - 1
                self._check_branch(branch, last=last, where=f"rules[{r}] ({rule.id}).branches[{b}]")

    def _check_branch(self, branch: Branch, *, last: bool, where: str) -> None:
        """Only the last branch may omit `when`; its grant limit and message are sound."""
        if branch.when is None and not last:
            raise ValueError(f"{where}: only the last branch may omit 'when'")
        if branch.grant_limit is not None:
            self._check_grant_limit(branch.grant_limit, where=f"{where}.grant_limit")
        for text in (branch.message.sv, branch.message.en):
            self._check_placeholders(text, where=f"{where}.message")

    def _check_grant_limit(self, grant_limit: str, *, where: str) -> None:
        """A grant limit names a parameter that states an amount in SEK."""
        limit = self.parameters.get(grant_limit[1:])
        if limit is None or limit.unit != "SEK" or limit.value is None:
            raise ValueError(f"{where}: {grant_limit} is not a stated amount")

    def _check_placeholders(self, text: str, *, where: str) -> None:
        """Every `{placeholder}` in a message is a parameter or a name the vocabulary knows."""
        for name in re.findall(r"\{([^{}]*)\}", text):
            if name.startswith("$"):
                if name[1:] not in self.parameters:
                    raise ValueError(f"{where}: unknown parameter {{{name}}}")
            elif name not in self.vocabulary.placeholders:
                raise ValueError(
                    f"{where}: unknown placeholder {{{name}}}; "
                    f"known: {', '.join(sorted(self.vocabulary.placeholders))}"
                )

    def _check_applies_to(self) -> None:
        """A rule applies only to kinds of application that exist."""
        for kinds in (rule.applies_to for rule in self.rules):
            if kinds is not None and not set(kinds) <= set(KINDS):
                raise ValueError(f"applies_to takes {', '.join(KINDS)}")

    def _check_facts(self) -> None:
        """The year's facts fit the base vocabulary and the criteria (ids once each, the
        contract's fields kept, a derived fact's condition over facts declared before it)."""
        ids = [d.id for d in self.facts]
        if _repeated(ids):
            raise ValueError(f"fact ids must be unique: {', '.join(_repeated(ids))}")
        try:
            vocabulary = self.vocabulary
        except ValueError as exc:
            raise ValueError(f"facts: {exc}") from None
        applicants = {"applicants", "title", "id", "assessment"}
        taken = [d.id for d in vocabulary.added if d.json_field in applicants]
        if taken:
            raise ValueError(f"facts: {', '.join(taken)} would replace a field of the application")

    def _check_conditions_parse(self) -> None:
        """Every branch's `when` parses; a ConditionError names the one that does not."""
        list(self.conditions())


def _repeated(ids: list[str]) -> list[str]:
    """The ids that occur more than once, sorted."""
    return sorted({i for i in ids if ids.count(i) > 1})


def boundaries_of(policies: list[Policy]) -> Boundaries:
    """The constants the policies compare facts with, the names they know and the criteria
    they assess: what witnesses, lint and generated tests vary applications across."""

    # A duration (days, months) is no boundary of a field: it moves a date (`Shifted`), and
    # the witnesses across such a comparison are the solver's.
    def stated(unit: str) -> list[Any]:
        return sorted(
            {p.value for pol in policies for p in pol.parameters.values() if p.unit == unit}
            - {None},
            key=str,
        )

    names: dict[str, None] = {}
    for pol in policies:
        adm = pol.administrations
        names.update(dict.fromkeys(m.name for m in adm.members))
        names.update(dict.fromkeys(f.name for f in (*adm.former, *adm.not_yet_formed)))
    shared = [
        {m.name for m in pol.administrations.members if m.type == "district"} for pol in policies
    ]
    common = set.intersection(*shared) if shared else set()
    merged = Vocabulary.merged(*(pol.vocabulary for pol in policies))
    texts, numbers = _compared(policies)
    return Boundaries(
        amounts=tuple(stated("SEK")),
        dates=tuple(stated("date")),
        years=tuple(stated("years")),
        names=tuple(names),
        districts=tuple(n for n in names if n in common),
        numbers={name: tuple(sorted(values)) for name, values in numbers.items()},
        texts={name: tuple(sorted(values)) for name, values in texts.items()},
        criteria=merged.assessed,
    )


def _compared(policies: list[Policy]) -> tuple[dict[str, set[str]], dict[str, set[int]]]:
    """The words each open text field and the numbers each whole-number field are compared
    with in the policies' conditions."""
    texts: dict[str, set[str]] = {}
    numbers: dict[str, set[int]] = {}
    for pol in policies:
        for _, _, cond in pol.conditions():
            for name, values in _constants(cond).items():
                spec = pol.vocabulary.fields[name]
                if spec.kind == "str" and not spec.values:  # an open text field
                    texts.setdefault(name, set()).update(str(v) for v in values)
                elif spec.kind == "int":
                    numbers.setdefault(name, set()).update(v for v in values if isinstance(v, int))
    return texts, numbers


def _constants(cond: Condition | None) -> dict[str, set[Scalar]]:
    """The constants each field is compared with in a condition."""
    found: dict[str, set[Scalar]] = {}
    stack = [cond] if cond is not None else []
    while stack:
        node = stack.pop()
        if isinstance(node, Cmp):
            found.setdefault(node.field, set()).add(node.value)
        elif isinstance(node, In):
            found.setdefault(node.field, set()).update(node.values)
        elif isinstance(node, All | AnyOf):
            stack.extend(node.items)
        elif isinstance(node, Not):
            stack.append(node.item)
    return found


def _fill_document(node: Any, title: str, transcribed: bool = False) -> Any:
    # Sources in a policy file name the section and quote; the document is the policy's own
    # unless a source names another one. A source of the policy's own document quotes its
    # transcription when the document names one.
    if isinstance(node, dict):
        out = {k: _fill_document(v, title, transcribed) for k, v in node.items()}
        src = out.get("source")
        if isinstance(src, dict) and "document" not in src:
            out["source"] = {"document": title, **src, "transcribed": transcribed}
        return out
    if isinstance(node, list):
        return [_fill_document(v, title, transcribed) for v in node]
    return node


def first_problem(exc: ValidationError) -> tuple[str, str]:
    """The field and message of the problem to fix first. A misspelt key shows up twice: as
    an extra key, and its right name as missing; the misspelling says what to fix."""
    errors = exc.errors()
    err = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
    where = ".".join(str(p) for p in err["loc"])
    if err["type"] != "extra_forbidden":
        return where, err["msg"].removeprefix("Value error, ")
    parent = err["loc"][:-1]
    missing = [
        str(e["loc"][-1]) for e in errors if e["type"] == "missing" and e["loc"][:-1] == parent
    ]
    close = difflib.get_close_matches(str(err["loc"][-1]), missing, n=1, cutoff=0.6)
    hint = f"; did you mean {close[0]}?" if close else ""
    return where, f"is not a field here{hint}"


def read_yaml(path: Path) -> Any:
    """A year folder's YAML file, read; a problem raises PolicyError naming file and line."""
    return read_yaml_text(_text_of(path), str(path))


def _text_of(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PolicyError(str(path), "", f"cannot be read: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise PolicyError(str(path), "", "is not UTF-8 text") from None


def read_yaml_text(text: str, shown: str) -> Any:
    """A year file's TEXT, read as `read_yaml` reads the file SHOWN (the name its problems
    give)."""
    try:
        if "*" in text:  # cheap: a year file seldom has one; only then are aliases looked for
            _refuse_aliases(text, shown)
        return yaml.load(text, Loader=_YAML_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise PolicyError(
            shown, where, f"is not valid YAML: {getattr(exc, 'problem', exc)}"
        ) from None


MAX_EXPANDED = 200_000
"""The most values a year file may stand for once its aliases (`*name`) are followed: far
more than any year writes out (2024's policy.yaml is some 3 000), far fewer than the 387
million nine lines of aliases can stand for (a "billion laughs")."""


def _refuse_aliases(text: str, shown: str) -> None:
    """A year file whose aliases stand for more values than MAX_EXPANDED is refused: the
    check and the validation would walk every one of them. (Aliases as such are kept: a
    YAML writer emits them for a value written twice.)"""
    root = yaml.compose(text, Loader=_YAML_LOADER)
    sizes: dict[int, int] = {}

    def size(node: yaml.Node) -> int:
        known = sizes.get(id(node))
        if known is not None:
            return known
        sizes[id(node)] = 1  # a node that holds itself counts once, not for ever
        if isinstance(node, yaml.MappingNode):
            total = 1 + sum(size(k) + size(v) for k, v in node.value)
        elif isinstance(node, yaml.SequenceNode):
            total = 1 + sum(size(v) for v in node.value)
        else:
            total = 1
        sizes[id(node)] = min(total, MAX_EXPANDED + 1)
        return sizes[id(node)]

    try:
        expanded = size(root) if root is not None else 0
    except RecursionError:
        raise PolicyError(shown, "", "is nested too deep to read") from None
    if expanded > MAX_EXPANDED:
        raise PolicyError(
            shown,
            "",
            f"its aliases (*name) stand for more than {MAX_EXPANDED} values; write the "
            "values out instead",
        )


def load_policy_file(path: Path) -> Policy:
    """Load and validate one policy file; a problem raises PolicyError naming file and field."""
    return policy_text(_text_of(path), str(path))


def policy_text(text: str, shown: str) -> Policy:
    """The policy a policy file holding TEXT makes, loaded as `load_policy_file` loads the
    file SHOWN (its folder's name must be the policy's id)."""
    return policy_read(text, shown)[1]


def policy_read(text: str, shown: str) -> tuple[Any, Policy]:
    """The data a policy file holding TEXT holds, as read (not to be changed: it is shared),
    and the policy it makes, as `policy_text` gives it."""
    try:
        return _policy_read(text, Path(shown).parent.name)
    except PolicyError as exc:  # said of the file as the caller names it
        raise PolicyError(shown, exc.where, exc.message) from None


@lru_cache(maxsize=16)
def _policy_read(text: str, folder: str) -> tuple[Any, Policy]:
    """Remembered by the text and the folder's name, all the policy depends on (a policy is
    never changed after it loads): a draft's page, its check, the evaluator of its cases and
    the history of its rules each load the same policy.yaml, under names of their own. A
    case of the 2026 example saved and checked: 50 ms without it, 36 ms with it; its
    policy.yaml saved and checked, read once instead of three times under three names:
    251-312 -> 168-242 ms (`benchmarks/bench_calls_pages.py`, medians of 15 and 30, six
    runs of each in turn)."""
    raw = read_yaml_text(text, POLICY_FILE)
    return raw, policy_of(raw, Path(folder) / POLICY_FILE)


def policy_of(raw: Any, path: Path) -> Policy:
    """The policy RAW (a policy file's data, as read) validated as `load_policy_file` validates
    the file at PATH, which need not exist (its folder's name must be the policy's id): a
    policy changed in memory is checked without writing it out."""
    shown = str(path)
    if not isinstance(raw, dict):
        raise PolicyError(shown, "", "must hold a mapping with id, parameters, rules, …")
    document: dict[str, Any] = raw["document"] if isinstance(raw.get("document"), dict) else {}
    title, transcribed = document.get("title"), bool(document.get("transcription"))
    try:
        policy = Policy.model_validate(_fill_document(raw, title or "", transcribed))
    except ValidationError as exc:
        raise PolicyError(shown, *first_problem(exc)) from None
    folder = path.parent.name
    if policy.id != folder:
        raise PolicyError(
            shown, "id", f"is {policy.id!r} but the folder is {folder!r}; they must match"
        )
    return policy
