"""A rule's alternative readings in its form (`web/rule_edit_pages.py`): the other ways the
decision's text could be read, each an id, a description in both languages and the changes
it makes to the policy (`set`: a path → the value this reading gives it,
`policy/alternatives.py`). A rule that rests on a reading names its alternatives here, as
its note names them in words.

A change's path is chosen from what the rule itself has — each branch's condition, status,
outcome and grant limit, the kinds it applies to, its criterion's group and weight, the
year's parameters — or typed, for a path into another rule (`rules[criterion.coordination]
.criterion.group`). Its value is YAML on one line (`warn`, `null` to remove, `2025-08-28`,
`{field: travel_modes, any_of: [train, bus]}`), shown so for whoever wants it. The form is
read back into plain data (`written`) and checked first field by field (`checked`), then by
applying each reading to the draft's policy as saved and loading it (`applied_problems`): a
path that names nothing or a value the policy refuses is said beside its field, never
saved.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

from fourules.policy.alternatives import PathError, applied, steps
from fourules.texts import text
from fourules.web.policy_items import Bilingual

ALTERNATIVE_ID = re.compile(r"^[a-z][a-z0-9_]*$")
"""An alternative's id, as the policy model takes it (`Alternative.id`)."""
BRANCH_PARTS = ("when", "status", "outcome", "grant_limit")
"""What of a branch a reading typically changes, offered for each branch."""
MAX_ALTERNATIVES = 20
MAX_CHANGES = 40
"""The most alternatives, and changes of each, a form is read with (a rule has a few)."""
EXAMPLE = "{field: travel_modes, any_of: [train, bus]}"
"""A condition as a change's value is typed, for the words that show how."""
ACTION = re.compile(r"^(?:alt\.add|a(\d+)\.(remove|set\.add|s(\d+)\.remove))$")
"""The buttons of the alternatives' part of the form."""


@dataclass
class Change:
    """One change a reading makes: a path in the policy and its value as YAML typed."""

    path: str = ""
    value: str = ""


@dataclass
class AlternativeForm:
    """One alternative as the form has it."""

    id: str = ""
    description: Bilingual = field(default_factory=Bilingual)
    changes: list[Change] = field(default_factory=list)


@dataclass(frozen=True)
class Target:
    """A path the form offers to change, with its words."""

    path: str
    said: str


# --- Shown ------------------------------------------------------------------------------------


def value_text(value: Any) -> str:
    """A value as one line of YAML, as the policies write a set value (a condition in flow
    style, a text quoted when YAML would read it otherwise, `null`)."""
    from ruamel.yaml import YAML

    from fourules.authoring.rule_edits import condition_node

    if value is None:
        return "null"
    out = io.StringIO()
    dumper = YAML(typ="rt")
    dumper.width = 1_000_000
    dumper.dump(condition_node(value, flow=True), out)
    said = out.getvalue()
    return said.removesuffix("\n...\n").removesuffix("\n").strip()


def forms_of(alternatives: list[Any]) -> list[AlternativeForm]:
    """The rule's alternatives as written, in the form."""
    out = []
    for entry in alternatives:
        entry = entry if isinstance(entry, dict) else {}
        described = entry.get("description")
        described = described if isinstance(described, dict) else {}
        changes = entry.get("set")
        out.append(
            AlternativeForm(
                id=str(entry.get("id") or ""),
                description=Bilingual(
                    str(described.get("sv") or ""), str(described.get("en") or "")
                ).folded(),
                changes=[
                    Change(str(path), value_text(value))
                    for path, value in (changes.items() if isinstance(changes, dict) else [])
                ],
            )
        )
    return out


def targets(rule_id: str, branches: int, criterion: Any, parameters: Any) -> list[Target]:
    """The paths the form offers for a change of the rule RULE_ID: each of its BRANCHES'
    parts, the kinds it applies to, its CRITERION's group and weight, and the year's
    PARAMETERS' values."""
    here = f"rules[{rule_id}]"
    out = []
    for i in range(branches):
        for part in BRANCH_PARTS:
            said = text(f"pages.rules.alternatives.target.{part}", number=i + 1)
            out.append(Target(f"{here}.branches[{i}].{part}", said))
    out.append(Target(f"{here}.applies_to", text("pages.rules.alternatives.target.applies_to")))
    if isinstance(criterion, dict):
        for part in ("group", "weight"):
            said = text(f"pages.rules.alternatives.target.criterion.{part}")
            out.append(Target(f"{here}.criterion.{part}", said))
    for name in parameters if isinstance(parameters, dict) else {}:
        said = text("pages.rules.alternatives.target.parameter", name=name)
        out.append(Target(f"parameters[{name}].value", said))
    return out


# --- Read -------------------------------------------------------------------------------------


def read_forms(form: Mapping[str, Any]) -> list[AlternativeForm]:
    """The alternatives as sent (`a0.id`, `a0.s1.path` chosen or `a0.s1.typed`,
    `a0.s1.value`), in order; a change's typed path counts when none is chosen."""

    def get(name: str) -> str:
        return str(form.get(name) or "")

    out = []
    for n in range(MAX_ALTERNATIVES):
        at = f"a{n}."
        if at + "id" not in form:
            break
        changes = []
        for k in range(MAX_CHANGES):
            s = f"{at}s{k}."
            if s + "value" not in form:
                break
            path = get(s + "path").strip() or get(s + "typed").strip()
            changes.append(Change(path, get(s + "value").strip()))
        out.append(
            AlternativeForm(
                id=get(at + "id").strip(),
                description=Bilingual.read(get, at + "description").folded(),
                changes=changes,
            )
        )
    return out


def changed(alternatives: list[AlternativeForm], action: str) -> str | None:
    """ALTERNATIVES as the button ACTION changes them (an alternative or a change added or
    removed); the element to lead to, None when ACTION is none of theirs (or names nothing
    there: a stale page's)."""
    found = ACTION.match(action)
    if found is None:
        return None
    if action == "alt.add":
        alternatives.append(AlternativeForm(changes=[Change()]))
        return f"a{len(alternatives) - 1}-id"
    n = int(found.group(1))
    if not 0 <= n < len(alternatives):
        return None
    what = found.group(2)
    if what == "remove":
        del alternatives[n]
        return "alternatives"
    changes = alternatives[n].changes
    if what == "set.add":
        changes.append(Change())
        return f"a{n}-s{len(changes) - 1}-path"
    k = int(found.group(3))
    if not 0 <= k < len(changes):
        return None
    del changes[k]
    return f"a{n}-changes"


# --- Written and checked ------------------------------------------------------------------


def written(
    forms: list[AlternativeForm], old: list[Any], errors: dict[str, str]
) -> list[dict[str, Any]]:
    """The alternatives as plain data for the rule (each text as OLD wrote it where it says
    the same), each field's problem in ERRORS beside it: an id the policy model refuses or
    given twice, a description missing, no change, a path that is no path, a value that is
    no YAML."""
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for n, form in enumerate(forms):
        at = f"a{n}-"
        if not ALTERNATIVE_ID.match(form.id):
            errors[at + "id"] = text("pages.rules.alternatives.id.invalid", id=form.id or "–")
        elif form.id in seen:
            errors[at + "id"] = text("pages.rules.alternatives.id.taken", id=form.id)
        seen.add(form.id)
        form.description.needed(
            errors, f"{at}description", text("pages.rules.alternatives.described")
        )
        was = old[n] if n < len(old) and isinstance(old[n], dict) else {}
        changes = _changes(form, at, errors)
        if not form.changes:
            errors[at + "changes"] = text("pages.rules.alternatives.changes.needed")
        found = was.get("description")
        described: dict[str, Any] = found if isinstance(found, dict) else {}
        out.append(
            {
                "id": form.id,
                "description": {
                    lang: _kept(described.get(lang), getattr(form.description, lang))
                    for lang in ("sv", "en")
                },
                "set": changes,
            }
        )
    return out


def _changes(form: AlternativeForm, at: str, errors: dict[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, change in enumerate(form.changes):
        place = f"{at}s{k}-"
        try:
            steps(change.path)
        except PathError as exc:
            errors[place + "path"] = text("pages.rules.alternatives.path.invalid", problem=exc)
            continue
        if change.path in out:
            errors[place + "path"] = text("pages.rules.alternatives.path.twice", path=change.path)
            continue
        try:
            out[change.path] = yaml.safe_load(change.value) if change.value else None
        except yaml.YAMLError:
            errors[place + "value"] = text(
                "pages.rules.alternatives.value.invalid", condition=EXAMPLE
            )
    return out


def _kept(old: Any, said: str) -> Any:
    """SAID, or OLD where it says the same but for its spacing (a folded text read back)."""
    return old if isinstance(old, str) and old.split() == said.split() else said


def taken_elsewhere(policy: Any, rule_id: str, ids: list[str], errors: dict[str, str]) -> None:
    """An alternative id another rule of POLICY (as written) already gives its own, beside
    the field (the policy model wants them unique across the policy)."""
    rules = policy.get("rules") if isinstance(policy, dict) else None
    others = {
        str(a.get("id"))
        for rule in (rules if isinstance(rules, list) else [])
        if isinstance(rule, dict) and rule.get("id") != rule_id
        for a in (rule.get("alternatives") or [])
        if isinstance(a, dict)
    }
    for n, said in enumerate(ids):
        if said in others:
            errors.setdefault(f"a{n}-id", text("pages.rules.alternatives.id.taken", id=said))


def applied_problems(
    data: Any, alternatives: list[dict[str, Any]], refusal: Any, errors: dict[str, str]
) -> None:
    """Each alternative applied to DATA (the draft's policy as the save would write it):
    a path that names nothing there beside its field; a policy the reading makes that does
    not load (REFUSAL: the policy model's word on the data, None when it loads) beside the
    alternative's first change."""
    for n, alternative in enumerate(alternatives):
        changes = alternative["set"]
        broken = False
        for k, (path, value) in enumerate(changes.items()):
            try:
                applied(data, {path: value})
            except PathError as exc:
                errors[f"a{n}-s{k}-path"] = text("pages.rules.alternatives.path.none", problem=exc)
                broken = True
        if broken or not changes:
            continue
        refused = refusal(applied(data, changes))
        if refused is not None:
            said = f"{refused.where}: {refused.message}" if refused.where else refused.message
            errors[f"a{n}-s0-value"] = text(
                "pages.rules.alternatives.refused", id=alternative["id"], problem=said
            )
