"""Build the Word templates of the conventions, their amendments, the decision letters and
the settlement letters.

    python templates/build_templates.py

The templates are Word documents with Jinja tags, rendered by docxtpl. They are
built here from readable text, so that a change to a clause is a reviewable change to
this file; run the script and commit both. Officers may also edit the .docx files
directly in Word or LibreOffice (then `slrbcall templates check` checks them).

Every variable used below is documented in docs/documents.md. The law a clause applies
is named by the call (its `legal_bases` and `subsidy_rules`), never here. A fact the
context leaves empty prints as a dotted line, and the rendering names it.

Layout: A4, page numbers ("page 2 / 3") and the call's title in the footer; a
signature block, a table row and a heading with its first paragraph never split across
pages; in French a no-break space after « and before », :, ;, ? and !.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
UNKNOWN = "……………………"


def blank(expression: str) -> str:
    """A tag that prints ``expression``, or a dotted line to fill in when it is empty."""
    return "{{ " + expression + " or '" + UNKNOWN + "' }}"


# -- the text, per language ------------------------------------------------------------


def reach(who: str, phone: str) -> str:
    """How to reach ``who`` (``ombudsman`` or ``contact``): the tags of its address,
    phone (after ``phone``, *tél.* or *tel.*) and e-mail, and for the ombudsman its
    website."""
    parts = [blank(f"{who}_address"), f"{phone} " + blank(f"{who}_phone"), blank(f"{who}_email")]
    if who == "ombudsman":
        parts.append(blank("ombudsman_website"))
    return ", ".join(parts)


TEXT = {
    "fr": {
        "page": "page",
        "illustrative": "EXEMPLE, données fictives",
        "convention_title": "Convention de subvention",
        "subtitle": "{{ call_title_heading }} – réf. {{ reference }}",
        "between": "Entre les parties suivantes :",
        "party": (
            "{{ loop.index }}. {{ party.name }}{% if party.legal_form %}, "
            "{{ party.legal_form }}{% endif %}, n° BCE " + blank("party.enterprise_number") + ", "
            "siège : "
            + blank("party.address")
            + ", représentée par "
            + blank("party.representative")
            + ", ci-après « {{ party.role_label }} » ;"
        ),
        "hereafter": "ci-après dénommées ensemble « les parties ».",
        "roles": "Dans le projet, chaque partie a le rôle suivant :",
        "role": "– {{ party.name }} ({{ party.role_label }}) : {{ party.role_text }} ;",
        "having_regard": "Vu :",
        "basis": "– {{ basis }}{% if loop.last %}.{% else %} ;{% endif %}",
        "regard_basis": "– {{ basis }} ;",
        "regard_decision": (
            "– la décision du "
            + blank("decided_on_text")
            + " par laquelle "
            + blank("decision_body")
            + " a octroyé la subvention ;"
        ),
        "agreed": "Il est convenu ce qui suit.",
        "art_object": "Article 1. Objet",
        "object": (
            "La présente convention règle l'octroi d'une subvention pour le projet "
            "« {{ project_title }} » (réf. {{ reference }}), introduit dans le cadre "
            "{{ call_title_in_context }}, thème « {{ theme_label }} »."
        ),
        "summary": (
            "Description du projet{% if summary_language_note %} "
            "({{ summary_language_note }}){% endif %} : {{ summary }}"
        ),
        "residents": "Public visé : {{ residents_targeted }} habitants.",
        "art_amount": "Article 2. Bénéficiaire et montant",
        "amount": (
            "La {{ authority_short }} octroie une subvention de {{ amount_figures }} "
            "({{ amount_words }}) au bénéficiaire, " + blank("beneficiary_name") + "."
        ),
        "account": (
            "La subvention est versée sur le compte "
            + blank("beneficiary_iban")
            + " ouvert au nom du bénéficiaire. Elle est imputée à "
            + blank("imputation_text")
            + " de la {{ authority_short }}."
        ),
        "art_duration": "Article 3. Durée",
        "duration": (
            "Le projet dure {{ duration_months }} mois, du {{ start_date_text }} au "
            "{{ end_date_text }}. Seules les dépenses de cette période peuvent être "
            "justifiées au moyen de la subvention."
        ),
        "art_payment": "Article 4. Paiement",
        "payment": (
            "La subvention est versée en tranches, sur le compte visé à l'article 2, aux "
            "conditions suivantes :"
        ),
        "col_tranche": "Tranche",
        "col_share": "Part",
        "col_amount": "Montant",
        "col_condition": "Condition",
        "art_use": "Article 5. Affectation de la subvention",
        "use": (
            "Le bénéficiaire affecte la subvention exclusivement à la réalisation du projet "
            "décrit à l'article 1er. Il informe sans délai la {{ authority_short }} de toute "
            "difficulté qui en compromet la réalisation. Toute modification du projet, de "
            "sa durée ou du montant de la subvention fait l'objet d'un avenant signé par "
            "toutes les parties."
        ),
        "budget": (
            "Le budget du projet ci-dessous fait partie de la présente convention : la "
            "subvention couvre le coût du projet, déduction faite des cofinancements, et lors "
            "du décompte final, le montant admis sur un poste ne dépasse pas le montant qui y "
            "est prévu."
        ),
        "budget_request": (
            "Ce budget est celui de la candidature, pour une subvention demandée de "
            "{{ budget_grant_figures }} ; la subvention octroyée est celle de l'article 2."
        ),
        "col_budget_line": "Poste budgétaire",
        "col_budget_amount": "Montant prévu",
        "budget_total": "Coût total du projet",
        "budget_source": "Cofinancement : {{ source.label }}",
        "budget_grant": "Subvention demandée",
        "art_reporting": "Article 6. Justification et suivi",
        "justification": (
            "Le bénéficiaire justifie l'emploi de la subvention par un rapport d'activités "
            "et un décompte des dépenses du projet, accompagné des pièces justificatives "
            "(factures, preuves de paiement, fiches de rémunération). Le rapport final et le "
            "décompte final sont remis à l'échéance du rapport final ci-dessous."
        ),
        "reporting": "Le bénéficiaire participe au suivi du projet aux échéances suivantes :",
        "deadline": "– {{ deadline.label }} : {{ deadline.date_text }}",
        "art_control": "Article 7. Contrôle",
        "control": (
            "La {{ authority_short }} peut contrôler l'emploi de la subvention sur pièces et "
            "sur place. Les parties donnent à ses agents accès aux activités, aux locaux et "
            "aux documents du projet, et conservent les pièces justificatives jusqu'à "
            "l'approbation du décompte final."
        ),
        "subsidy_rules": "Sont applicables {{ subsidy_rules }}.",
        "art_repayment": "Article 8. Remboursement",
        "repayment": (
            "Le bénéficiaire rembourse à la {{ authority_short }} la part de la subvention "
            "qui n'est pas justifiée, qui n'est pas utilisée ou qui est utilisée à d'autres "
            "fins que le projet, ainsi que la subvention versée lorsque les conditions de la "
            "présente convention ne sont pas respectées. La {{ authority_short }} peut "
            "suspendre le paiement des tranches restantes tant que le bénéficiaire ne "
            "satisfait pas à ses obligations."
        ),
        "art_publicity": "Article 9. Publicité",
        "publicity": (
            "Toute communication relative au projet mentionne le soutien de la "
            "{{ authority_short }}."
        ),
        "art_privacy": "Article 10. Protection des données",
        "privacy": (
            "Les parties traitent les données à caractère personnel des habitants "
            "conformément au règlement (UE) 2016/679 (RGPD), aux seules fins du projet et "
            "de son suivi."
        ),
        "art_disputes": "Article 11. Droit applicable et litiges",
        "disputes": (
            "La présente convention est régie par le droit belge. Les parties recherchent "
            "d'abord une solution amiable. À défaut, les cours et tribunaux de "
            "l'arrondissement judiciaire de Bruxelles sont seuls compétents."
        ),
        "art_in_force": "Article 12. Entrée en vigueur",
        "in_force": (
            "La présente convention entre en vigueur à la date de sa signature par toutes "
            "les parties."
        ),
        "signed": (
            "Fait à {{ place }}, le {{ date_text }}, en autant d'exemplaires originaux que "
            "de parties, chacune reconnaissant avoir reçu le sien."
        ),
        "for": "Pour {{ party.name }} ({{ party.role_label }}),",
        "signature": "Signature : ______________________________",
        # letters
        "attention": "À l'attention de " + blank("recipient_person"),
        "date_line": "{{ place }}, le {{ date_text }}",
        "subject": "Objet : ",
        "our_reference": "Notre référence : {{ reference }}",
        "letter_award_subject": "{{ call_title_heading }} – octroi d'une subvention",
        "greeting": "Madame, Monsieur,",
        "award_body": (
            "Par sa décision du "
            + blank("decided_on_text")
            + ", "
            + blank("decision_body")
            + " a octroyé au projet « {{ project_title }} » "
            "(réf. {{ reference }}), introduit dans le cadre {{ call_title_in_context }}, "
            "une subvention de {{ amount_figures }} ({{ amount_words }}), pour "
            "{{ duration_months }} mois à partir du {{ start_date_text }}."
        ),
        "award_partial": (
            "Ce montant est inférieur à votre demande de {{ requested_figures }}. {{ explanation }}"
        ),
        "award_next": (
            "La convention de subvention vous sera adressée pour signature. La première "
            "tranche sera versée après sa signature par toutes les parties."
        ),
        "letter_refusal_subject": "{{ call_title_heading }} – décision",
        "decision_taken": (
            "Par sa décision du "
            + blank("decided_on_text")
            + ", "
            + blank("decision_body")
            + " a statué sur les candidatures introduites dans le "
            "cadre {{ call_title_in_context }}."
        ),
        "refusal_body": (
            "Nous regrettons de vous informer que le projet « {{ project_title }} » "
            "(réf. {{ reference }}), pour lequel vous demandiez {{ requested_figures }}, ne "
            "peut pas être financé."
        ),
        "reasons": "Cette décision est motivée comme suit :",
        "criteria": "Scores du projet par critère, sur 100 :",
        "criterion": (
            "– {{ criterion.label }} : {{ criterion.score_text }} (pondération "
            "{{ criterion.weight_text }})"
        ),
        "legal_basis": "Cette décision est prise en application des textes suivants :",
        "appeal": (
            "Vous pouvez introduire un recours en annulation contre cette décision devant "
            + blank("appeal_body")
            + ", "
            + blank("appeal_address")
            + ", dans un délai de "
            + blank("appeal_days_text")
            + " jours à compter de sa notification, "
            + blank("appeal_form")
            + "."
        ),
        "ombudsman": (
            "Vous pouvez également introduire une réclamation auprès du médiateur "
            "compétent, " + blank("ombudsman_name") + ", " + reach("ombudsman", "tél.") + "."
        ),
        "contact": (
            "Pour toute question, vous pouvez contacter "
            + blank("contact_name")
            + ", "
            + blank("contact_function")
            + "{% if contact_service %}, {{ contact_service }}"
            "{% endif %}, " + reach("contact", "tél.") + "."
        ),
        "letter_reserve_subject": "{{ call_title_heading }} – liste de réserve",
        "reserve_body": (
            "Le projet « {{ project_title }} » (réf. {{ reference }}), pour lequel vous "
            "demandiez {{ requested_figures }}, ne peut pas être financé avec le budget "
            "disponible aujourd'hui, mais il est inscrit sur la liste de réserve de l'appel, "
            "à la place {{ reserve_rank }} sur {{ reserve_size }}."
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
        "closing": (
            "Nous vous prions d'agréer, Madame, Monsieur, l'expression de nos salutations "
            "distinguées."
        ),
        "on_behalf": "Pour la {{ authority_short }},",
        "copy": "Copie : {{ copy_name }}, " + blank("copy_address"),
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
        "page": "pagina",
        "illustrative": "VOORBEELD, fictieve gegevens",
        "convention_title": "Subsidieovereenkomst",
        "subtitle": "{{ call_title_heading }} – ref. {{ reference }}",
        "between": "Tussen de volgende partijen:",
        "party": (
            "{{ loop.index }}. {{ party.name }}{% if party.legal_form %}, "
            "{{ party.legal_form }}{% endif %}, KBO-nr. "
            + blank("party.enterprise_number")
            + ", zetel: "
            + blank("party.address")
            + ", vertegenwoordigd door "
            + blank("party.representative")
            + ", hierna „{{ party.role_label }}”;"
        ),
        "hereafter": "hierna samen „de partijen” genoemd.",
        "roles": "In het project heeft elke partij de volgende rol:",
        "role": "– {{ party.name }} ({{ party.role_label }}): {{ party.role_text }};",
        "having_regard": "Gelet op:",
        "basis": "– {{ basis }}{% if loop.last %}.{% else %};{% endif %}",
        "regard_basis": "– {{ basis }};",
        "regard_decision": (
            "– de beslissing van "
            + blank("decided_on_text")
            + " waarbij "
            + blank("decision_body")
            + " de subsidie heeft toegekend;"
        ),
        "agreed": "Wordt het volgende overeengekomen.",
        "art_object": "Artikel 1. Voorwerp",
        "object": (
            "Deze overeenkomst regelt de toekenning van een subsidie voor het project "
            "„{{ project_title }}” (ref. {{ reference }}), ingediend in het kader "
            "{{ call_title_in_context }}, thema „{{ theme_label }}”."
        ),
        "summary": (
            "Beschrijving van het project{% if summary_language_note %} "
            "({{ summary_language_note }}){% endif %}: {{ summary }}"
        ),
        "residents": "Doelpubliek: {{ residents_targeted }} bewoners.",
        "art_amount": "Artikel 2. Begunstigde en bedrag",
        "amount": (
            "De {{ authority_short }} kent een subsidie toe van {{ amount_figures }} "
            "({{ amount_words }}) aan de begunstigde, " + blank("beneficiary_name") + "."
        ),
        "account": (
            "De subsidie wordt gestort op rekening "
            + blank("beneficiary_iban")
            + " op naam van de begunstigde. Ze wordt aangerekend op "
            + blank("imputation_text")
            + " van de {{ authority_short }}."
        ),
        "art_duration": "Artikel 3. Duur",
        "duration": (
            "Het project duurt {{ duration_months }} maanden, van {{ start_date_text }} tot "
            "{{ end_date_text }}. Alleen uitgaven uit die periode kunnen met de subsidie "
            "verantwoord worden."
        ),
        "art_payment": "Artikel 4. Betaling",
        "payment": (
            "De subsidie wordt in schijven betaald, op de rekening bedoeld in artikel 2, "
            "onder de volgende voorwaarden:"
        ),
        "col_tranche": "Schijf",
        "col_share": "Aandeel",
        "col_amount": "Bedrag",
        "col_condition": "Voorwaarde",
        "art_use": "Artikel 5. Besteding van de subsidie",
        "use": (
            "De begunstigde besteedt de subsidie uitsluitend aan de uitvoering van het "
            "project beschreven in artikel 1. Hij brengt de {{ authority_short }} onverwijld "
            "op de hoogte van elke moeilijkheid die de uitvoering ervan in gevaar brengt. "
            "Elke wijziging van het project, de duur ervan of het bedrag van de subsidie "
            "wordt vastgelegd in een aanhangsel dat alle partijen ondertekenen."
        ),
        "budget": (
            "De begroting van het project hieronder maakt deel uit van deze overeenkomst: de "
            "subsidie dekt de kosten van het project, na aftrek van de cofinanciering, en bij "
            "de eindafrekening is het bedrag dat op een post wordt aanvaard niet hoger dan het "
            "bedrag dat erop is voorzien."
        ),
        "budget_request": (
            "Deze begroting is die van de aanvraag, voor een gevraagde subsidie van "
            "{{ budget_grant_figures }}; de toegekende subsidie is die van artikel 2."
        ),
        "col_budget_line": "Begrotingspost",
        "col_budget_amount": "Voorzien bedrag",
        "budget_total": "Totale kosten van het project",
        "budget_source": "Cofinanciering: {{ source.label }}",
        "budget_grant": "Gevraagde subsidie",
        "art_reporting": "Artikel 6. Verantwoording en opvolging",
        "justification": (
            "De begunstigde verantwoordt de besteding van de subsidie met een "
            "activiteitenverslag en een afrekening van de uitgaven van het project, samen met "
            "de bewijsstukken (facturen, betalingsbewijzen, loonfiches). Het eindverslag en de "
            "eindafrekening worden ingediend op de datum van het eindverslag hieronder."
        ),
        "reporting": "De begunstigde neemt deel aan de opvolging van het project op deze data:",
        "deadline": "– {{ deadline.label }}: {{ deadline.date_text }}",
        "art_control": "Artikel 7. Controle",
        "control": (
            "De {{ authority_short }} kan de besteding van de subsidie op stukken en ter "
            "plaatse controleren. De partijen geven haar personeelsleden toegang tot de "
            "activiteiten, de lokalen en de documenten van het project, en bewaren de "
            "bewijsstukken tot de goedkeuring van de eindafrekening."
        ),
        "subsidy_rules": "Op de subsidie zijn {{ subsidy_rules }} van toepassing.",
        "art_repayment": "Artikel 8. Terugbetaling",
        "repayment": (
            "De begunstigde betaalt aan de {{ authority_short }} het deel van de subsidie "
            "terug dat niet verantwoord is, dat niet besteed is of dat voor een ander doel "
            "dan het project besteed is, en de betaalde subsidie wanneer de voorwaarden van "
            "deze overeenkomst niet nageleefd worden. De {{ authority_short }} kan de betaling "
            "van de resterende schijven opschorten zolang de begunstigde zijn verplichtingen "
            "niet nakomt."
        ),
        "art_publicity": "Artikel 9. Bekendmaking",
        "publicity": (
            "Elke communicatie over het project vermeldt de steun van de {{ authority_short }}."
        ),
        "art_privacy": "Artikel 10. Gegevensbescherming",
        "privacy": (
            "De partijen verwerken de persoonsgegevens van de bewoners overeenkomstig "
            "verordening (EU) 2016/679 (AVG), enkel voor het project en de opvolging ervan."
        ),
        "art_disputes": "Artikel 11. Toepasselijk recht en geschillen",
        "disputes": (
            "Deze overeenkomst wordt beheerst door het Belgisch recht. De partijen zoeken "
            "eerst een minnelijke oplossing. Lukt dat niet, dan zijn enkel de hoven en "
            "rechtbanken van het gerechtelijk arrondissement Brussel bevoegd."
        ),
        "art_in_force": "Artikel 12. Inwerkingtreding",
        "in_force": (
            "Deze overeenkomst treedt in werking op de datum waarop alle partijen ze "
            "ondertekend hebben."
        ),
        "signed": (
            "Opgemaakt te {{ place }} op {{ date_text }}, in evenveel originele exemplaren als "
            "er partijen zijn, waarvan elke partij verklaart het hare ontvangen te hebben."
        ),
        "for": "Voor {{ party.name }} ({{ party.role_label }}),",
        "signature": "Handtekening: ______________________________",
        "attention": "Ter attentie van " + blank("recipient_person"),
        "date_line": "{{ place }}, {{ date_text }}",
        "subject": "Betreft: ",
        "our_reference": "Onze referentie: {{ reference }}",
        "letter_award_subject": "{{ call_title_heading }} – toekenning van een subsidie",
        "greeting": "Geachte mevrouw, geachte heer,",
        "award_body": (
            "Bij beslissing van "
            + blank("decided_on_text")
            + " heeft "
            + blank("decision_body")
            + " aan het project „{{ project_title }}” (ref. "
            "{{ reference }}), ingediend in het kader {{ call_title_in_context }}, een subsidie "
            "toegekend van {{ amount_figures }} ({{ amount_words }}), voor "
            "{{ duration_months }} maanden vanaf {{ start_date_text }}."
        ),
        "award_partial": (
            "Dat bedrag is lager dan uw aanvraag van {{ requested_figures }}. {{ explanation }}"
        ),
        "award_next": (
            "U ontvangt de subsidieovereenkomst ter ondertekening. De eerste schijf wordt "
            "betaald nadat alle partijen ze ondertekend hebben."
        ),
        "letter_refusal_subject": "{{ call_title_heading }} – beslissing",
        "decision_taken": (
            "Bij beslissing van "
            + blank("decided_on_text")
            + " heeft "
            + blank("decision_body")
            + " beslist over de aanvragen die ingediend werden in "
            "het kader {{ call_title_in_context }}."
        ),
        "refusal_body": (
            "Tot onze spijt delen wij u mee dat het project „{{ project_title }}” (ref. "
            "{{ reference }}), waarvoor u {{ requested_figures }} vroeg, niet gefinancierd kan "
            "worden."
        ),
        "reasons": "Deze beslissing is als volgt gemotiveerd:",
        "criteria": "Scores van het project per criterium, op 100:",
        "criterion": (
            "– {{ criterion.label }}: {{ criterion.score_text }} (weging "
            "{{ criterion.weight_text }})"
        ),
        "legal_basis": "Deze beslissing wordt genomen met toepassing van de volgende teksten:",
        "appeal": (
            "Tegen deze beslissing kunt u bij "
            + blank("appeal_body")
            + ", "
            + blank("appeal_address")
            + ", een beroep tot nietigverklaring instellen binnen "
            + blank("appeal_days_text")
            + " dagen na de kennisgeving ervan, "
            + blank("appeal_form")
            + "."
        ),
        "ombudsman": (
            "U kunt ook een klacht indienen bij de bevoegde ombudsdienst, "
            + blank("ombudsman_name")
            + ", "
            + reach("ombudsman", "tel.")
            + "."
        ),
        "contact": (
            "Met vragen kunt u terecht bij "
            + blank("contact_name")
            + ", "
            + blank("contact_function")
            + "{% if contact_service %}, {{ contact_service }}"
            "{% endif %}, " + reach("contact", "tel.") + "."
        ),
        "letter_reserve_subject": "{{ call_title_heading }} – reservelijst",
        "reserve_body": (
            "Het project „{{ project_title }}” (ref. {{ reference }}), waarvoor u "
            "{{ requested_figures }} vroeg, kan met het budget dat vandaag beschikbaar is niet "
            "gefinancierd worden, maar het staat op de reservelijst van de oproep, op plaats "
            "{{ reserve_rank }} van {{ reserve_size }}."
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
        "on_behalf": "Voor de {{ authority_short }},",
        "copy": "Kopie: {{ copy_name }}, " + blank("copy_address"),
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

_TAG = re.compile(r"(\{\{.*?\}\}|\{%.*?%\})")


def french_spacing(text: str) -> str:
    """A no-break space after « and before » : ; ? !, outside the Jinja tags."""
    parts = _TAG.split(text)
    for i in range(0, len(parts), 2):  # the text between the tags
        parts[i] = re.sub(r" ([:;?!»])", "\u00a0\\1", parts[i]).replace("« ", "«\u00a0")
    return "".join(parts)


TEXT["fr"] = {key: french_spacing(value) for key, value in TEXT["fr"].items()}


# -- layout ---------------------------------------------------------------------------


def _element(name: str, **attributes: str) -> Any:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    element = OxmlElement(name)
    for key, value in attributes.items():
        element.set(qn(key), value)
    return element


def field(paragraph: Any, instruction: str) -> None:
    """A field Word and LibreOffice compute when they lay the page out (PAGE, NUMPAGES)."""
    run = _element("w:r")
    text = _element("w:t")
    text.text = "1"
    run.append(text)
    simple = _element("w:fldSimple", **{"w:instr": instruction})
    simple.append(run)
    paragraph._p.append(simple)


def rows_unbroken(table: Any, *, header: bool = True) -> None:
    """No row split across pages; the first row repeated on each page (the header)."""
    for index, row in enumerate(table.rows):
        properties = row._tr.get_or_add_trPr()
        properties.append(_element("w:cantSplit"))
        if header and index == 0:
            properties.append(_element("w:tblHeader"))


def kept(paragraph: Any, *, with_next: bool = True) -> Any:
    """A paragraph kept whole, and on the same page as the next one."""
    paragraph.paragraph_format.keep_together = True
    paragraph.paragraph_format.keep_with_next = with_next
    return paragraph


def build(lang: str, out: Path, body: Callable[[Any, dict[str, str]], None]) -> None:
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
    footer = section.footer.paragraphs[0]
    footer.text = (
        "{% if illustrative_data %}" + TEXT[lang]["illustrative"] + " – {% endif %}"
        "{{ call_title_heading }} – {{ reference }} – " + TEXT[lang]["page"] + " "
    )
    field(footer, "PAGE")
    footer.add_run(" / ")
    field(footer, "NUMPAGES")
    footer.style.font.size = Pt(9)
    body(document, TEXT[lang])
    out.parent.mkdir(parents=True, exist_ok=True)
    document.save(out)


# -- the parts ----------------------------------------------------------------------------


def parties(d: Any, t: dict[str, str]) -> None:
    """The parties, as the convention names them, and the role of each in the project."""
    p = d.add_paragraph
    p(t["between"])
    p("{%p for party in parties %}")
    p(t["party"], style="List Paragraph")
    p("{%p endfor %}")
    p(t["hereafter"])
    p(t["roles"])
    p("{%p for party in parties %}")
    p(t["role"], style="List Paragraph")
    p("{%p endfor %}")


def signatures(d: Any, t: dict[str, str]) -> None:
    """Where and when, then one block per party, each a table row never split."""
    p = d.add_paragraph
    p("")
    kept(p(t["signed"]))
    table = d.add_table(rows=3, cols=1)
    table.rows[0].cells[0].text = "{%tr for party in parties %}"
    cell = table.rows[1].cells[0]
    cell.text = t["for"]
    cell.add_paragraph(blank("party.representative"))
    cell.add_paragraph("")
    cell.add_paragraph(t["signature"])
    cell.add_paragraph("")
    table.rows[2].cells[0].text = "{%tr endfor %}"
    rows_unbroken(table, header=False)


def table_of(
    d: Any,
    t: dict[str, str],
    columns: tuple[str, ...],
    loop: str,
    values: tuple[str, ...],
    widths: tuple[float, ...],
) -> None:
    """A table: a bold header row, then one row per item of ``loop``; ``widths`` in cm."""
    from docx.shared import Cm

    table = d.add_table(rows=4, cols=len(columns))
    table.style = "Table Grid"
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        for cell in column.cells:
            cell.width = Cm(width)
    for cell, key in zip(table.rows[0].cells, columns, strict=True):
        cell.text = t[key]
        cell.paragraphs[0].runs[0].bold = True
    table.rows[1].cells[0].text = "{%tr for " + loop + " %}"
    for cell, value in zip(table.rows[2].cells, values, strict=True):
        cell.text = value
    table.rows[3].cells[0].text = "{%tr endfor %}"
    rows_unbroken(table)


def budget_table(d: Any, t: dict[str, str]) -> None:
    """The planned budget by line: each line and its amount, the project's cost, each
    co-financing source, and the grant requested. The table is never split across
    pages: every row but the last is kept with the next, and no row is split."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm

    rows = (
        ("col_budget_line", "col_budget_amount", "bold"),
        ("{%tr for line in budget_lines %}", None, ""),
        ("{{ line.label }}", "{{ line.amount_figures }}", ""),
        ("{%tr endfor %}", None, ""),
        ("budget_total", "{{ budget_total_figures }}", "bold"),
        ("{%tr for source in budget_co_financing %}", None, ""),
        ("budget_source", "{{ source.amount_figures }}", ""),
        ("{%tr endfor %}", None, ""),
        ("budget_grant", "{{ budget_grant_figures }}", "bold"),
    )
    table = d.add_table(rows=len(rows), cols=2)
    table.style = "Table Grid"
    table.autofit = False
    widths = (11.0, 5.0)  # an amount on one line; a label may wrap
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Cm(width)  # the grid, which LibreOffice reads
    for row, (label, amount, style) in zip(table.rows, rows, strict=True):
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Cm(width)  # the cells, which Word reads
        row.cells[0].text = t.get(label, label)
        if amount is not None:
            row.cells[1].text = t.get(amount, amount)
            row.cells[1].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
        if style == "bold":
            for cell in row.cells:
                for run in cell.paragraphs[0].runs:
                    run.bold = True
    for index, row in enumerate(table.rows):
        row._tr.get_or_add_trPr().append(_element("w:cantSplit"))
        if index == 0:
            row._tr.get_or_add_trPr().append(_element("w:tblHeader"))
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                kept(paragraph, with_next=index < len(rows) - 1)


def compact(*paragraphs: Any) -> None:
    """Lines of an address or a signature: no space after each."""
    from docx.shared import Pt

    for paragraph in paragraphs:
        paragraph.paragraph_format.space_after = Pt(0)


def heading(d: Any, text: str) -> None:
    kept(d.add_heading(text, level=2))


def convention(document: Any, t: dict[str, str]) -> None:
    d = document
    p = d.add_paragraph
    d.add_heading(t["convention_title"], level=0)
    p(t["subtitle"])
    parties(d, t)
    p(t["having_regard"])
    p("{%p for basis in legal_bases %}")
    p(t["regard_basis"], style="List Paragraph")
    p("{%p endfor %}")
    p(t["regard_decision"], style="List Paragraph")
    p(t["agreed"])
    heading(d, t["art_object"])
    p(t["object"])
    p("{%p if summary %}")
    p(t["summary"])
    p("{%p endif %}")
    p("{%p if residents_targeted %}")
    p(t["residents"])
    p("{%p endif %}")
    heading(d, t["art_amount"])
    p(t["amount"])
    p(t["account"])
    heading(d, t["art_duration"])
    p(t["duration"])
    heading(d, t["art_payment"])
    kept(p(t["payment"]))
    table_of(
        d,
        t,
        ("col_tranche", "col_share", "col_amount", "col_condition"),
        "tranche in tranches",
        (
            "{{ tranche.number }}",
            "{{ tranche.percent_text }}",
            "{{ tranche.amount_figures }}",
            "{{ tranche.condition_text }}",
        ),
        (1.8, 1.8, 3.2, 9.2),
    )
    heading(d, t["art_use"])
    p(t["use"])
    p("{%p if budget_lines %}")
    kept(p(t["budget"]))
    budget_table(d, t)
    p("{%p if budget_award_differs %}")
    p(t["budget_request"])
    p("{%p endif %}")
    p("{%p endif %}")
    heading(d, t["art_reporting"])
    p(t["justification"])
    p(t["reporting"])
    p("{%p for deadline in deadlines %}")
    p(t["deadline"], style="List Paragraph")
    p("{%p endfor %}")
    heading(d, t["art_control"])
    p(t["control"])
    p("{%p if subsidy_rules %}")
    p(t["subsidy_rules"])
    p("{%p endif %}")
    for head, key in (
        ("art_repayment", "repayment"),
        ("art_publicity", "publicity"),
        ("art_privacy", "privacy"),
        ("art_disputes", "disputes"),
        ("art_in_force", "in_force"),
    ):
        heading(d, t[head])
        p(t[key])
    signatures(d, t)


def amendment(document: Any, t: dict[str, str]) -> None:
    d = document
    p = d.add_paragraph
    d.add_heading(t["amendment_title"], level=0)
    p(t["subtitle"])
    parties(d, t)
    p(t["amendment_recital"])
    p(t["amendment_whereas"])
    p(t["agreed"])
    for head, changed, kept_, flag in (
        ("amendment_art_amount", "amendment_amount_changed", "amendment_amount_kept", "amount"),
        ("amendment_art_duration", "amendment_end_changed", "amendment_end_kept", "end"),
    ):
        heading(d, t[head])
        p("{%p if " + flag + "_changed %}")
        p(t[changed])
        p("{%p else %}")
        p(t[kept_])
        p("{%p endif %}")
    heading(d, t["amendment_art_payment"])
    kept(p(t["amendment_payment"]))
    table_of(
        d,
        t,
        ("col_tranche", "col_condition", "col_before", "col_new", "col_status"),
        "tranche in amended_tranches",
        (
            "{{ tranche.number }}",
            "{{ tranche.condition_text or '' }}",
            "{{ tranche.previous_amount_figures }}",
            "{{ tranche.amount_figures }}",
            "{{ tranche.status_text }}",
        ),
        (1.6, 5.4, 3.0, 3.0, 3.0),
    )
    heading(d, t["amendment_art_other"])
    p(t["amendment_unchanged"])
    p(t["amendment_in_force"])
    signatures(d, t)


def letter_head(d: Any, t: dict[str, str], subject_key: str) -> None:
    """The sender, the addressee (the applicant's contact person), the date, the subject."""
    from docx.shared import Cm

    p = d.add_paragraph
    sender = p("{{ authority_name }}")
    sender.runs[0].bold = True
    compact(
        sender,
        p("{%p if contact_service %}"),
        p("{{ contact_service }}"),
        p("{%p endif %}"),
        p(blank("contact_address")),
    )
    p("")
    addressee = [
        p(t["attention"]),
        p("{{ recipient_name }}"),
        p("{%p for line in recipient_address_lines %}"),
        p("{{ line }}"),
        p("{%p endfor %}"),
        p("{%p if not recipient_address_lines %}"),
        p(UNKNOWN),
        p("{%p endif %}"),
    ]
    for paragraph in addressee:
        paragraph.paragraph_format.left_indent = Cm(9)
    compact(*addressee)
    p("")
    p(t["date_line"])
    p(t["subject"] + t[subject_key]).runs[0].bold = True
    p(t["our_reference"])
    p("")
    p(t["greeting"])


def legal_basis(d: Any, t: dict[str, str]) -> None:
    p = d.add_paragraph
    p(t["legal_basis"])
    p("{%p for basis in legal_bases %}")
    p(t["basis"], style="List Paragraph")
    p("{%p endfor %}")


def reasons(d: Any, t: dict[str, str]) -> None:
    """The reasons of a decision that funds nothing, one paragraph each, and the
    project's scores per criterion."""
    p = d.add_paragraph
    p(t["reasons"])
    p("{%p for reason in reasons %}")
    p("– {{ reason }}", style="List Paragraph")
    p("{%p endfor %}")
    p("{%p if criteria_scores %}")
    p(t["criteria"])
    p("{%p for criterion in criteria_scores %}")
    p(t["criterion"], style="List Paragraph")
    p("{%p endfor %}")
    p("{%p endif %}")


def notices_and_closing(d: Any, t: dict[str, str]) -> None:
    """What every decision letter carries: the appeal route, the ombudsman, a contact
    person; then the closing, the signatory (kept together) and the copy."""
    p = d.add_paragraph
    p(t["appeal"])
    p(t["ombudsman"])
    p(t["contact"])
    kept(p(t["closing"]))
    kept(p(t["on_behalf"]))
    kept(p(""))
    signed = kept(p(blank("signatory")))
    compact(signed, kept(p(blank("signatory_function")), with_next=False))
    p("")
    p("{%p if copy_name %}")
    p(t["copy"])
    p("{%p endif %}")


def letter_award(document: Any, t: dict[str, str]) -> None:
    p = document.add_paragraph
    letter_head(document, t, "letter_award_subject")
    p(t["award_body"])
    p("{%p if partial %}")
    p(t["award_partial"])
    p("{%p endif %}")
    p(t["award_next"])
    legal_basis(document, t)
    notices_and_closing(document, t)


def letter_refusal(document: Any, t: dict[str, str]) -> None:
    p = document.add_paragraph
    letter_head(document, t, "letter_refusal_subject")
    p(t["decision_taken"])
    p(t["refusal_body"])
    reasons(document, t)
    legal_basis(document, t)
    notices_and_closing(document, t)


def letter_reserve(document: Any, t: dict[str, str]) -> None:
    p = document.add_paragraph
    letter_head(document, t, "letter_reserve_subject")
    p(t["decision_taken"])
    p(t["reserve_body"])
    reasons(document, t)
    p("{%p if reserve_valid_until %}")
    p(t["reserve_until"])
    p("{%p else %}")
    p(t["reserve_open"])
    p("{%p endif %}")
    p(t["reserve_told"])
    legal_basis(document, t)
    notices_and_closing(document, t)


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
            "pouvez ensuite introduire gratuitement une réclamation auprès du médiateur "
            "compétent, " + blank("ombudsman_name") + ", " + reach("ombudsman", "tél.") + "."
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
            "Daarna kunt u kosteloos een klacht indienen bij de bevoegde ombudsdienst, "
            + blank("ombudsman_name")
            + ", "
            + reach("ombudsman", "tel.")
            + "."
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
    p(t["appeal"])
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
