"""The words of the workspace and the calls as the command line shows them.

A status (``eligible``), a kind of organisation (``housing_company``) or a tranche's
condition (``interim_report``) is a stable value: stored, typed in options (``--status
ineligible``), written to JSON and to the call files as it is. A table shows its label
in the officer's language; the English label is the value itself, as the tool always
showed it. The codes of an allocation and the flags of the ranking have theirs beside
them (:func:`slrbcall.allocation.codes.decision_label`,
:func:`slrbcall.committee.scoring.flag_label`), and so do the workspace's tables
(:data:`slrbcall.records.RECORDS`, which the store's own messages name) and an
officer's roles (:func:`slrbcall.calls.team.role_label`).
"""

from __future__ import annotations

from collections.abc import Mapping

from slrbcall.i18n import N_, _
from slrbcall.records import RECORDS

__all__ = [
    "AGGREGATIONS",
    "ANCHORS",
    "APPLICATION_STATUSES",
    "AUDIT_ACTIONS",
    "AUDIT_ENTITIES",
    "CONDITIONS",
    "DURATION_RULES",
    "FILE_STATES",
    "ORGANISATION_KINDS",
    "PARTIALS",
    "RECORDS",
    "label",
]

#: Where an application stands after intake (:class:`slrbcall.model.ApplicationStatus`).
APPLICATION_STATUSES = {"eligible": N_("eligible"), "ineligible": N_("ineligible")}

#: A call definition held by the workspace, against its file now.
FILE_STATES = {
    "same": N_("unchanged"),
    "changed": N_("edited since it was recorded"),
    "missing": N_("missing"),
}

#: The kinds of organisation and of signatory (:class:`slrbcall.model.OrgKind`).
ORGANISATION_KINDS = {
    "authority": N_("authority"),
    "housing_company": N_("housing_company"),
    "non_profit": N_("non_profit"),
    "commune": N_("commune"),
    "partner": N_("partner"),
}

#: What a tranche waits for (:class:`slrbcall.model.TrancheCondition`).
CONDITIONS = {
    "signature": N_("signature"),
    "interim_report": N_("interim_report"),
    "yearly_report": N_("yearly_report"),
    "final_report": N_("final_report"),
}

#: How the reviewers' scores are combined (:class:`slrbcall.model.Aggregation`).
AGGREGATIONS = {"mean": N_("mean"), "median": N_("median")}

#: What a project's deadline is counted from (:class:`slrbcall.model.Anchor`).
ANCHORS = {"start": N_("start"), "end": N_("end")}

#: Whether a project must last the call's duration (:class:`slrbcall.model.DurationRule`).
#: Whether the call grants the remainder of the budget as a partial grant.
PARTIALS = {"off": N_("no partial grant"), "remainder": N_("a partial grant of the remainder")}

DURATION_RULES = {"equal": N_("must last"), "free": N_("last at most")}

#: What an audit row did (its ``action``), as ``slrbcall audit show`` tells it.
AUDIT_ACTIONS = {
    "insert": N_("insert"),
    "update": N_("update"),
    "delete": N_("delete"),
    "event": N_("event"),
}

#: What an audit row is about (its ``entity``): the workspace's records, and what the
#: audit alone records (a document issued, a notification, the team).
AUDIT_ENTITIES = {
    **RECORDS,
    "call": N_("call"),
    "milestone": N_("milestone"),
    "document": N_("document"),
    "notification": N_("notification"),
    "notification_draft": N_("notification_draft"),
}


def label(labels: Mapping[str, str], value: object) -> str:
    """``value`` as the officer reads it, by ``labels``; a value they do not name (a
    condition such as ``yearly_report:2``, a newer status) as it is."""
    shown = str(value)
    found = labels.get(shown)
    if found is not None:
        return _(found)
    base, sep, rest = shown.partition(":")  # yearly_report:2
    found = labels.get(base) if sep else None
    return shown if found is None else f"{_(found)}:{rest}"
