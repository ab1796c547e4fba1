"""The words of the views, in Swedish and English: column headings, statuses, outcomes."""

from __future__ import annotations

from fourules.policy.source import Source
from fourules.text import Lang, LocalText

L = LocalText
LABELS: dict[str, LocalText] = {
    "year": L(sv="År", en="Year"),
    "version": L(sv="Version", en="Version"),
    "title": L(sv="Titel", en="Title"),
    "sha256": L(sv="sha256", en="sha256"),
    "rules": L(sv="Regler", en="Rules"),
    "parameter": L(sv="Parameter", en="Parameter"),
    "value": L(sv="Värde", en="Value"),
    "description": L(sv="Beskrivning", en="Description"),
    "source": L(sv="Källa", en="Source"),
    "basis": L(sv="Grund", en="Basis"),
    "rule": L(sv="Regel", en="Rule"),
    "applies_to": L(sv="Gäller", en="Applies to"),
    "criterion": L(sv="Kriterium", en="Criterion"),
    "status": L(sv="Status", en="Status"),
    "message": L(sv="Meddelande", en="Message"),
    "outcome": L(sv="Utfall", en="Outcome"),
    "max_grant": L(sv="Högst att bevilja", en="Maximum grant"),
    "score": L(sv="Poäng", en="Score"),
    "points": L(sv="Poäng", en="Points"),
    "reason": L(sv="Skäl", en="Reason"),
    "policy": L(sv="Policy", en="Policy"),
    "application": L(sv="Ansökan", en="Application"),
    "administrations": L(sv="Förvaltningar", en="Administrations"),
    "type": L(sv="Typ", en="Type"),
    "quotas": L(sv="Kvoter", en="Quotas"),
    "limit": L(sv="Högst", en="At most"),
    "obligations": L(sv="Villkor", en="Obligations"),
    "document": L(sv="Beslut", en="Decision"),
    "all_kinds": L(sv="alla", en="all"),
    "not_stated": L(sv="inte angivet", en="not stated"),
    "scorers": L(sv="Poängsättare", en="Scorers"),
    "transcribed": L(sv="transkription av skannad text", en="transcription of a scanned text"),
    "transcription": L(
        sv="Citaten är ur en transkription av en skannad text (OCR)",
        en="The quotes are from a transcription of a scanned text (OCR)",
    ),
    "scan": L(sv="den skannade texten", en="the scanned text"),
    "software": L(
        sv="programmets egen kontroll, inte beslutets",
        en="the software's own check, not the decision's",
    ),
}
OUTCOMES = {
    "eligible": L(sv="berättigad", en="eligible"),
    "undetermined": L(sv="kan inte avgöras", en="undetermined"),
    "ineligible": L(sv="ej berättigad", en="ineligible"),
}
BASES = {
    "text": L(sv="beslutets text", en="the decision's text"),
    "precedent": L(sv="prejudikat i beslutets tabeller", en="precedent in the decision's tables"),
    "reading": L(sv="läsning (texten lämnar det öppet)", en="reading (the text leaves it open)"),
    "software": L(sv="programmets eget krav", en="fourules's own requirement"),
}
"""What a finding rests on, in words (the `basis` of its rule branch)."""
STATUSES = {
    "pass": L(sv="uppfyllt", en="pass"),
    "fail": L(sv="ej uppfyllt", en="fail"),
    "warn": L(sv="varning", en="warning"),
    "unknown": L(sv="okänt", en="unknown"),
    "info": L(sv="information", en="info"),
}


def label(key: str, lang: Lang) -> str:
    return LABELS[key].get(lang)


def source_text(source: Source, lang: Lang = "sv") -> str:
    """A source as one line: section, quote, precedent, and whether the quote is from a
    transcription of a scanned text."""
    text = f"{source.section}: ”{source.quote}”"
    if source.transcribed:
        text += f" ({label('transcribed', lang)})"
    if source.precedent:
        text += f" [{source.precedent}]"
    return text


def outcome_text(outcome: str, lang: Lang) -> str:
    shown = OUTCOMES[outcome].get(lang)
    return outcome if shown == outcome else f"{outcome} ({shown})"
