"""The errors fourules raises for bad input and broken policies."""

from __future__ import annotations

from collections.abc import Sequence

from fourules.text import Lang, LocalText
from fourules.texts import both, has


class FourulesError(Exception):
    """Base class: every error fourules raises on purpose carries a message for a person."""


class Place(str):
    """A domain key for what a person fixes in a request or a run's settings (the budget,
    the method; `use_cases/places.py`), given as an `InputError.where`. Unlike a field's
    path, a file or a line, which are shown as they are, each front end shows a place under
    its own name for it: a flag, a query parameter, a form field."""

    __slots__ = ()


class InputError(FourulesError, ValueError):
    """An application, round or argument that cannot be evaluated as given.

    `where` names the place (a field path, a line, a file); `message` says what is wrong
    and what is accepted, in Swedish and English (`text(lang)`); str() is Swedish.
    `others` holds the further problems found in the same input (the service lists them all;
    the command line reports the first).
    """

    def __init__(
        self,
        message: str | LocalText,
        where: str | None = None,
        *,
        others: Sequence[InputError] = (),
    ) -> None:
        self.where = where
        self.message = (
            message if isinstance(message, LocalText) else LocalText(sv=message, en=message)
        )
        self.others = tuple(others)
        super().__init__(self.text("sv"))

    @classmethod
    def together(cls, errors: Sequence[InputError]) -> InputError:
        """Several problems as one error: the first, with the rest (and theirs) as its others."""
        every = [e for error in errors for e in error.every]
        return cls(every[0].message, every[0].where, others=every[1:])

    @property
    def every(self) -> tuple[InputError, ...]:
        """This problem and every other one found in the same input, in order."""
        return (self, *self.others)

    def text(self, lang: Lang) -> str:
        message = self.message.get(lang)
        return f"{self.where}: {message}" if self.where else message


class UnknownPolicyError(InputError):
    """No policy with the requested id."""


class NotAllowed(FourulesError):
    """A request the asker's role or part does not allow (an editor publishing, a publisher
    publishing their own last change): the front ends answer 403. `message` says why, in
    Swedish and English."""

    def __init__(self, message: LocalText) -> None:
        self.message = message
        super().__init__(message.sv)


class PolicyError(FourulesError):
    """A policy file that does not load: names the file and the field."""

    def __init__(self, file: str, where: str, message: str) -> None:
        self.file = file
        self.where = where
        self.message = message
        super().__init__(f"{file}: {where}: {message}" if where else f"{file}: {message}")


class EngineError(FourulesError):
    """The rule engine gave an answer that breaks its own invariants."""


def refused_value(error_type: str, fallback: str) -> LocalText:
    """What is wrong with a value pydantic refused, in words (the catalogue's
    `value.<error type>`), else pydantic's own message."""
    key = f"value.{error_type}"
    return both(key) if has(key) else LocalText(sv=fallback, en=fallback)
