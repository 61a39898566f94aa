"""The decision and reason codes: stable values that letters and reports key on."""

from __future__ import annotations

from enum import StrEnum

__all__ = ["Decision", "ReasonCode"]


class Decision(StrEnum):
    FUNDED_FULL = "funded_full"
    FUNDED_PARTIAL = "funded_partial"
    NOT_FUNDED = "not_funded"
    INELIGIBLE = "ineligible"


class ReasonCode(StrEnum):
    """Why a line got its decision."""

    FUNDED = "funded"
    PARTIAL_REMAINDER = "partial_remainder"
    DOES_NOT_FIT = "does_not_fit"
    BELOW_LINE = "below_line"
    BELOW_THRESHOLD = "below_threshold"
    ORG_CAP = "org_cap"
    THEME_CAP = "theme_cap"
    THEME_GUARANTEE = "theme_guarantee"
    NOT_IN_OPTIMUM = "not_in_optimum"
    INELIGIBLE = "ineligible"
    #: The applicant renounced: the award is what was paid (zero if nothing was).
    WITHDRAWN = "withdrawn"
    #: Funded, in full or in part, from the reserve with money a withdrawal released.
    RESERVE_FUNDED = "reserve_funded"
    RESERVE_PARTIAL = "reserve_partial"
