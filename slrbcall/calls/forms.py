"""The forms of the texts a call file holds, and the fields an application can carry.

The schema (:mod:`.spec`, pydantic) refuses a value of another form, and
:mod:`.check` words what to write instead; they live here, apart from both, so that
the rules of :mod:`.check` that the follow-up uses load without pydantic.
"""

from __future__ import annotations

__all__ = [
    "APPLICATION_FIELDS",
    "KEY_PATTERN",
    "MONTH_PATTERN",
    "NIS_CODE_PATTERN",
    "PERCENT_PATTERN",
    "POSTAL_CODE_PATTERN",
    "TEMPLATE_NAME_PATTERN",
]

KEY_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"
MONTH_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"
PERCENT_PATTERN = r"^\d+(\.\d+)?\s*%$"
TEMPLATE_NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*\.docx$"
POSTAL_CODE_PATTERN = r"^[1-9]\d{3}$"
NIS_CODE_PATTERN = r"^\d{5}$"

#: The fields an application can carry; a call says which of them are required.
APPLICATION_FIELDS = (
    "reference",
    "applicant",
    "partner",
    "partner_enterprise_number",
    "title",
    "theme",
    "requested_amount",
    "duration_months",
    "start_date",
    "language",
    "residents_targeted",
    "contact_name",
    "contact_email",
    "summary",
    "partner_address",
    "partner_iban",
    "partner_representative",
    "received_date",
    "second_housing_company",
    "commune",
)
