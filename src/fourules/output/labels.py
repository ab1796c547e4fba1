"""The words of the views, in Swedish and English: column headings, statuses, outcomes."""

from __future__ import annotations

from fourules.policy.source import Source
from fourules.text import Lang, LocalText, format_sek

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
    "facts": L(sv="Årets egna uppgifter i ansökan", en="The year's own application fields"),
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
ASPECTS = {
    "outcome": L(sv="utfall", en="outcome"),
    "max_grant_sek": L(sv="högst att bevilja", en="maximum grant"),
    "score": L(sv="poäng", en="score"),
    "quota": L(sv="kvot", en="quota"),
    "allocation": L(sv="utkast till fördelning", en="draft allocation"),
}
"""What a reading's alternative changes for an application or an administration."""
QUOTA_VERDICTS = {
    "over": L(sv="över kvot", en="over its quota"),
    "within": L(sv="inom kvot", en="within its quota"),
}
ALLOCATION_STATUSES = {
    "funded": L(sv="föreslås", en="proposed"),
    "budget": L(sv="ryms inte i budgeten", en="not within the budget"),
    "quota": L(sv="kvoten full", en="quota full"),
    "not_chosen": L(sv="inte vald", en="not chosen"),
    "not_put_forward": L(sv="beaktas inte", en="not considered"),
    "same_application": L(sv="samma ansökan", en="same application"),
    "ineligible": L(sv="ej berättigad", en="ineligible"),
    "undetermined": L(sv="kan inte avgöras", en="undetermined"),
}
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


def changed_value(aspect: str, value: str, sek: int | None, lang: Lang) -> str:
    """One side of what an alternative reading changes, in words."""
    if aspect == "outcome":
        return OUTCOMES[value].get(lang)
    if aspect == "max_grant_sek":
        return label("not_stated", lang) if value == "null" else format_sek(int(value))
    if aspect == "quota":
        return QUOTA_VERDICTS[value].get(lang)
    if aspect == "allocation":
        words = ALLOCATION_STATUSES[value].get(lang)
        return f"{words} {format_sek(sek)}" if value == "funded" and sek is not None else words
    return value


def outcome_text(outcome: str, lang: Lang) -> str:
    shown = OUTCOMES[outcome].get(lang)
    return outcome if shown == outcome else f"{outcome} ({shown})"
