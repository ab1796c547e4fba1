"""Where a rule comes from, and the frozen base every part of a policy is built on."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class PolicyPart(BaseModel):
    """A part of a policy: validated when the policy loads, never changed after."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def empty_list() -> list[Any]:
    """A list field's default when none is written. Not `list` itself: pydantic reads a
    default factory's signature, and a builtin's is parsed with `tokenize`, whose patterns
    cost a cold start 2-3 ms to compile (benchmarks/bench_cold_start.py)."""
    return []


class Source(PolicyPart):
    """Where a rule comes from: the document, the section heading and the words it encodes."""

    document: str = Field(description="Title of the decision document.")
    section: str = Field(description="Section heading (or table name) in the document.")
    quote: str = Field(description="The words encoded, a sentence at most.")
    precedent: str | None = Field(
        default=None, description="Set when the rule comes from a precedent in the tables."
    )
    note: str | None = Field(default=None, description="How the words are read, where needed.")
    transcribed: bool = Field(
        default=False,
        description=(
            "Whether the quote is from a proofread transcription of a scanned text (the "
            "policy's own document when it names a `transcription`); filled in when the "
            "policy loads, so every place that shows the quote can say so."
        ),
    )
