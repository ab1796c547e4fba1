"""The pages' own words, in Swedish and English (the rules' messages come from the policies)."""

from __future__ import annotations

from fourules.text import Lang

TEXTS: dict[str, tuple[str, str]] = {
    "site": (
        "fourules – Stockholms utlysning av LUM och MUL",
        "fourules – Stockholm's LUM and MUL call",
    ),
    "skip": ("Hoppa till innehållet", "Skip to content"),
    "nav.home": ("Start", "Home"),
    "nav.check": ("Pröva en ansökan", "Check an application"),
    "nav.rounds": ("Arbeta med en omgång", "Work a round"),
    "nav.policies": ("Regler per år", "Rules per year"),
    "nav.diff": ("Jämför år", "Compare years"),
    "nav.api": ("API (JSON)", "API (JSON)"),
    "lang.switch": ("In English", "På svenska"),
    "home.lead": (
        "fourules är socialnämndens beslut om lokala utvecklingsmedel (LUM) och studieresor "
        "(MUL) skrivna som regler: varje år har sina tak, kvoter, ansökningsperiod och "
        "kriterier, och varje bedömning visar vilken mening i beslutet den bygger på.",
        "fourules is the social services committee's decisions on local development funds "
        "(LUM) and study trips (MUL) written as rules: each year has its caps, quotas, call "
        "window and criteria, and every judgement shows the sentence of the decision it rests on.",
    ),
    "home.years": ("Tillgängliga år", "Years available"),
    "home.check": (
        "Fyll i en ansökan och se om den är berättigad, vad den kan beviljas och varför.",
        "Fill in an application and see whether it is eligible, what it can be granted and why.",
    ),
    "home.rounds": (
        "Ladda upp en hel omgång (CSV, XLSX eller JSON): utfall, kvoter, dubbletter, granskning "
        "av ett beslut och ett utkast till fördelning.",
        "Upload a whole round (CSV, XLSX or JSON): outcomes, quotas, duplicates, an audit of a "
        "decision and a draft allocation.",
    ),
    "home.policies": (
        "Ett års parametrar och regler, var och en med sin källa.",
        "A year's parameters and rules, each with its source.",
    ),
    "home.diff": (
        "Vad som ändrats mellan två år, med källor på båda sidor.",
        "What changed between two years, with sources on both sides.",
    ),
    "version": ("version", "version"),
    "year": ("År (utlysning)", "Year (call)"),
    "choose": ("Välj", "Choose"),
    "year.hint": (
        "Ansökan prövas mot det årets beslut. Byter du år visas årets kriterier; det du skrivit finns kvar.",
        "The application is checked against that year's decision. Change the year and its criteria are shown; what you typed is kept.",
    ),
    "year.changed": (
        "Formuläret visar nu {year} års kriterier. Kontrollera dem och pröva ansökan igen.",
        "The form now shows the criteria of {year}. Check them and send the application again.",
    ),
    "kind": ("Stödform", "Kind"),
    "kind.project": ("Lokalt utvecklingsprojekt (LUM)", "Local development project (LUM)"),
    "kind.study_trip": ("Studieresa (MUL)", "Study trip (MUL)"),
    "id": ("Ansökans id eller diarienummer", "Application id or reference"),
    "id.hint": ("Valfritt; används i nedladdningar.", "Optional; used in downloads."),
    "title": ("Titel", "Title"),
    "applicants": ("Sökande förvaltningar", "Applicant administrations"),
    "applicants.pick": (
        "Välj en eller flera (Ctrl eller Cmd för flera)",
        "Pick one or more (Ctrl or Cmd for several)",
    ),
    "applicants.list": ("Välj i listan", "Pick from the list"),
    "applicants.free": (
        "Eller skriv dem som i ansökan, en per rad",
        "Or type them as in the application, one per line",
    ),
    # After a stated fact's help, what its widget takes (the fact's own words are its
    # declaration's, in the policy vocabulary).
    "hint.amount": (
        "Som det skrivs, t.ex. 350 000. Tomt: inte angivet.",
        "As people write it, e.g. 350 000. Empty: not stated.",
    ),
    "hint.number": (
        "Ett heltal, minst {least}. Tomt: inte angivet.",
        "A whole number, at least {least}. Empty: not stated.",
    ),
    "hint.date": ("ÅÅÅÅ-MM-DD. Tomt: inte angivet.", "YYYY-MM-DD. Empty: not stated."),
    "hint.checkboxes": ("Inget valt: inte angivet.", "None ticked: not stated."),
    "hint.text": ("Tomt: inte angivet.", "Empty: not stated."),
    "hint.assessor": (
        "Anges av den som bedömer ansökan.",
        "Given by whoever assesses the application.",
    ),
    "only.project": ("Bara för projekt (LUM)", "Projects (LUM) only"),
    "only.study_trip": ("Bara för studieresor (MUL)", "Study trips (MUL) only"),
    "criteria": ("Kriterier i utlysningen", "The call's criteria"),
    "criteria.hint": (
        "Bedömningen av varje kriterium; inom parentes de stödformer det gäller. "
        "Ett kriterium som inte gäller den valda stödformen räknas inte.",
        "The assessment of each criterion; in brackets the kinds it applies to. "
        "A criterion that does not apply to the chosen kind is not counted.",
    ),
    "criteria.none": (
        "Året anger inga kriterier att bedöma.",
        "The year states no criteria to assess.",
    ),
    "kind.short.project": ("projekt", "projects"),
    "kind.short.study_trip": ("studieresor", "study trips"),
    "yes": ("Ja", "Yes"),
    "no": ("Nej", "No"),
    "not_assessed": ("Inte bedömt", "Not assessed"),
    "not_stated": ("Inte angivet", "Not stated"),
    "check.submit": ("Pröva ansökan", "Check the application"),
    "check.errors": (
        "Ansökan kunde inte prövas. Rätta fälten nedan:",
        "The application could not be checked. Correct the fields below:",
    ),
    "result": ("Resultat", "Result"),
    "outcome": ("Utfall", "Outcome"),
    "outcome.eligible": ("Berättigad", "Eligible"),
    "outcome.ineligible": ("Ej berättigad", "Ineligible"),
    "outcome.undetermined": ("Kan inte avgöras", "Undetermined"),
    "max_grant": ("Högsta möjliga bidrag", "Maximum grant"),
    "max_grant.unknown": (
        "kan inte anges (sökt belopp saknas)",
        "cannot be given (no amount stated)",
    ),
    "result.why.ineligible": (
        "Det här gör ansökan ej berättigad",
        "This makes the application ineligible",
    ),
    "result.why.undetermined": ("Det här saknas för att avgöra", "This is missing for a decision"),
    "result.why.eligible": ("Att observera", "Worth noting"),
    "result.next.eligible": (
        "Ansökan uppfyller utlysningens villkor. Om den beviljas avgörs när hela omgången prövas: kvoter, budget och prioriteringskriterier.",
        "The application meets the call's conditions. Whether it is granted is decided with the whole round: quotas, budget and priority criteria.",
    ),
    "result.next.ineligible": (
        "Ansökan kan inte beviljas som den är. Ändra det som anges ovan och pröva igen.",
        "The application cannot be granted as it stands. Change what is named above and check again.",
    ),
    "result.next.undetermined": (
        "Inget talar emot ansökan, men något som behövs är inte angivet eller bedömt. Komplettera och pröva igen.",
        "Nothing speaks against the application, but something needed is not stated or assessed. Complete it and check again.",
    ),
    "score": ("Poäng", "Score"),
    "findings": ("Bedömning regel för regel", "Rule by rule"),
    "rule": ("Regel", "Rule"),
    "status": ("Status", "Status"),
    "message": ("Bedömning", "Finding"),
    "source": ("Källa i beslutet", "Source in the decision"),
    "basis": ("Grund", "Basis"),
    "basis.text": ("beslutets text", "the decision's text"),
    "basis.precedent": ("prejudikat i beslutets tabeller", "precedent in the decision's tables"),
    "basis.reading": ("läsning: texten lämnar det öppet", "reading: the text leaves it open"),
    "basis.software": ("programmets eget krav", "fourules's own requirement"),
    "status.pass": ("uppfyllt", "met"),
    "status.fail": ("inte uppfyllt", "not met"),
    "status.warn": ("varning", "warning"),
    "status.unknown": ("okänt", "unknown"),
    "status.info": ("information", "information"),
    "status.not_checked": ("inte prövat", "not checked"),
    "breakdown": ("Poäng per kriterium", "Score per criterion"),
    "criterion": ("Kriterium", "Criterion"),
    "points": ("Poäng", "Points"),
    "reason": ("Skäl", "Reason"),
    "downloads": ("Ladda ned", "Download"),
    "download.application": ("Ansökan (JSON)", "The application (JSON)"),
    "download.evaluation": ("Bedömningen (JSON)", "The evaluation (JSON)"),
    "again": ("Ändra ansökan", "Change the application"),
    "quote.open": ("visa i beslutet", "show in the decision"),
    "rounds.upload": ("Ladda upp en omgång", "Upload a round"),
    "rounds.file": ("Fil med ansökningar", "File of applications"),
    "rounds.file.hint": (
        "CSV (komma eller semikolon), XLSX eller JSON; se mallen i docs/rounds.md. Högst {limit}.",
        "CSV (comma or semicolon), XLSX or JSON; see the template in docs/rounds.md. At most {limit}.",
    ),
    "rounds.year": ("År att pröva mot", "Year to evaluate against"),
    "rounds.year.own": ("Omgångens eget år", "The round's own year"),
    "rounds.submit": ("Pröva omgången", "Evaluate the round"),
    "rounds.no_year": (
        "Filen anger inte vilket år omgången gäller. Välj år att pröva mot och ladda upp igen.",
        "The file does not say which year the round is for. Choose the year to evaluate against and upload again.",
    ),
    "round.back": ("Tillbaka till omgången", "Back to the round"),
    "alloc.downloads": ("Ladda ned utkastet", "Download the draft"),
    "alloc.errors": ("Utkastet kunde inte göras:", "The draft could not be made:"),
    "rounds.errors": ("Omgången kunde inte läsas:", "The round could not be read:"),
    "round.outcomes": ("Utfall per ansökan", "Outcome per application"),
    "round.decision": ("Beslut", "Decision"),
    "severity.error": ("fel", "error"),
    "severity.warning": ("varning", "warning"),
    "severity.info": ("notering", "note"),
    "round.report.title": (
        "Rapport som i beslutet (för utskrift)",
        "Report as in the decision (for printing)",
    ),
    "round.quotas": (
        "Ansökningar per förvaltning mot kvot",
        "Applications per administration against quota",
    ),
    "round.administration": ("Förvaltning", "Administration"),
    "round.projects": ("Projekt", "Projects"),
    "round.trips": ("Studieresor", "Study trips"),
    "round.quota": ("Kvot", "Quota"),
    "round.over": ("över kvot", "over quota"),
    "round.duplicates": ("Möjliga dubbletter", "Apparent duplicates"),
    "round.no_duplicates": ("Inga möjliga dubbletter.", "No apparent duplicates."),
    "round.totals": ("Summor", "Totals"),
    "round.charts": ("Diagram", "Charts"),
    "round.audit": ("Granskning av beslutet", "Audit of the decision"),
    "round.audit.clean": (
        "Inga avvikelser mellan beslutet och reglerna.",
        "No discrepancies between the decision and the rules.",
    ),
    "round.downloads": ("Ladda ned omgången", "Download the round"),
    "round.report": ("Rapport (HTML, för utskrift)", "Report (HTML, for printing)"),
    "alloc": ("Utkast till fördelning", "Draft allocation"),
    "alloc.lead": (
        "Ange budget: totalt, eller per stödform. Utkastet är ett underlag, inget beslut.",
        "Give a budget: in total, or per kind. The draft is a basis, not a decision.",
    ),
    "alloc.budget": ("Total budget (kr)", "Total budget (kr)"),
    "alloc.budget_project": ("Budget för projekt (kr)", "Budget for projects (kr)"),
    "alloc.budget_study_trip": ("Budget för studieresor (kr)", "Budget for study trips (kr)"),
    "alloc.method": ("Metod", "Method"),
    "alloc.method.ranked": (
        "Rangordning: i turordning medan budget och kvoter räcker",
        "Ranked: in order while budget and quotas allow",
    ),
    "alloc.method.optimal": (
        "Bästa kombination: högsta sammanlagda poäng inom budget och kvoter",
        "Best combination: the highest total score within budget and quotas",
    ),
    "alloc.min_share": ("Lägsta andel vid delbeviljning", "Lowest share for a partial grant"),
    "alloc.min_share.hint": (
        "T.ex. 0,3. Tomt: bara hela belopp. Besluten anger ingen metod för delbeviljning; ett stöd för utkast, ingen regel.",
        "E.g. 0.3. Empty: full grants only. The decisions state no method for partial grants; a drafting aid, not a rule.",
    ),
    "alloc.compare": ("Jämför med beslutet i omgången", "Compare with the round's decision"),
    "alloc.submit": ("Gör utkast", "Draft"),
    "alloc.proposed": ("Föreslaget", "Proposed"),
    "alloc.budget_use": ("Budget och föreslaget per stödform", "Budget and proposed per kind"),
    "chart.applications": (
        "Ansökningar per förvaltning mot kvot",
        "Applications per administration against quota",
    ),
    "chart.grants": (
        "Högsta möjliga bidrag per förvaltning (berättigade ansökningar)",
        "Maximum grants per administration (eligible applications)",
    ),
    "chart.decided": (
        "Sökt och beviljat per förvaltning",
        "Requested and granted per administration",
    ),
    "chart.budget": ("Budget och föreslaget per stödform", "Budget and proposed per kind"),
    "chart.requested": ("sökt", "requested"),
    "chart.granted": ("beviljat", "granted"),
    "chart.count": ("ansökningar", "applications"),
    "chart.limit": ("kvot", "quota"),
    "chart.budget_bar": ("budget", "budget"),
    "chart.proposed": ("föreslaget", "proposed"),
    "total": ("Totalt", "Total"),
    "chart.figures": ("Siffrorna", "The figures"),
    "chart.joint": (
        "En gemensam ansökan räknas för varje medsökande.",
        "A joint application counts for each co-applicant.",
    ),
    "policy.parameters": ("Parametrar", "Parameters"),
    "policy.rules": ("Regler", "Rules"),
    "readings.title": ("Läsningar av beslutet", "Readings of the decision"),
    "readings.link": ("Läsningar och deras alternativ", "Readings and their alternatives"),
    "readings.lead": (
        "Här står varje regel som bygger på en läsning: där beslutets text lämnar något öppet "
        "har fourules valt en läsning, och regelns not säger varför och vilka alternativen är. "
        "För varje alternativ visas vad det skulle ändra.",
        "Each rule here rests on a reading: where the decision's text leaves something open, "
        "fourules chose one reading, and the rule's note says why and what the alternatives "
        "are. For each alternative, what it would change is shown.",
    ),
    "readings.replayed": ("Prövat på omgången", "Tried on the round"),
    "readings.applications": ("ansökningar", "applications"),
    "readings.budget": ("utkast till fördelning inom", "draft allocations within"),
    "readings.no_round": (
        "Året har ingen verklig omgång i sin mapp; alternativen visas utan vad de ändrar.",
        "The year has no real round in its folder; the alternatives are shown without what they change.",
    ),
    "readings.none_declared": (
        "Inga alternativ är deklarerade för regeln.",
        "No alternatives are declared for this rule.",
    ),
    "readings.alternative": ("Alternativ", "Alternative"),
    "readings.shown_under": (
        "Alternativet ändrar flera regler; vad det ändrar i omgången står under",
        "The alternative changes several rules; what it changes in the round is shown under",
    ),
    "readings.changes": (
        "Ansökningar som skulle få ett annat besked:",
        "Applications that would fare differently:",
    ),
    "readings.unchanged": (
        "Ingen ansökan i omgången skulle få ett annat besked.",
        "No application of the round would fare differently.",
    ),
    "readings.subject": ("Ansökan eller förvaltning", "Application or administration"),
    "readings.aspect": ("Vad", "What"),
    "readings.now": ("Nu", "Now"),
    "readings.with": ("Med alternativet", "With the alternative"),
    "policy.text": ("Beslutets text", "The decision's text"),
    "policy.text.lead": (
        "Beslutet som reglerna bygger på; citaten är markerade.",
        "The decision the rules rest on; the quotes are marked.",
    ),
    "policy.sha": ("Kontrollsumma (sha256)", "Checksum (sha256)"),
    "text.transcription": (
        "Transkription av en skannad text (OCR); se",
        "Transcription of a scanned text (OCR); see",
    ),
    "text.scan": ("den skannade texten", "the scanned text"),
    "scan.title": ("Den skannade texten", "The scanned text"),
    "scan.lead": (
        "Beslutet som det skannades (OCR), utan rättelser: skanningen tappade å, ä och ö "
        "och läste fel på en del bokstäver. Reglerna citerar",
        "The decision as it was scanned (OCR), uncorrected: the scan lost å, ä and ö and "
        "misread some letters. The rules quote",
    ),
    "scan.transcription": ("transkriptionen", "the transcription"),
    "scan.check": (
        ", som fourules check håller mot skanningen ord för ord.",
        ", which fourules check holds to the scan word by word.",
    ),
    "scan.none": (
        "Beslutet för {year} är inte skannat; reglerna citerar texten som den är.",
        "The decision for {year} is not a scan; the rules quote the text as it is.",
    ),
    "quote.transcribed": ("transkription av skannad text", "transcription of a scanned text"),
    "diff.title": ("Från {a} till {b}", "From {a} to {b}"),
    "diff.changes": ("Ändringar", "Changes"),
    "diff.kind.changed": ("ändrad", "changed"),
    "diff.kind.added": ("ny", "added"),
    "diff.kind.removed": ("borttagen", "removed"),
    "diff.and": ("och", "and"),
    "diff.or": ("eller", "or"),
    "diff.not": ("inte", "not"),
    "diff.exists": ("är angivet", "is given"),
    "diff.missing": ("saknas", "is missing"),
    "diff.any_of": ("har något av", "has any of"),
    "diff.all_of": ("har alla av", "has all of"),
    "diff.none_of": ("har inget av", "has none of"),
    "diff.otherwise": ("annars", "otherwise"),
    "diff.at_most": ("högst", "at most"),
    "diff.applies_to": ("gäller", "applies to"),
    "diff.none": ("Inga skillnader mellan åren.", "No differences between the years."),
    "diff.replay.changed": (
        "{changed} av {applications} ansökningar får ett annat utfall, högsta bidrag eller poäng.",
        "{changed} of {applications} applications get another outcome, maximum grant or score.",
    ),
    "diff.replay.application": ("Ansökan", "Application"),
    "diff.replay.rules": ("Regler som gör skillnaden", "Rules that make the difference"),
    "diff.path": ("Vad", "What"),
    "diff.before": ("Före ({a})", "Before ({a})"),
    "diff.after": ("Efter ({b})", "After ({b})"),
    "diff.witnesses": (
        "Exempel: en ansökan som behandlas olika",
        "Witnesses: an application treated differently",
    ),
    "diff.witnesses.run": ("Sök exempel", "Find witnesses"),
    "diff.replay": ("Pröva en omgång under båda åren", "Replay a round under both years"),
    "diff.replay.submit": ("Pröva under båda åren", "Replay under both years"),
    "diff.choose": ("Välj två år", "Choose two years"),
    "diff.from": ("Från", "From"),
    "diff.to": ("Till", "To"),
    "problem": ("Det gick inte", "That did not work"),
    "problem.not_found": (
        "Sidan finns inte. Börja från startsidan.",
        "There is no such page. Start from the home page.",
    ),
    "problem.method": (
        "Sidan öppnas från ett formulär; börja om från sidan före.",
        "This page is opened from a form; start again from the page before.",
    ),
    "problem.type": (
        "skicka formuläret från sidan (application/x-www-form-urlencoded eller multipart/form-data)",
        "send the form from the page (application/x-www-form-urlencoded or multipart/form-data)",
    ),
    "problem.size": (
        "filen är för stor; högst {limit} tas emot",
        "the file is too large; at most {limit} is accepted",
    ),
    "problem.year": (
        "året {year} finns inte; tillgängliga år: {years}",
        "there is no year {year}; years available: {years}",
    ),
    "problem.no_file": ("välj en fil att ladda upp", "choose a file to upload"),
    "problem.suffix": (
        "{name}: filtypen tas inte emot; ladda upp .csv, .xlsx eller .json",
        "{name}: this type of file is not accepted; upload .csv, .xlsx or .json",
    ),
    "problem.back": ("Tillbaka till start", "Back to the start"),
}


def t(key: str, lang: Lang, **values: object) -> str:
    """The page text `key` in `lang`, with `{placeholders}` filled."""
    sv, en = TEXTS[key]
    text = sv if lang == "sv" else en
    return text.format(**values) if values else text
