"""The decision and reason codes: stable values that letters and reports key on.

The codes are stored and exported as they are; the officer reads them through
:func:`decision_label` and :func:`reason_label`, in the language spoken.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from slrbcall.i18n import N_, _

__all__ = ["Decision", "ReasonCode", "decision_label", "reason_label", "tie_break_words"]


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


#: The decisions as the officer reads them. English keeps the codes themselves, which
#: the officers and the scripts already know.
_DECISION_LABELS = {
    Decision.FUNDED_FULL: N_("funded_full"),
    Decision.FUNDED_PARTIAL: N_("funded_partial"),
    Decision.NOT_FUNDED: N_("not_funded"),
    Decision.INELIGIBLE: N_("ineligible"),
}

_REASON_LABELS = {
    ReasonCode.FUNDED: N_("funded"),
    ReasonCode.PARTIAL_REMAINDER: N_("partial_remainder"),
    ReasonCode.DOES_NOT_FIT: N_("does_not_fit"),
    ReasonCode.BELOW_LINE: N_("below_line"),
    ReasonCode.BELOW_THRESHOLD: N_("below_threshold"),
    ReasonCode.ORG_CAP: N_("org_cap"),
    ReasonCode.THEME_CAP: N_("theme_cap"),
    ReasonCode.THEME_GUARANTEE: N_("theme_guarantee"),
    ReasonCode.NOT_IN_OPTIMUM: N_("not_in_optimum"),
    ReasonCode.INELIGIBLE: N_("ineligible"),
    ReasonCode.WITHDRAWN: N_("withdrawn"),
    ReasonCode.RESERVE_FUNDED: N_("reserve_funded"),
    ReasonCode.RESERVE_PARTIAL: N_("reserve_partial"),
}


def decision_label(code: str) -> str:
    """A decision code as the officer reads it (an unknown code as it is)."""
    try:
        return _(_DECISION_LABELS[Decision(code)])
    except ValueError:
        return code


def reason_label(code: str) -> str:
    """A reason code as the officer reads it (an unknown code as it is)."""
    try:
        return _(_REASON_LABELS[ReasonCode(code)])
    except ValueError:
        return code


#: The tie-break keys of a call that need no argument, in words.
_TIE_BREAK_WORDS = {
    "id": N_("reference order"),
    "request-asc": N_("the smaller request"),
    "request-desc": N_("the larger request"),
}


def tie_break_words(key: str, gettext: Callable[[str], str] = _) -> str:
    """A tie-break key in words: 'reference order', 'the smaller request', 'the higher
    mark on 'impact'', 'the lottery with seed 7'; through ``gettext`` (the officer's
    language by default, or the stored record's English)."""
    fixed = _TIE_BREAK_WORDS.get(key)
    if fixed is not None:
        return gettext(fixed)
    if key.startswith("criterion:"):
        return gettext("the higher mark on '{criterion}'").format(
            criterion=key.removeprefix("criterion:")
        )
    return gettext("the lottery with seed {seed}").format(seed=key.removeprefix("lottery:"))
