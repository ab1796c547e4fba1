"""A diff in plain words: each change between two years' calls as one sentence in the
context language (`fourules.texts`), with its values as people write them (kronor, dates,
durations, kinds as words) and every id as the name its year gives it — a parameter by its
description, a rule by its title, a criterion by its title and type, a fact by its label,
an administration by its name, a quota or an obligation by its description.

Each year's own words are read from that year's policy (`PolicyWords`): what a change was
in the first year's, what it is in the second's. A rule's branches are said as cases
("när sökt belopp är större än 25 000 kr: varning; högst 25 000 kr kan beviljas"), every
`$parameter` filled with that year's value. The same words show a year's rules on their
own (`PolicyWords.message`: a message with its parameters filled in and its placeholders
named).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from fourules.comparison.structure import Change, ChangeKind
from fourules.evaluation.messages import compile_template, parameter_text
from fourules.policy.facts import CRITERION_PREFIX, FactDeclaration
from fourules.policy.model import Policy, Rule
from fourules.text import DURATION_UNITS, duration_text, format_sek
from fourules.texts import initial, language, text

ORDERED_OPS = ("lt", "le", "gt", "ge")
SET_OPS = ("any_of", "all_of", "none_of")
RULE_PARTS = ("applies_to", "branches")
CRITERION_PARTS = ("type", "weight", "group")


@dataclass(frozen=True)
class Said:
    """A change as a person reads it: one sentence; the kind as read (a part of an item both
    years have is changed, whatever side is empty); and, for a rule or a criterion added or
    removed, what it decides, case by case, in the words of the year that has it."""

    sentence: str
    kind: ChangeKind
    decides: tuple[str, ...] = ()


def listed(items: Iterable[str]) -> str:
    """Items as a sentence lists them: 'a, b och c'."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {text('sentence.and')} {items[-1]}"


def _lower(words: str) -> str:
    """A label inside a sentence: 'Sökt belopp' -> 'sökt belopp', 'A trip' -> 'a trip',
    but 'LUM-medel' stays."""
    first = words.split(" ", 1)[0]
    if len(first) > 1 and not first[1:2].islower():
        return words
    return words[:1].lower() + words[1:]


def kinds_words(kinds: Sequence[str] | None) -> str:
    """The kinds a rule applies to, in words; none named is every application."""
    if not kinds:
        return text("sentence.kinds.all")
    return listed(text(f"kind.short.{kind}") for kind in kinds)


class PolicyWords:
    """One year's words for its parts, in the context language."""

    def __init__(self, policy: Policy) -> None:
        self.policy = policy
        self.year = policy.id
        self.lang = language()
        self.rules = {rule.id: rule for rule in policy.rules}
        self.criteria = {c.id: c.title for c in policy.vocabulary.criteria}
        self.declarations: dict[str, FactDeclaration] = {
            d.id: d for d in policy.vocabulary.declarations
        }
        self.by_field = {d.json_field: d for d in policy.vocabulary.declarations if d.json_field}

    # --- names ---------------------------------------------------------------------------

    def parameter(self, name: str) -> str:
        return self.policy.parameters[name].description.get(self.lang)

    def value(self, name: str) -> str:
        return parameter_text(self.policy, name, self.lang)

    def rule(self, rid: str) -> str:
        return self.rules[rid].title.get(self.lang)

    def criterion(self, cid: str) -> str:
        """An assessed criterion's title; one the year derives, by its rule's title."""
        title = self.criteria.get(cid)
        if title is not None:
            return title.get(self.lang)
        return next(
            r.title.get(self.lang)
            for r in self.policy.rules
            if r.criterion and r.criterion.id == cid
        )

    def fact(self, name: str) -> str:
        """A fact a condition reads, by its label (an assessed criterion by its title)."""
        if name.startswith(CRITERION_PREFIX) and name[len(CRITERION_PREFIX) :] in self.criteria:
            return text(
                "sentence.criterion_fact", title=self.criterion(name[len(CRITERION_PREFIX) :])
            )
        declared = self.declarations.get(name)
        return _lower(declared.label.get(self.lang)) if declared else name

    # --- values --------------------------------------------------------------------------

    def operand(self, name: str, value: Any) -> str:
        """A value a condition compares a fact with, as the fact's type writes it."""
        if isinstance(value, str) and value.startswith("$"):
            return self.value(value[1:])
        if isinstance(value, Mapping):  # a date moved by a duration
            move = "plus" if "plus" in value else "minus"
            return text(
                f"sentence.cond.{move}", field=self.fact(value["field"]),
                duration=self.operand(name, value[move]),
            )  # fmt: skip
        if name.startswith(CRITERION_PREFIX) and value in ("yes", "no"):
            return text("yes_no.true" if value == "yes" else "yes_no.false")
        return self.stated(self.declarations.get(name), value)

    def stated(self, declared: FactDeclaration | None, value: Any) -> str:
        """A fact's value as people write it: kronor, a label, yes or no, a duration."""
        if declared is None or value is None:
            return str(value)
        labels = {v.id: _lower(v.label.get(self.lang)) for v in declared.values}
        if isinstance(value, list):
            return listed(labels.get(str(v), str(v)) for v in value)
        if declared.type == "yes_no":
            yes = value in ("yes", True)
            return text("yes_no.true" if yes else "yes_no.false")
        if declared.type == "amount" and isinstance(value, int):
            return format_sek(value)
        if declared.type == "duration" and declared.unit in DURATION_UNITS:
            return duration_text(int(value), declared.unit, self.lang)
        if declared.type == "text":
            return f"”{value}”"
        return labels.get(str(value), str(value))

    # --- conditions and cases ------------------------------------------------------------

    def condition(self, when: Mapping[str, Any], nested: bool = False) -> str:
        """A branch's condition in words, every parameter filled with the year's value."""
        for combinator in ("all", "any"):
            if combinator in when:
                word = text("sentence.and" if combinator == "all" else "sentence.or")
                said = f" {word} ".join(self.condition(c, True) for c in when[combinator])
                return f"({said})" if nested else said
        if "not" in when:
            return text("sentence.not", condition=self.condition(when["not"]))
        return self._leaf(when)

    def _leaf(self, when: Mapping[str, Any]) -> str:
        name = str(when.get("field"))
        field = self.fact(name)
        if "exists" in when:
            return text(
                "sentence.cond.exists" if when["exists"] else "sentence.cond.missing", field=field
            )
        op = next(key for key in when if key != "field")
        operand = when[op]
        if op in SET_OPS or op == "in":
            values = listed(self.operand(name, v) for v in operand)
            return text(f"sentence.cond.{op}", field=field, values=values)
        declared = self.declarations.get(name)
        dated = declared is not None and declared.type == "date" and op in ORDERED_OPS
        key = f"sentence.cond.date.{op}" if dated else f"sentence.cond.{op}"
        return text(key, field=field, value=self.operand(name, operand))

    def effect(self, branch: Mapping[str, Any]) -> str:
        """What a case gives: its status, the outcome it makes, the grant it limits."""
        parts = [text(f"status.{branch['status']}")]
        if branch.get("outcome"):
            parts.append(text(f"sentence.outcome.{branch['outcome']}"))
        if branch.get("grant_limit"):
            parts.append(text("sentence.limit", limit=self.value(branch["grant_limit"][1:])))
        return ", ".join(parts)

    def head(self, branch: Mapping[str, Any], alone: bool) -> str:
        """When a case holds: its condition, otherwise (after others), or always (alone)."""
        when = branch.get("when")
        if when:
            return text("sentence.when", condition=self.condition(when))
        return text("sentence.always" if alone else "sentence.otherwise")

    def case(self, branch: Mapping[str, Any], alone: bool = False) -> str:
        """One case of a rule, as a sentence: 'När …: varning; högst 25 000 kr kan beviljas.'"""
        return initial(f"{self.head(branch, alone)}: {self.effect(branch)}.")

    def cases(self, rule: Rule) -> tuple[str, ...]:
        """What a rule decides, case by case."""
        branches = [b.model_dump(mode="json") for b in rule.branches]
        return tuple(self.case(b, len(branches) == 1) for b in branches)

    def criterion_kind(self, rule: Rule) -> str:
        """A rule's criterion in words: its type, the points it gives, its group."""
        criterion = rule.criterion
        assert criterion is not None
        said = [initial(text(f"sentence.criterion.{criterion.type}"))]
        if criterion.weight is not None:
            said.append(points(criterion.weight))
        others = _grouped(self.policy, rule.id, criterion.group)
        if others:
            said.append(text("sentence.criterion.grouped", others=others))
        return ", ".join(said)

    def message(self, template: str) -> str:
        """A branch's message as the rules page shows it: its parameters filled in, each
        placeholder named by the fact it shows ('[sökt belopp]')."""
        placeholders = self.policy.vocabulary.placeholders
        parts = []
        for is_placeholder, words in compile_template(template, self.policy, self.lang):
            if not is_placeholder:
                parts.append(words)
                continue
            fact = placeholders.get(words)
            named = fact.declaration.label.get(self.lang) if fact and fact.declaration else words
            parts.append(text("sentence.placeholder", label=_lower(named)))
        return "".join(parts)


class ChangeWords:
    """The words of a diff from one year to another: each change as `Said`."""

    def __init__(self, a: Policy, b: Policy) -> None:
        self.a, self.b = PolicyWords(a), PolicyWords(b)

    def said(self, change: Change) -> Said:
        section, _, rest = change.path.partition(".")
        say = {
            "parameters": self._parameter,
            "rules": self._rule,
            "criteria": self._criterion,
            "administrations": self._administration,
            "quotas": self._quota,
            "obligations": self._obligation,
        }[section]
        return say(rest, change)

    def all(self, changes: Iterable[Change]) -> list[Said]:
        return [self.said(change) for change in changes]

    def _named(self, now: str, before: str | None, quoted: bool = False) -> str:
        """A name in the second year's words (quoted inside a sentence), with the first's
        where they differ."""
        shown = f"”{now}”" if quoted else now
        if before is None or before == now:
            return shown
        return text("sentence.named_before", name=shown, year=self.a.year, before=before)

    # --- parameters ----------------------------------------------------------------------

    def _parameter(self, name: str, change: Change) -> Said:
        a, b = self.a, self.b
        in_a, in_b = name in a.policy.parameters, name in b.policy.parameters
        named = self._named(
            b.parameter(name) if in_b else a.parameter(name),
            a.parameter(name) if in_a and in_b else None,
        )
        before = a.value(name) if in_a else None
        after = b.value(name) if in_b else None
        stated_a = in_a and a.policy.parameters[name].value is not None
        stated_b = in_b and b.policy.parameters[name].value is not None
        if stated_a and not stated_b:
            said = text("sentence.parameter.not_stated", name=named, year=b.year, before=before)
        elif stated_b and not stated_a:
            said = text("sentence.parameter.stated", name=named, year=a.year, after=after)
        elif not (in_a and in_b):  # added or removed, stated in neither year
            said = text("sentence.parameter.unstated", name=named, year=b.year if in_a else a.year)
        else:
            verb = _moved(a.policy.parameters[name], b.policy.parameters[name])
            said = text(f"sentence.parameter.{verb}", name=named, before=before, after=after)
        return Said(initial(said), "changed" if in_a and in_b else change.kind)

    # --- rules ---------------------------------------------------------------------------

    def _rule(self, rest: str, change: Change) -> Said:
        rid, part = _split(rest, RULE_PARTS, self.a.rules, self.b.rules)
        if part == "applies_to":
            said = text(
                "sentence.rule.applies_to", title=self._rule_name(rid),
                after=kinds_words(change.after), before=kinds_words(change.before),
            )  # fmt: skip
            return Said(said, "changed")
        if part == "branches":
            return Said(self._branches(rid, change.before, change.after), "changed")
        if change.kind == "added":
            rule = self.b.rules[rid]
            title = rule.title.get(self.b.lang)
            said = (
                text("sentence.rule.added.kinds", title=title, kinds=kinds_words(rule.applies_to))
                if rule.applies_to
                else text("sentence.rule.added", title=title)
            )
            return Said(said, "added", self.b.cases(rule))
        rule = self.a.rules[rid]
        said = text(
            "sentence.rule.removed", title=f"”{rule.title.get(self.a.lang)}”", year=self.b.year
        )
        return Said(said, "removed", self.a.cases(rule))

    def _rule_name(self, rid: str, quoted: bool = True) -> str:
        return self._named(self.b.rule(rid), self.a.rule(rid), quoted)

    def _branches(self, rid: str, before: list[dict[str, Any]], after: list[dict[str, Any]]) -> str:
        """What changed in a rule's cases: each case matched by its condition; a case
        whose effect changed, one added, one gone, or only their order."""
        a, b = self.a, self.b
        kept = [json.dumps(x.get("when"), sort_keys=True) for x in before]
        parts: list[str] = []
        matched: set[int] = set()
        for branch in after:
            key = json.dumps(branch.get("when"), sort_keys=True)
            i = next((i for i, k in enumerate(kept) if k == key and i not in matched), None)
            head = b.head(branch, len(after) == 1)
            if i is None:
                parts.append(text("sentence.case.added", head=head, effect=b.effect(branch)))
                continue
            matched.add(i)
            old = before[i]
            if _effect_of(old) != _effect_of(branch):
                parts.append(
                    text(
                        "sentence.case.changed",
                        head=head,
                        effect=b.effect(branch),
                        before=a.effect(old),
                    )
                )
        for i, old in enumerate(before):
            if i not in matched:
                head = a.head(old, len(before) == 1)
                parts.append(text("sentence.case.removed", head=head, effect=a.effect(old)))
        if not parts:
            parts.append(text("sentence.case.reordered"))
        return text("sentence.rule.branches", title=self._rule_name(rid), parts="; ".join(parts))

    # --- criteria ------------------------------------------------------------------------

    def _criterion(self, rest: str, change: Change) -> Said:
        rid, part = _split(rest, CRITERION_PARTS, self.a.rules, self.b.rules)
        if part is None:
            return self._criterion_whole(rid, change)
        ca, cb = self.a.rules[rid].criterion, self.b.rules[rid].criterion
        assert ca is not None and cb is not None  # a part changed: both years have it
        title = self._rule_name(rid, quoted=False)
        if part == "type":
            said = text(
                "sentence.criterion.type", title=title,
                after=text(f"sentence.criterion.{cb.type}"), before=text(f"sentence.criterion.{ca.type}"),
            )  # fmt: skip
        elif part == "weight":
            said = _weight(title, ca.weight, cb.weight)
        else:
            said = self._group(title, rid, cb.group, ca.group)
        return Said(initial(said), "changed")

    def _criterion_whole(self, rid: str, change: Change) -> Said:
        if change.kind == "added":
            rule, words = self.b.rules[rid], self.b
        else:
            rule, words = self.a.rules[rid], self.a
        assert rule.criterion is not None
        title, kind = rule.title.get(words.lang), rule.criterion.type
        if change.kind == "removed":
            said = text(
                "sentence.criterion.removed", the_type=text(f"sentence.criterion.the.{kind}"),
                title=f"”{title}”", year=self.b.year,
            )  # fmt: skip
            return Said(initial(said), "removed", words.cases(rule))
        others = _grouped(words.policy, rid, rule.criterion.group)
        kind_words = text(f"sentence.criterion.{kind}")
        said = (
            text("sentence.criterion.added.grouped", type=kind_words, title=title, others=others)
            if others
            else text("sentence.criterion.added", type=kind_words, title=title)
        )
        return Said(said, "added", words.cases(rule))

    def _group(self, title: str, rid: str, now: str | None, before: str | None) -> str:
        if now is None:
            others = _grouped(self.a.policy, rid, before) or text("sentence.criterion.group.alone")
            return text("sentence.criterion.group.left", title=title, others=others)
        others = _grouped(self.b.policy, rid, now) or text("sentence.criterion.group.alone")
        return text("sentence.criterion.group", title=title, others=others)

    # --- administrations, quotas, obligations --------------------------------------------

    def _administration(self, aid: str, change: Change) -> Said:
        before, after = change.before or {}, change.after or {}
        if change.kind == "added":
            said = text(
                "sentence.administration.added", name=after["name"],
                type=text(f"administration.{after['type']}"),
            )  # fmt: skip
        elif change.kind == "removed":
            said = text("sentence.administration.removed", name=before["name"], year=self.b.year)
        elif before["name"] != after["name"]:
            said = text(
                "sentence.administration.renamed",
                before=before["name"],
                after=after["name"],
                year=self.b.year,
            )
        else:
            said = text(
                "sentence.administration.retyped", name=after["name"],
                after=text(f"administration.{after['type']}"), before=text(f"administration.{before['type']}"),
            )  # fmt: skip
        note = self._administration_note(after.get("name") or before.get("name"))
        return Said(f"{said} {note}" if note else said, change.kind)

    def _administration_note(self, name: str | None) -> str | None:
        """What either year says of a name that is not (or not yet) an administration."""
        for words in (self.b, self.a):
            admins = words.policy.administrations
            for entry in (*admins.former, *admins.not_yet_formed):
                if entry.name == name:
                    note = initial(entry.note.get(words.lang))
                    return note if note.endswith(".") else note + "."
        return None

    def _quota(self, qid: str, change: Change) -> Said:
        quotas_a = {q.id: q for q in self.a.policy.quotas}
        quotas_b = {q.id: q for q in self.b.policy.quotas}
        if change.kind == "added":
            said = text(
                "sentence.quota.added",
                description=_lower(quotas_b[qid].description.get(self.b.lang)),
            )
            return Said(said, "added")
        if change.kind == "removed":
            described = quotas_a[qid].description.get(self.a.lang)
            return Said(
                text("sentence.quota.removed", description=described, year=self.b.year), "removed"
            )
        qa, qb = quotas_a[qid], quotas_b[qid]
        parts = []
        if qa.limit != qb.limit:
            parts.append(text("sentence.quota.limit", after=qb.limit, before=qa.limit))
        if qa.counts != qb.counts:
            parts.append(
                text(
                    "sentence.quota.counts",
                    after=kinds_words(qb.counts),
                    before=kinds_words(qa.counts),
                )
            )
        if qa.administrations != qb.administrations:
            parts.append(
                text(
                    "sentence.quota.administrations", after=_types(qb.administrations),
                    before=_types(qa.administrations),
                )
            )  # fmt: skip
        described = qb.description.get(self.b.lang)
        return Said(
            text("sentence.quota.changed", description=described, parts="; ".join(parts)), "changed"
        )

    def _obligation(self, oid: str, change: Change) -> Said:
        before = (change.before or {}).get(self.a.lang)
        after = (change.after or {}).get(self.b.lang)
        if change.kind == "added":
            return Said(text("sentence.obligation.added", description=_lower(str(after))), "added")
        if change.kind == "removed":
            return Said(
                text("sentence.obligation.removed", description=before, year=self.b.year), "removed"
            )
        return Said(text("sentence.obligation.changed", after=after, before=before), "changed")


def said_changes(changes: Iterable[Change], a: Policy, b: Policy) -> list[Said]:
    """Each change from `a` to `b` as a person reads it, in the context language."""
    return ChangeWords(a, b).all(changes)


def rule_titles(rules: Iterable[str], *policies: Policy) -> str:
    """Rules by their quoted titles in the context language, the last policy's words first."""
    lang = language()
    titles = {r.id: r.title.get(lang) for policy in policies for r in policy.rules}
    return ", ".join(f"”{titles.get(rule, rule)}”" for rule in rules)


APPLICATION_OWN = ("id", "title", "kind", "applicants", "assessment")
"""An application's fields every year has, said on their own (not as a declared fact)."""


def application_words(application: Mapping[str, Any], *policies: Policy) -> list[tuple[str, str]]:
    """An application as a person reads it, (label, value) by field: its kind, applicants,
    each stated fact by its label and each assessed criterion by its title, in the words of
    the last policy that has it."""
    words = [PolicyWords(policy) for policy in reversed(policies)]
    said = [
        (text("kind"), text(f"kind.{application.get('kind')}")),
        (text("applicants"), listed(str(a) for a in application.get("applicants") or ())),
    ]
    for key, value in application.items():
        if key in APPLICATION_OWN or value is None:
            continue
        declared = next((w.by_field[key] for w in words if key in w.by_field), None)
        label = declared.label.get(language()) if declared else key
        said.append((label, words[0].stated(declared, value)))
    for cid, met in (application.get("assessment") or {}).items():
        owner = next((w for w in words if cid in w.criteria), None)
        title = owner.criterion(cid) if owner else cid
        said.append((title, text("yes_no.true" if met else "yes_no.false")))
    return said


# --- helpers ------------------------------------------------------------------------------


def _split(
    rest: str, parts: tuple[str, ...], a: Mapping[str, Rule], b: Mapping[str, Rule]
) -> tuple[str, str | None]:
    """A rule's id and the part of it a path names (None: the rule whole). A part is named
    only of a rule both years have; ids have dots, so the id is checked, not guessed."""
    head, _, tail = rest.rpartition(".")
    if tail in parts and head in a and head in b:
        return head, tail
    return rest, None


def _effect_of(branch: Mapping[str, Any]) -> tuple[Any, ...]:
    return (branch.get("status"), branch.get("outcome"), branch.get("grant_limit"))


def _moved(before: Any, after: Any) -> str:
    """The verb for a parameter's new value: a date moved, an amount or a count lowered or
    raised, a duration shortened or lengthened; else changed (a unit changed)."""
    if before.unit != after.unit:
        return "changed"
    if before.unit == "date":
        return "moved"
    if before.value == after.value:
        return "changed"
    up = after.value > before.value
    if before.is_duration:
        return "lengthened" if up else "shortened"
    return "raised" if up else "lowered"


def points(weight: float) -> str:
    """A weight as points: '1 poäng', '2 points'."""
    return text("sentence.points.one" if weight == 1 else "sentence.points", points=f"{weight:g}")


def _weight(title: str, before: float | None, after: float | None) -> str:
    if after is None:
        assert before is not None
        return text("sentence.criterion.weight.dropped", title=title, before=points(before))
    if before is None:
        return text("sentence.criterion.weight.given", title=title, after=points(after))
    return text(
        "sentence.criterion.weight", title=title, after=points(after), before=points(before)
    )


def _grouped(policy: Policy, rid: str, group: str | None) -> str:
    """The other criteria of a group, by title; empty when there is none."""
    if group is None:
        return ""
    lang = language()
    return listed(
        f"”{r.title.get(lang)}”"
        for r in policy.rules
        if r.id != rid and r.criterion is not None and r.criterion.group == group
    )


def administration_types(types: Iterable[str]) -> str:
    """Administration types in words: 'stadsdelsförvaltningar och centrala förvaltningar'."""
    return _types(types)


def _types(types: Iterable[str]) -> str:
    return listed(text(f"pages.quotas.administration.{t}") for t in types)
