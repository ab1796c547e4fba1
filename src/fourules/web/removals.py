"""An item of a draft's policy.yaml removed after a question (`Removal`: the quotas' pages;
`ListedRemoval`: the criteria', the obligations' and the facts'; `GuardedRemoval`: the
rules' and the parameters'): the question shows the item as it now stands and, for a listed
item, what else in the draft names it — a coverage entry, a case, another rule — which the
check lists once the item is gone; a guarded item is not removed at all while anything
else names it: the question lists what must change first, each linked to its form, and
says what else the removal would change. Confirmed against the revision it was asked at,
the item's lines go and nothing else (`yaml_edits.item_removed`); asked of a draft saved
since, the question is asked again.

What names an item is read from the draft's files as written (`coverage`, `cases`, `rules`
below), so a draft whose policy does not load still answers."""

from __future__ import annotations

import functools
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from fourules.application import KINDS
from fourules.authoring.cases import CASES_FILE
from fourules.authoring.coverage import COVERAGE_FILE
from fourules.authoring.coverage_edits import matched
from fourules.authoring.sentences import split
from fourules.authoring.yaml_edits import item_removed, read
from fourules.calls.files import POLICY_FILE
from fourules.errors import InputError
from fourules.texts import language, text
from fourules.web.editor import DraftFile, Editor, committed
from fourules.web.gate import Form, Who, query
from fourules.web.source_picker import quoted_file

TEMPLATE = "items_remove.html.j2"


@dataclass(frozen=True)
class Naming:
    """Something else in the draft that names the item: in FILE, SAID in words (a sentence of
    the coverage map, a case's name) or, when CODE, an id (a rule's)."""

    file: str
    said: str
    code: bool = False
    href: str | None = None
    """The form where it is changed, when one is known (else the file on the draft's page)."""


@dataclass(frozen=True)
class Refusal:
    """Why an item cannot be removed as the draft stands, SAID in words, with the form where
    that is changed (HREF), when there is one."""

    said: str
    href: str | None = None


def read_file(files: Mapping[str, str], name: str) -> Any:
    """The draft's file NAME as plain values; None when it is absent or does not read."""
    said = files.get(name, "")
    if not said.strip():
        return None
    try:
        return read(said, name)
    except InputError:
        return None


def coverage(files: Mapping[str, str], links: set[str]) -> Iterator[Naming]:
    """The coverage map's entries that link one of LINKS (`criteria.novelty`)."""
    found = read_file(files, COVERAGE_FILE)
    entries = found.get("sentences") if isinstance(found, dict) else None
    for entry in entries if isinstance(entries, list) else []:
        encoded = entry.get("encoded") if isinstance(entry, dict) else None
        if isinstance(encoded, list) and links & {str(e) for e in encoded}:
            yield Naming(COVERAGE_FILE, str(entry.get("sentence") or ""))


def coverage_linked(
    files: Mapping[str, str], policy: Any, links: set[str], year: str
) -> Iterator[Naming]:
    """The coverage map's entries that link one of LINKS, each linked to where it is
    changed: the form of the first sentence it accounts for, else (its words are no longer
    the decision's) its line on the map's page, where it is removed."""
    found = read_file(files, COVERAGE_FILE)
    entries = found.get("sentences") if isinstance(found, dict) else None
    entries = entries if isinstance(entries, list) else []
    words = [str(e.get("sentence") or "") if isinstance(e, dict) else "" for e in entries]
    first: dict[int, int] = {}
    for sentence in split(files.get(quoted_file(policy), "")):
        at = matched(sentence, words)
        if at is not None:
            first.setdefault(at, sentence.number)
    page = f"/calls/drafts/{year}/coverage"
    for index, entry in enumerate(entries):
        encoded = entry.get("encoded") if isinstance(entry, dict) else None
        if isinstance(encoded, list) and links & {str(e) for e in encoded}:
            number = first.get(index)
            href = f"{page}/{number}{query()}" if number is not None else None
            yield Naming(COVERAGE_FILE, words[index], href=href or f"{page}{query()}#entry-{index}")


def expecting(files: Mapping[str, str], rule: str, year: str) -> Iterator[Naming]:
    """The cases that expect the rule RULE's finding or words of its message, each linked
    to its form."""
    found = read_file(files, CASES_FILE)
    listed = found.get("cases") if isinstance(found, dict) else None
    for index, case in enumerate(listed if isinstance(listed, list) else []):
        if not isinstance(case, dict):
            continue
        expected = [case.get("findings"), case.get("message_contains")]
        if any(isinstance(e, dict) and rule in e for e in expected):
            href = f"/calls/drafts/{year}/cases/{index}{query()}"
            yield Naming(CASES_FILE, str(case.get("name") or ""), href=href)


PARAMETER = re.compile(r"\$([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)*)")
"""A parameter as a rule names it: `$cap.project` in a condition or a grant limit,
`{$cap.project}` in a message."""


def parameters_named(value: Any) -> set[str]:
    """The parameters VALUE (a rule as written) names anywhere: read in a condition, a grant
    limit or a message (`$name`), or set by an alternative (`parameters[name]`)."""
    if isinstance(value, dict):
        return set().union(*(parameters_named(k) | parameters_named(v) for k, v in value.items()))
    if isinstance(value, list):
        return set().union(*(parameters_named(v) for v in value))
    if not isinstance(value, str):
        return set()
    return set(PARAMETER.findall(value)) | set(re.findall(r"parameters\[([^\]]+)\]", value))


def cases(files: Mapping[str, str], names: Callable[[dict[str, Any]], bool]) -> Iterator[Naming]:
    """The cases (and the defaults of a kind) whose own mapping NAMES says names the item."""
    found = read_file(files, CASES_FILE)
    if not isinstance(found, dict):
        return
    defaults = found.get("defaults")
    for kind, application in (defaults if isinstance(defaults, dict) else {}).items():
        if isinstance(application, dict) and names({"application": application}):
            words = text(f"kind.short.{kind}") if kind in KINDS else str(kind)
            yield Naming(CASES_FILE, text("pages.removals.defaults", kind=words))
    listed = found.get("cases")
    for case in listed if isinstance(listed, list) else []:
        if isinstance(case, dict) and names(case):
            yield Naming(CASES_FILE, str(case.get("name") or ""))


def rules(policy: Any, names: Callable[[dict[str, Any]], bool]) -> Iterator[Naming]:
    """The rules of POLICY (as written) that NAMES says name the item."""
    listed = policy.get("rules") if isinstance(policy, dict) else None
    for rule in listed if isinstance(listed, list) else []:
        if isinstance(rule, dict) and names(rule):
            yield Naming(POLICY_FILE, str(rule.get("id") or ""), code=True)


def mentions(value: Any, word: str) -> bool:
    """Whether WORD stands as a key or a value anywhere in VALUE (not inside another word)."""
    if isinstance(value, dict):
        return any(mentions(k, word) or mentions(v, word) for k, v in value.items())
    if isinstance(value, list):
        return any(mentions(v, word) for v in value)
    return isinstance(value, str) and value == word


def names_word(said: str, word: str) -> bool:
    """Whether the text SAID names WORD as a whole (`rules[criterion.novelty]`, `{x}`)."""
    return re.search(rf"(?<!\w){re.escape(word)}(?!\w)", said) is not None


class Removal(ABC):
    """The question and the removal of an item of EDITOR's: asked from the item's form, the
    question shows the item as it now stands (`asked`); confirmed at the revision it was
    asked at, the draft's file without the item (`dropped`) is saved, and the table says so
    (`done`); asked of a draft saved since, the question is asked again (a 409)."""

    template = TEMPLATE

    def __init__(self, editor: Editor[Any, Any]) -> None:
        self.editor = editor

    @abstractmethod
    def dropped(self, draft: Any, row: Any) -> str:
        """The draft's file without ROW."""

    @property
    def segment(self) -> str:
        """Where the items are, below the draft's address: each is removed at
        `…/SEGMENT/{key}/remove` (the editor's items', `quotas`)."""
        return self.editor.items.segment

    def row_of(self, draft: Any, key: str) -> Any:
        """The item KEY of DRAFT, None when it has none."""
        return draft.row(key)

    def known(self, draft: Any, key: str) -> Any:
        """The item KEY of DRAFT, else a 404 page."""
        return self.editor.known(draft, key)

    def message(self, key: str) -> str:
        """The removal's message when none was typed."""
        return text(f"{self.editor.items.words}.remove.message", key=key)

    def done(self, year: str, key: str) -> str:
        """Where a removal of the item KEY leads: the table, saying so, at the check."""
        return f"/calls/drafts/{year}/{self.segment}{query(removed=key)}#check"

    def named(self, key: str, row: Any) -> str:
        """What the table's notice names the item KEY (ROW) by once it is gone: its key."""
        return key

    def asked(self, shown: Any, row: Any, key: str) -> dict[str, Any]:
        """The question's own values about the item KEY (ROW) of the draft SHOWN."""
        return {"key": key}

    def refusals(self, shown: Any, row: Any) -> list[Refusal]:
        """Why ROW cannot be removed from the draft SHOWN as it stands (none: it can)."""
        return []

    def add_to(self, router: APIRouter) -> None:
        editor = self.editor
        address = f"/calls/drafts/{{year}}/{self.segment}/{{key}}/remove"

        @router.post(address, response_class=HTMLResponse)
        async def remove(request: Request, year: str, key: str) -> Response:
            """Asked from the item's form: the question. Confirmed (`confirm=yes`) at the
            revision asked: removed."""

            def answer(signed: Who, form: Form) -> Response:
                draft = editor.draft(year)
                row = self.known(draft, key)
                revision = str(form.get("revision") or "")
                message = str(form.get("message") or "").strip()
                errors: dict[str, str] = {}
                status = 200
                refused = form.get("confirm") == "yes" and bool(self.refusals(draft, row))
                if refused and revision == draft.revision:
                    status = 422  # something names it still: the question says what
                elif form.get("confirm") == "yes" and revision == draft.revision:
                    edited = self.dropped(draft, row)
                    said = message or self.message(key)
                    write = functools.partial(editor.write, signed, draft, edited, said, revision)
                    status = committed(write, errors)
                    if not status:
                        done = self.done(year, self.named(key, row))
                        return RedirectResponse(done, status_code=303)
                elif form.get("confirm") == "yes":
                    status = 409  # the draft changed since the question: asked again
                return self.question(request, signed, draft, key, status, message, errors)

            return await editor.gate.signed_in_form(request, answer, year=year)

    def question(
        self,
        request: Request,
        signed: Who,
        draft: DraftFile[Any],
        key: str,
        status: int,
        message: str,
        errors: dict[str, str],
    ) -> HTMLResponse:
        """Whether to remove the item KEY, as it now stands (a 409: asked again at the draft's
        new revision)."""
        shown = self.editor.draft(draft.year) if status == 409 else draft
        row = self.row_of(shown, key) or self.row_of(draft, key)
        refused = self.refusals(shown, row) if self.row_of(shown, key) is not None else []
        own: dict[str, Any] = {"guarded": False, "changes": []} | self.asked(shown, row, key)
        return self.editor.gate.page(
            self.template,
            request,
            signed,
            status,
            year=shown.year,
            row=row,
            revision=shown.revision,
            changed=status == 409,
            message=message or self.message(key),
            errors=errors,
            refused=refused,
            **own,
        )


class ListedRemoval(Removal):
    """The removal of an item at its place in the top-level list LIST of policy.yaml (a
    criterion's rule, an obligation, a fact), whose question says what else in the draft
    names it (NAMING, from the draft's files, its policy as written and the item) and shows
    the item's words in its field DESCRIBED (`description`, a fact's `label`)."""

    def __init__(
        self,
        editor: Editor[Any, Any],
        list: str,
        naming: Callable[[Mapping[str, str], Any, Any], list[Naming]],
        described: str = "description",
    ) -> None:
        super().__init__(editor)
        self.list = list
        self.naming = naming
        self.described = described

    def dropped(self, draft: Any, row: Any) -> str:
        return item_removed(draft.text, self.list, row.index, where=POLICY_FILE)

    def asked(self, shown: Any, row: Any, key: str) -> dict[str, Any]:
        words: dict[str, str] = getattr(row, self.described) if row is not None else {}
        return {
            "words": self.editor.items.words,
            "segment": self.segment,
            "key": key,
            "shown": words.get(language(), ""),
            "naming": self.naming(shown.files, shown.data, row),
        }


class GuardedRemoval(Removal):
    """The removal of an item other parts of the draft depend on (a rule, a parameter):
    refused while anything else names it (`blocking`: a case expecting a rule's finding, a
    coverage entry linking it, another rule reading it) or for a reason of its own
    (`reasons`), so that no removal leaves a draft whose cases or map name what is gone or
    whose policy no longer loads. The question lists what must change first, each linked to
    where it is changed, offers no removal until nothing is left, and says what else the
    removal changes (`changes`). The item's words are its field DESCRIBED (`title`,
    `description`)."""

    def __init__(self, editor: Editor[Any, Any], described: str = "description") -> None:
        super().__init__(editor)
        self.described = described

    @abstractmethod
    def blocking(self, shown: Any, row: Any) -> list[Naming]:
        """What else in the draft SHOWN names ROW, each linked to its form."""

    def reasons(self, shown: Any, row: Any) -> list[Refusal]:
        """Why ROW cannot go whatever names it (none: none)."""
        return []

    def changes(self, shown: Any, row: Any) -> list[str]:
        """What else removing ROW changes, said in words (none: nothing)."""
        return []

    def refusals(self, shown: Any, row: Any) -> list[Refusal]:
        named = self.blocking(shown, row)
        said = self.reasons(shown, row)
        if named:
            said.append(Refusal(text("pages.removals.blocked", count=len(named)), "#naming"))
        return said

    def asked(self, shown: Any, row: Any, key: str) -> dict[str, Any]:
        words = getattr(row, self.described, None) if row is not None else None
        return {
            "words": self.editor.items.words,
            "segment": self.segment,
            "key": key,
            "shown": words.get(language(), "") if isinstance(words, dict) else "",
            "naming": self.blocking(shown, row) if row is not None else [],
            "guarded": True,
            "changes": self.changes(shown, row) if row is not None else [],
        }
