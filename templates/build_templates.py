"""Build the Word templates of the conventions, their amendments, the decision letters and
the settlement letters.

    python templates/build_templates.py

The templates are Word documents with Jinja tags, rendered by docxtpl. They are
built here from readable text, so that a change to a clause is a reviewable change to
this file; run the script and commit both. Officers may also edit the .docx files
directly in Word or LibreOffice (then `slrbcall templates check` checks them).

Every variable used below is documented in docs/documents.md. Clauses that only the
authority's lawyers can settle are marked as drafts in the text itself.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent

# -- the text, per language ------------------------------------------------------------

TEXT = {
    "fr": {
        "convention_title": "Convention de subvention",
        "between": "Entre les parties suivantes :",
        "hereafter": "ci-après dénommées ensemble « les parties »,",
        "represented": "représentée par",
        "bce": "n° BCE",
        "having_regard": "Vu :",
        "agreed": "Il est convenu ce qui suit.",
        "art_object": "Article 1. Objet",
        "object": (
            "La présente convention règle l'octroi d'une subvention pour le projet "
            "« {{ project_title }} » (réf. {{ reference }}), déposé dans le cadre de "
            "l'{{ call_title }}, thème « {{ theme_label }} »."
        ),
        "summary": "Description du projet : {{ summary }}",
        "residents": "Public visé : {{ residents_targeted }} habitants.",
        "art_amount": "Article 2. Montant",
        "amount": (
            "La {{ authority_name }} ({{ authority_short }}) octroie une subvention de "
            "{{ amount_figures }} "
            "({{ amount_words }})."
        ),
        "art_duration": "Article 3. Durée",
        "duration": (
            "Le projet dure {{ duration_months }} mois, du {{ start_date_text }} au "
            "{{ end_date_text }}."
        ),
        "art_payment": "Article 4. Paiement",
        "payment": "La subvention est versée en tranches, aux conditions suivantes :",
        "col_tranche": "Tranche",
        "col_share": "Part",
        "col_amount": "Montant",
        "col_condition": "Condition",
        "art_reporting": "Article 5. Suivi et rapports",
        "reporting": "Le bénéficiaire participe au suivi du projet aux échéances suivantes :",
        "art_control": "Article 6. Contrôle et récupération",
        "control": (
            "La {{ authority_short }} peut contrôler sur place et sur pièces l'emploi de la "
            "subvention. Les montants non justifiés ou utilisés à d'autres fins que "
            "l'objet de la présente convention sont remboursés."
        ),
        "art_publicity": "Article 7. Publicité",
        "publicity": (
            "Toute communication relative au projet mentionne le soutien de la "
            "{{ authority_short }}."
        ),
        "art_privacy": "Article 8. Protection des données",
        "privacy": (
            "Les parties traitent les données à caractère personnel des habitants "
            "conformément au règlement (UE) 2016/679 (RGPD), aux seules fins du projet et "
            "de son suivi."
        ),
        "art_disputes": "Article 9. Litiges",
        "disputes": (
            "Les parties recherchent d'abord une solution amiable. À défaut, les cours et "
            "tribunaux de Bruxelles sont seuls compétents."
        ),
        "draft": "[Projet de clause, à valider par le service juridique.]",
        "signed": "Fait à {{ place }}, le {{ date_text }}, en autant d'exemplaires que de parties.",
        "for": "Pour :",
        "signature": "Signature : ………………………………",
        "unknown": "……………………",
        # letters
        "subject": "Objet :",
        "letter_award_subject": "{{ call_title_heading }} : octroi d'une subvention",
        "greeting": "Madame, Monsieur,",
        "award_body": (
            "Nous avons le plaisir de vous informer que le projet « {{ project_title }} » "
            "(réf. {{ reference }}) reçoit une subvention de {{ amount_figures }} "
            "({{ amount_words }}), pour {{ duration_months }} mois à partir du "
            "{{ start_date_text }}."
        ),
        "award_partial": (
            "Ce montant est inférieur à votre demande de {{ requested_figures }} : "
            "{{ explanation }}"
        ),
        "award_next": (
            "Vous recevrez la convention de subvention à signer. La première tranche sera "
            "versée après sa signature par toutes les parties."
        ),
        "letter_refusal_subject": "{{ call_title_heading }} : décision",
        "refusal_body": (
            "Nous avons examiné avec attention le projet « {{ project_title }} » (réf. "
            "{{ reference }}), pour lequel vous demandiez {{ requested_figures }}. Nous "
            "regrettons de vous informer qu'il ne peut pas être financé."
        ),
        "refusal_reasons": "Cette décision est motivée comme suit :",
        "refusal_appeal": (
            "Cette décision peut faire l'objet d'un recours en annulation devant le Conseil "
            "d'État dans les soixante jours de sa notification."
        ),
        "letter_reserve_subject": "{{ call_title_heading }} : liste de réserve",
        "reserve_body": (
            "Nous avons examiné avec attention le projet « {{ project_title }} » (réf. "
            "{{ reference }}), pour lequel vous demandiez {{ requested_figures }}. Il ne peut "
            "pas être financé avec le budget disponible aujourd'hui, mais il est inscrit sur la "
            "liste de réserve de l'appel, à la place {{ reserve_rank }} sur {{ reserve_size }}."
        ),
        "reserve_until": (
            "La liste de réserve est valable jusqu'au {{ reserve_valid_until_text }}. Si un "
            "projet financé renonce à sa subvention avant cette date, les montants libérés "
            "sont proposés aux projets de la liste, dans leur ordre."
        ),
        "reserve_open": (
            "Si un projet financé renonce à sa subvention, les montants libérés sont proposés "
            "aux projets de la liste de réserve, dans leur ordre."
        ),
        "reserve_told": "Nous vous informerons si des moyens sont libérés pour votre projet.",
        "closing": "Nous vous prions d'agréer, Madame, Monsieur, nos salutations distinguées.",
        # amendments
        "amendment_title": "Avenant n° {{ amendment_number }} à la convention de subvention",
        "amendment_recital": (
            "Vu la convention de subvention relative au projet « {{ project_title }} » "
            "(réf. {{ reference }}), signée le {{ convention_date_text }} en exécution de "
            "la décision d'octroi du {{ decision_date_text }} ;"
        ),
        "amendment_whereas": "Considérant ce qui suit : {{ amendment_reason }}",
        "amendment_art_amount": "Article 1. Montant de la subvention",
        "amendment_amount_changed": (
            "Le montant de la subvention, fixé à {{ previous_amount_figures }} "
            "({{ previous_amount_words }}), est porté à {{ new_amount_figures }} "
            "({{ new_amount_words }})."
        ),
        "amendment_amount_kept": (
            "Le montant de la subvention reste fixé à {{ new_amount_figures }} "
            "({{ new_amount_words }})."
        ),
        "amendment_art_duration": "Article 2. Durée",
        "amendment_end_changed": (
            "La date de fin du projet, fixée au {{ previous_end_date_text }}, est "
            "remplacée par le {{ new_end_date_text }}."
        ),
        "amendment_end_kept": "La date de fin du projet reste fixée au {{ new_end_date_text }}.",
        "amendment_art_payment": "Article 3. Paiement",
        "amendment_payment": (
            "Les tranches déjà versées ({{ paid_figures }} au total) restent acquises. Les "
            "tranches de la subvention sont désormais les suivantes :"
        ),
        "col_before": "Montant précédent",
        "col_new": "Nouveau montant",
        "col_status": "État",
        "amendment_art_other": "Article 4. Autres dispositions",
        "amendment_unchanged": "Les autres clauses de la convention restent inchangées.",
        "amendment_in_force": (
            "Le présent avenant entre en vigueur à la date de sa signature par toutes les parties."
        ),
    },
    "nl": {
        "convention_title": "Subsidieovereenkomst",
        "between": "Tussen de volgende partijen:",
        "hereafter": "hierna samen „de partijen” genoemd,",
        "represented": "vertegenwoordigd door",
        "bce": "KBO-nr.",
        "having_regard": "Gelet op:",
        "agreed": "Wordt het volgende overeengekomen.",
        "art_object": "Artikel 1. Voorwerp",
        "object": (
            "Deze overeenkomst regelt de toekenning van een subsidie voor het project "
            "„{{ project_title }}” (ref. {{ reference }}), ingediend in het kader van de "
            "{{ call_title }}, thema „{{ theme_label }}”."
        ),
        "summary": "Beschrijving van het project: {{ summary }}",
        "residents": "Doelpubliek: {{ residents_targeted }} bewoners.",
        "art_amount": "Artikel 2. Bedrag",
        "amount": (
            "De {{ authority_name }} ({{ authority_short }}) kent een subsidie toe van "
            "{{ amount_figures }} ({{ amount_words }})."
        ),
        "art_duration": "Artikel 3. Duur",
        "duration": (
            "Het project duurt {{ duration_months }} maanden, van {{ start_date_text }} tot "
            "{{ end_date_text }}."
        ),
        "art_payment": "Artikel 4. Betaling",
        "payment": "De subsidie wordt in schijven betaald, onder de volgende voorwaarden:",
        "col_tranche": "Schijf",
        "col_share": "Aandeel",
        "col_amount": "Bedrag",
        "col_condition": "Voorwaarde",
        "art_reporting": "Artikel 5. Opvolging en verslagen",
        "reporting": "De begunstigde neemt deel aan de opvolging van het project op deze data:",
        "art_control": "Artikel 6. Controle en terugvordering",
        "control": (
            "De {{ authority_short }} kan de besteding van de subsidie ter plaatse en op stukken "
            "controleren. Bedragen die niet verantwoord zijn of voor een ander doel dan het "
            "voorwerp van deze overeenkomst gebruikt werden, worden terugbetaald."
        ),
        "art_publicity": "Artikel 7. Bekendmaking",
        "publicity": (
            "Elke communicatie over het project vermeldt de steun van de {{ authority_short }}."
        ),
        "art_privacy": "Artikel 8. Gegevensbescherming",
        "privacy": (
            "De partijen verwerken de persoonsgegevens van de bewoners overeenkomstig "
            "verordening (EU) 2016/679 (AVG), enkel voor het project en de opvolging ervan."
        ),
        "art_disputes": "Artikel 9. Geschillen",
        "disputes": (
            "De partijen zoeken eerst een minnelijke oplossing. Lukt dat niet, dan zijn "
            "enkel de hoven en rechtbanken van Brussel bevoegd."
        ),
        "draft": "[Ontwerpclausule, te valideren door de juridische dienst.]",
        "signed": (
            "Opgemaakt te {{ place }} op {{ date_text }}, in evenveel exemplaren als er "
            "partijen zijn."
        ),
        "for": "Voor:",
        "signature": "Handtekening: ………………………………",
        "unknown": "……………………",
        "subject": "Betreft:",
        "letter_award_subject": "{{ call_title_heading }}: toekenning van een subsidie",
        "greeting": "Geachte mevrouw, geachte heer,",
        "award_body": (
            "Met genoegen delen wij u mee dat het project „{{ project_title }}” (ref. "
            "{{ reference }}) een subsidie krijgt van {{ amount_figures }} "
            "({{ amount_words }}), voor {{ duration_months }} maanden vanaf "
            "{{ start_date_text }}."
        ),
        "award_partial": (
            "Dat bedrag is lager dan uw aanvraag van {{ requested_figures }}: {{ explanation }}"
        ),
        "award_next": (
            "U ontvangt de subsidieovereenkomst ter ondertekening. De eerste schijf wordt "
            "betaald nadat alle partijen ze ondertekend hebben."
        ),
        "letter_refusal_subject": "{{ call_title_heading }}: beslissing",
        "refusal_body": (
            "Wij hebben het project „{{ project_title }}” (ref. {{ reference }}), waarvoor u "
            "{{ requested_figures }} vroeg, aandachtig onderzocht. Tot onze spijt kunnen wij "
            "het niet financieren."
        ),
        "refusal_reasons": "Deze beslissing is als volgt gemotiveerd:",
        "refusal_appeal": (
            "Tegen deze beslissing kan binnen zestig dagen na de kennisgeving een beroep tot "
            "nietigverklaring worden ingesteld bij de Raad van State."
        ),
        "letter_reserve_subject": "{{ call_title_heading }}: reservelijst",
        "reserve_body": (
            "Wij hebben het project „{{ project_title }}” (ref. {{ reference }}), waarvoor u "
            "{{ requested_figures }} vroeg, aandachtig onderzocht. Met het budget dat vandaag "
            "beschikbaar is, kan het niet gefinancierd worden, maar het staat op de reservelijst "
            "van de oproep, op plaats {{ reserve_rank }} van {{ reserve_size }}."
        ),
        "reserve_until": (
            "De reservelijst is geldig tot {{ reserve_valid_until_text }}. Als een gefinancierd "
            "project vóór die datum van zijn subsidie afziet, worden de vrijgekomen middelen "
            "aan de projecten op de lijst voorgesteld, in hun volgorde."
        ),
        "reserve_open": (
            "Als een gefinancierd project van zijn subsidie afziet, worden de vrijgekomen "
            "middelen aan de projecten op de reservelijst voorgesteld, in hun volgorde."
        ),
        "reserve_told": "Wij laten u weten of er middelen voor uw project vrijkomen.",
        "closing": "Met de meeste hoogachting,",
        # amendments
        "amendment_title": "Aanhangsel nr. {{ amendment_number }} bij de subsidieovereenkomst",
        "amendment_recital": (
            "Gelet op de subsidieovereenkomst betreffende het project „{{ project_title }}” "
            "(ref. {{ reference }}), ondertekend op {{ convention_date_text }} ter uitvoering "
            "van de toekenningsbeslissing van {{ decision_date_text }};"
        ),
        "amendment_whereas": "Overwegende wat volgt: {{ amendment_reason }}",
        "amendment_art_amount": "Artikel 1. Bedrag van de subsidie",
        "amendment_amount_changed": (
            "Het bedrag van de subsidie, vastgesteld op {{ previous_amount_figures }} "
            "({{ previous_amount_words }}), wordt gewijzigd in {{ new_amount_figures }} "
            "({{ new_amount_words }})."
        ),
        "amendment_amount_kept": (
            "Het bedrag van de subsidie blijft {{ new_amount_figures }} ({{ new_amount_words }})."
        ),
        "amendment_art_duration": "Artikel 2. Duur",
        "amendment_end_changed": (
            "De einddatum van het project, vastgesteld op {{ previous_end_date_text }}, wordt "
            "vervangen door {{ new_end_date_text }}."
        ),
        "amendment_end_kept": "De einddatum van het project blijft {{ new_end_date_text }}.",
        "amendment_art_payment": "Artikel 3. Betaling",
        "amendment_payment": (
            "De reeds betaalde schijven ({{ paid_figures }} in totaal) blijven verworven. De "
            "schijven van de subsidie zijn voortaan de volgende:"
        ),
        "col_before": "Vorig bedrag",
        "col_new": "Nieuw bedrag",
        "col_status": "Stand",
        "amendment_art_other": "Artikel 4. Overige bepalingen",
        "amendment_unchanged": "De overige bepalingen van de overeenkomst blijven ongewijzigd.",
        "amendment_in_force": (
            "Dit aanhangsel treedt in werking op de datum van ondertekening door alle partijen."
        ),
    },
}


def build(lang: str, out: Path, body: Callable[[object, dict[str, str]], None]) -> None:
    """A document with A4 margins and a footer, filled in by ``body``."""
    from docx import Document
    from docx.shared import Cm, Pt

    document = Document()
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2.5))
    section.top_margin = section.bottom_margin = Cm(2.2)
    normal = document.styles["Normal"]
    normal.font.name = "Liberation Serif"
    normal.font.size = Pt(11)
    section.footer.paragraphs[0].text = "{{ authority_name }} · {{ call_id }} · {{ reference }}"
    body(document, TEXT[lang])
    out.parent.mkdir(parents=True, exist_ok=True)
    document.save(out)


def parties(d: object, t: dict[str, str]) -> None:
    """The list of the parties, as the convention names them."""
    p = d.add_paragraph  # type: ignore[attr-defined]
    p(t["between"])
    p("{%p for party in parties %}")
    p(
        "{{ loop.index }}. {{ party.name }}{% if party.legal_form %}, {{ party.legal_form }}"
        "{% endif %}, " + t["bce"] + " {{ party.enterprise_number or '" + t["unknown"] + "' }}, "
        "{{ party.address or '"
        + t["unknown"]
        + "' }}, "
        + t["represented"]
        + " {{ party.representative or '"
        + t["unknown"]
        + "' }} ({{ party.role_label }});",
        style="List Paragraph",
    )
    p("{%p endfor %}")
    p(t["hereafter"])


def signatures(d: object, t: dict[str, str]) -> None:
    p = d.add_paragraph  # type: ignore[attr-defined]
    p("")
    p(t["signed"])
    p("{%p for party in parties %}")
    p(t["for"] + " {{ party.name }} ({{ party.role_label }}),")
    p("{{ party.representative or '" + t["unknown"] + "' }}")
    p(t["signature"])
    p("{%p endfor %}")


def convention(document: object, t: dict[str, str]) -> None:
    d = document  # python-docx's Document (untyped here: a build script)
    d.add_heading(t["convention_title"], level=0)  # type: ignore[attr-defined]
    d.add_paragraph("{{ call_title }} · {{ reference }}")  # type: ignore[attr-defined]
    p = d.add_paragraph  # type: ignore[attr-defined]
    parties(d, t)
    p(t["having_regard"])
    p("{%p for basis in legal_bases %}")
    p("– {{ basis }};", style="List Paragraph")
    p("{%p endfor %}")
    p(t["agreed"])
    articles = [
        ("art_object", ["object", "summary", "residents"]),
        ("art_amount", ["amount"]),
        ("art_duration", ["duration"]),
        ("art_payment", ["payment"]),
    ]
    for heading, keys in articles:
        d.add_heading(t[heading], level=2)  # type: ignore[attr-defined]
        for key in keys:
            if key == "summary":
                p("{%p if summary %}")
                p(t[key])
                p("{%p endif %}")
            elif key == "residents":
                p("{%p if residents_targeted %}")
                p(t[key])
                p("{%p endif %}")
            else:
                p(t[key])
    table = d.add_table(rows=4, cols=4)  # type: ignore[attr-defined]
    table.style = "Table Grid"
    for cell, key in zip(
        table.rows[0].cells,
        ("col_tranche", "col_share", "col_amount", "col_condition"),
        strict=True,
    ):
        cell.text = t[key]
        cell.paragraphs[0].runs[0].bold = True
    table.rows[1].cells[0].text = "{%tr for tranche in tranches %}"
    values = (
        "{{ tranche.number }}",
        "{{ tranche.percent_text }}",
        "{{ tranche.amount_figures }}",
        "{{ tranche.condition_text }}",
    )
    for cell, value in zip(table.rows[2].cells, values, strict=True):
        cell.text = value
    table.rows[3].cells[0].text = "{%tr endfor %}"
    d.add_heading(t["art_reporting"], level=2)  # type: ignore[attr-defined]
    p(t["reporting"])
    p("{%p for deadline in deadlines %}")
    p(
        "– {{ deadline.label }} : {{ deadline.date_text }}"
        if t is TEXT["fr"]
        else "– {{ deadline.label }}: {{ deadline.date_text }}",
        style="List Paragraph",
    )
    p("{%p endfor %}")
    for heading, key in (
        ("art_control", "control"),
        ("art_publicity", "publicity"),
        ("art_privacy", "privacy"),
        ("art_disputes", "disputes"),
    ):
        d.add_heading(t[heading], level=2)  # type: ignore[attr-defined]
        p(t[key])
        if key in ("control", "privacy", "disputes"):
            p(t["draft"]).runs[0].italic = True
    signatures(d, t)


def amendment(document: object, t: dict[str, str]) -> None:
    d = document  # python-docx's Document (untyped here: a build script)
    d.add_heading(t["amendment_title"], level=0)  # type: ignore[attr-defined]
    d.add_paragraph("{{ call_title }} · {{ reference }}")  # type: ignore[attr-defined]
    p = d.add_paragraph  # type: ignore[attr-defined]
    parties(d, t)
    p(t["amendment_recital"])
    p(t["amendment_whereas"])
    p(t["agreed"])
    for heading, changed, kept, flag in (
        ("amendment_art_amount", "amendment_amount_changed", "amendment_amount_kept", "amount"),
        ("amendment_art_duration", "amendment_end_changed", "amendment_end_kept", "end"),
    ):
        d.add_heading(t[heading], level=2)  # type: ignore[attr-defined]
        p("{%p if " + flag + "_changed %}")
        p(t[changed])
        p("{%p else %}")
        p(t[kept])
        p("{%p endif %}")
    d.add_heading(t["amendment_art_payment"], level=2)  # type: ignore[attr-defined]
    p(t["amendment_payment"])
    table = d.add_table(rows=4, cols=5)  # type: ignore[attr-defined]
    table.style = "Table Grid"
    for cell, key in zip(
        table.rows[0].cells,
        ("col_tranche", "col_condition", "col_before", "col_new", "col_status"),
        strict=True,
    ):
        cell.text = t[key]
        cell.paragraphs[0].runs[0].bold = True
    table.rows[1].cells[0].text = "{%tr for tranche in amended_tranches %}"
    values = (
        "{{ tranche.number }}",
        "{{ tranche.condition_text or '' }}",
        "{{ tranche.previous_amount_figures }}",
        "{{ tranche.amount_figures }}",
        "{{ tranche.status_text }}",
    )
    for cell, value in zip(table.rows[2].cells, values, strict=True):
        cell.text = value
    table.rows[3].cells[0].text = "{%tr endfor %}"
    d.add_heading(t["amendment_art_other"], level=2)  # type: ignore[attr-defined]
    p(t["amendment_unchanged"])
    p(t["amendment_in_force"])
    p(t["draft"]).runs[0].italic = True
    signatures(d, t)


def letter_head(d: object, t: dict[str, str], subject_key: str) -> None:
    p = d.add_paragraph  # type: ignore[attr-defined]
    p("{{ authority_name }}")
    p("")
    p("{{ recipient_name }}")
    p("{{ recipient_address or '' }}")
    p("")
    p("{{ place }}, {{ date_text }}")
    p(t["subject"] + " " + t[subject_key])
    p("Réf. {{ reference }}" if t is TEXT["fr"] else "Ref. {{ reference }}")
    p("")
    p(t["greeting"])


def letter_award(document: object, t: dict[str, str]) -> None:
    p = document.add_paragraph  # type: ignore[attr-defined]
    letter_head(document, t, "letter_award_subject")
    p(t["award_body"])
    p("{%p if partial %}")
    p(t["award_partial"])
    p("{%p endif %}")
    p(t["award_next"])
    p(t["closing"])
    p("")
    p("{{ signatory }}")


def reasons(d: object, t: dict[str, str]) -> None:
    """The reasons of a decision that funds nothing, one paragraph each."""
    p = d.add_paragraph  # type: ignore[attr-defined]
    p(t["refusal_reasons"])
    p("{%p for reason in reasons %}")
    p("– {{ reason }}", style="List Paragraph")
    p("{%p endfor %}")


def appeal_and_closing(d: object, t: dict[str, str]) -> None:
    """How to appeal, then the closing and the signatory."""
    p = d.add_paragraph  # type: ignore[attr-defined]
    p(t["refusal_appeal"])
    p(t["draft"]).runs[0].italic = True
    p(t["closing"])
    p("")
    p("{{ signatory }}")


def letter_refusal(document: object, t: dict[str, str]) -> None:
    letter_head(document, t, "letter_refusal_subject")
    document.add_paragraph(t["refusal_body"])  # type: ignore[attr-defined]
    reasons(document, t)
    appeal_and_closing(document, t)


def letter_reserve(document: object, t: dict[str, str]) -> None:
    p = document.add_paragraph  # type: ignore[attr-defined]
    letter_head(document, t, "letter_reserve_subject")
    p(t["reserve_body"])
    reasons(document, t)
    p("{%p if reserve_valid_until %}")
    p(t["reserve_until"])
    p("{%p else %}")
    p(t["reserve_open"])
    p("{%p endif %}")
    p(t["reserve_told"])
    appeal_and_closing(document, t)


# -- the settlement letter (décompte final / eindafrekening) ---------------------------

SETTLEMENT_TEXT = {
    "fr": {
        "settlement_subject": "{{ call_title_heading }} : décompte final de la subvention",
        "settlement_body": (
            "Nous avons examiné les dépenses justifiées pour le projet « {{ project_title }} » "
            "(réf. {{ reference }}), subventionné à hauteur de {{ award_figures }}. Vous avez "
            "justifié {{ claimed_figures }} de dépenses imputées à la subvention."
        ),
        "settlement_admitted": (
            "Après examen, le montant admis est de {{ admitted_figures }} "
            "({{ admitted_words }}), réparti comme suit par poste budgétaire :"
        ),
        "col_line": "Poste",
        "col_claimed": "Imputé",
        "col_reviewed": "Admis après examen",
        "col_admitted": "Retenu",
        "col_rule": "Règle appliquée",
        "settlement_award_cut": (
            "Le total retenu par poste dépasse la subvention : le montant admis est limité à "
            "la subvention, {{ award_figures }}."
        ),
        "settlement_refused": "Les dépenses suivantes ne sont pas admises, ou pas entièrement :",
        "settlement_refused_line": (
            "– {{ expense.supplier }}, facture {{ expense.invoice_number }} "
            "({{ expense.budget_line }}) : {{ expense.decision_text }}, {{ "
            "expense.admitted_figures }} admis sur {{ expense.claimed_figures }}. "
            "{{ expense.reason_text }}{% if expense.comment %} {{ expense.comment }}{% endif %}"
        ),
        "settlement_paid": "La subvention vous a déjà été versée à hauteur de {{ paid_figures }}.",
        "settlement_payment": (
            "Le solde de {{ last_payment_figures }} ({{ last_payment_words }}) vous sera versé "
            "comme dernière tranche, au lieu des {{ planned_last_figures }} prévus."
        ),
        "settlement_recovery": (
            "Vous avez reçu {{ recovery_figures }} de plus que le montant admis. Conformément "
            "à la convention (article « Contrôle et récupération »), nous vous prions de "
            "rembourser {{ recovery_figures }} ({{ recovery_words }}) au plus tard le "
            "{{ recovery_due_date_text }}, en mentionnant la référence {{ reference }}."
        ),
        "settlement_even": (
            "Le montant admis est égal au montant versé : aucun paiement ni remboursement n'est dû."
        ),
        "settlement_ombudsman": (
            "Si vous n'êtes pas d'accord avec ce décompte, adressez-vous d'abord à nous. Vous "
            "pouvez ensuite introduire gratuitement une plainte auprès du Médiateur bruxellois "
            "(place de la Vieille Halle aux Blés 1, 1000 Bruxelles ; www.ombuds.brussels)."
        ),
    },
    "nl": {
        "settlement_subject": "{{ call_title_heading }}: eindafrekening van de subsidie",
        "settlement_body": (
            "Wij hebben de verantwoorde uitgaven van het project „{{ project_title }}” (ref. "
            "{{ reference }}) onderzocht, dat een subsidie van {{ award_figures }} kreeg. U "
            "hebt {{ claimed_figures }} aan uitgaven ten laste van de subsidie verantwoord."
        ),
        "settlement_admitted": (
            "Na onderzoek bedraagt het aanvaarde bedrag {{ admitted_figures }} "
            "({{ admitted_words }}), per begrotingspost als volgt verdeeld:"
        ),
        "col_line": "Post",
        "col_claimed": "Ingediend",
        "col_reviewed": "Aanvaard na onderzoek",
        "col_admitted": "Weerhouden",
        "col_rule": "Toegepaste regel",
        "settlement_award_cut": (
            "Het per post weerhouden totaal overschrijdt de subsidie: het aanvaarde bedrag "
            "is beperkt tot de subsidie, {{ award_figures }}."
        ),
        "settlement_refused": "De volgende uitgaven zijn niet, of niet volledig, aanvaard:",
        "settlement_refused_line": (
            "– {{ expense.supplier }}, factuur {{ expense.invoice_number }} "
            "({{ expense.budget_line }}): {{ expense.decision_text }}, {{ "
            "expense.admitted_figures }} aanvaard van {{ expense.claimed_figures }}. "
            "{{ expense.reason_text }}{% if expense.comment %} {{ expense.comment }}{% endif %}"
        ),
        "settlement_paid": "Van de subsidie werd u al {{ paid_figures }} betaald.",
        "settlement_payment": (
            "Het saldo van {{ last_payment_figures }} ({{ last_payment_words }}) wordt u "
            "betaald als laatste schijf, in plaats van de voorziene {{ planned_last_figures }}."
        ),
        "settlement_recovery": (
            "U hebt {{ recovery_figures }} meer ontvangen dan het aanvaarde bedrag. "
            "Overeenkomstig de overeenkomst (artikel „Controle en terugvordering”) vragen wij "
            "u {{ recovery_figures }} ({{ recovery_words }}) terug te betalen uiterlijk op "
            "{{ recovery_due_date_text }}, met vermelding van de referentie {{ reference }}."
        ),
        "settlement_even": (
            "Het aanvaarde bedrag is gelijk aan het betaalde bedrag: er is geen betaling of "
            "terugbetaling verschuldigd."
        ),
        "settlement_ombudsman": (
            "Bent u het niet eens met deze afrekening, neem dan eerst contact met ons op. "
            "Daarna kunt u kosteloos een klacht indienen bij de Brusselse Ombudsman (Oud "
            "Korenhuis 1, 1000 Brussel; www.ombuds.brussels)."
        ),
    },
}


# The letter's own text joins each language's, so that the letter head is the letters'.
for _lang, _text in SETTLEMENT_TEXT.items():
    TEXT[_lang].update(_text)


def settlement(document: object, t: dict[str, str]) -> None:
    """The settlement letter: what was claimed and admitted, by line and by expense, and
    the last payment or the recovery; the appeal and the ombudsman, as a decision."""
    d = document
    p = d.add_paragraph  # type: ignore[attr-defined]
    letter_head(d, t, "settlement_subject")
    p(t["settlement_body"])
    p(t["settlement_admitted"])
    table = d.add_table(rows=4, cols=5)  # type: ignore[attr-defined]
    table.style = "Table Grid"
    for cell, key in zip(
        table.rows[0].cells,
        ("col_line", "col_claimed", "col_reviewed", "col_admitted", "col_rule"),
        strict=True,
    ):
        cell.text = t[key]
        cell.paragraphs[0].runs[0].bold = True
    table.rows[1].cells[0].text = "{%tr for line in settlement_lines %}"
    values = (
        "{{ line.label }}",
        "{{ line.claimed_figures }}",
        "{{ line.reviewed_figures }}",
        "{{ line.admitted_figures }}",
        "{{ line.rule_text }}",
    )
    for cell, value in zip(table.rows[2].cells, values, strict=True):
        cell.text = value
    table.rows[3].cells[0].text = "{%tr endfor %}"
    from docx.shared import Cm

    table.autofit = False
    widths = (3.6, 2.9, 3.1, 2.9, 3.5)  # amounts on one line; the labels may wrap
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Cm(width)  # the grid, which LibreOffice reads
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Cm(width)  # the cells, which Word reads
    p("")
    p("{%p if award_cut %}")
    p(t["settlement_award_cut"])
    p("{%p endif %}")
    p("{%p if refused_expenses %}")
    p(t["settlement_refused"])
    p("{%p endif %}")
    p("{%p for expense in refused_expenses %}")
    p(t["settlement_refused_line"], style="List Paragraph")
    p("{%p endfor %}")
    p(t["settlement_paid"])
    p("{%p if balance_kind == 'payment' %}")
    p(t["settlement_payment"])
    p("{%p elif balance_kind == 'recovery' %}")
    p(t["settlement_recovery"])
    p("{%p else %}")
    p(t["settlement_even"])
    p("{%p endif %}")
    p(t["refusal_appeal"])
    p(t["settlement_ombudsman"])
    p(t["closing"])
    p("")
    p("{{ signatory }}")


def main() -> None:
    for lang in ("nl", "fr"):
        build(lang, HERE / f"convention.{lang}.docx", convention)
        build(lang, HERE / f"letter-award.{lang}.docx", letter_award)
        build(lang, HERE / f"letter-refusal.{lang}.docx", letter_refusal)
        build(lang, HERE / f"letter-reserve.{lang}.docx", letter_reserve)
        build(lang, HERE / f"amendment.{lang}.docx", amendment)
        build(lang, HERE / f"settlement.{lang}.docx", settlement)
    print(f"wrote the templates in {HERE}")


if __name__ == "__main__":
    main()
