"""The workspace's schema: the numbered migrations, as SQL text, and the columns of an
application row.

SQL text, but for one step in Python (chaining the audit rows recorded before chains
existed, :func:`slrbcall.store.chain.rechain`): :mod:`slrbcall.store` runs the
migrations (each in its own transaction, ``PRAGMA user_version`` counting how many
have run) and re-exports both names.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slrbcall.store.chain import rechain

__all__ = [
    "ADOPTION_MIGRATION",
    "APPLICATION_COLUMNS",
    "APPLICATION_FIELDS",
    "APPLICATION_PARTIES_MIGRATION",
    "AUDIT_ACTOR_MIGRATION",
    "AUDIT_CHAIN_MIGRATION",
    "BUDGET_MIGRATION",
    "CORRECTIONS_AMENDMENTS_MIGRATION",
    "FOLLOWUP_MIGRATION",
    "FOUR_EYES_MIGRATION",
    "MIGRATIONS",
    "RESERVE_MIGRATION",
    "SETTLEMENT_MIGRATION",
    "Step",
]

#: A step of a migration: a statement, or a function of the connection.
Step = str | Callable[[Any], None]

#: Each migration is a tuple of statements, run in one transaction. Never edit a
#: migration that has shipped: add a new one.
#: 4: follow-up of the funded projects: milestones, payments, monitoring reports.
FOLLOWUP_MIGRATION: tuple[str, ...] = (
    """
    CREATE TABLE followup_milestone (
        call_id TEXT NOT NULL,
        reference TEXT NOT NULL,
        key TEXT NOT NULL CHECK (
            length(key) BETWEEN 1 AND 64 AND key GLOB '[a-z]*' AND key NOT GLOB '*[^a-z0-9_:]*'
        ),
        on_date TEXT NOT NULL CHECK (date(on_date) IS on_date),
        note TEXT,
        recorded_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (call_id, reference, key),
        FOREIGN KEY (call_id, reference) REFERENCES application (call_id, reference)
    ) STRICT
    """,
    """
    CREATE TABLE payment (
        call_id TEXT NOT NULL,
        reference TEXT NOT NULL,
        tranche INTEGER NOT NULL CHECK (tranche >= 1),
        paid_on TEXT NOT NULL CHECK (date(paid_on) IS paid_on),
        amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
        forced INTEGER NOT NULL CHECK (forced IN (0, 1)),
        reason TEXT,
        note TEXT,
        source TEXT NOT NULL,
        recorded_at TEXT NOT NULL,
        PRIMARY KEY (call_id, reference, tranche),
        FOREIGN KEY (call_id, reference) REFERENCES application (call_id, reference),
        CHECK (forced = 0 OR length(trim(coalesce(reason, ''))) > 0)
    ) STRICT
    """,
    # The award is the amount of the project in the adopted run: the call's last one.
    """
    CREATE TRIGGER payment_within_award BEFORE INSERT ON payment
    WHEN NEW.amount_cents + (
            SELECT coalesce(sum(amount_cents), 0) FROM payment
            WHERE call_id = NEW.call_id AND reference = NEW.reference
        ) > coalesce((
            SELECT d.amount_cents FROM allocation_decision d
            WHERE d.reference = NEW.reference AND d.run_id = (
                SELECT max(id) FROM allocation_run WHERE call_id = NEW.call_id
            )
        ), 0)
    BEGIN SELECT RAISE(ABORT, 'the payments of a project may never exceed its award'); END
    """,
    """
    CREATE TRIGGER payment_no_update BEFORE UPDATE ON payment
    BEGIN SELECT RAISE(ABORT, 'payments are kept as they were recorded'); END
    """,
    """
    CREATE TRIGGER payment_no_delete BEFORE DELETE ON payment
    BEGIN SELECT RAISE(ABORT, 'payments are kept as they were recorded'); END
    """,
    """
    CREATE TABLE monitoring_report (
        id INTEGER PRIMARY KEY,
        call_id TEXT NOT NULL,
        reference TEXT NOT NULL,
        report_date TEXT NOT NULL CHECK (date(report_date) IS report_date),
        residents_involved INTEGER CHECK (residents_involved >= 0),
        residents_trained INTEGER CHECK (residents_trained >= 0),
        activities INTEGER CHECK (activities >= 0),
        participants INTEGER CHECK (participants >= 0),
        deliverables TEXT,
        deliverable_kinds_json TEXT NOT NULL CHECK (json_valid(deliverable_kinds_json)),
        remarks TEXT,
        source_file TEXT NOT NULL,
        source_place TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        UNIQUE (call_id, reference, report_date),
        FOREIGN KEY (call_id, reference) REFERENCES application (call_id, reference)
    ) STRICT
    """,
)

#: 6: the audit table as migration 1 made it, but for its check of ``action``.
_AUDIT_TABLE = """
    CREATE TABLE {name} (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        command TEXT NOT NULL,
        action TEXT NOT NULL CHECK (
            action = 'insert' OR action = 'update' OR action = 'delete' OR action = 'event'
        ),
        entity TEXT NOT NULL,
        entity_key TEXT,
        before_json TEXT,
        after_json TEXT,
        input_file TEXT,
        input_sha256 TEXT CHECK (input_sha256 IS NULL OR length(input_sha256) = 64),
        tool_version TEXT NOT NULL{more}
    ) STRICT
    """
_AUDIT_TRIGGERS = (
    """
    CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
    BEGIN SELECT RAISE(ABORT, 'audit rows are append-only'); END
    """,
    """
    CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
    BEGIN SELECT RAISE(ABORT, 'audit rows are append-only'); END
    """,
)

#: 7: a decision is adopted by a recorded act, not by being the last run made.
ADOPTION_MIGRATION: tuple[str, ...] = (
    """
    CREATE TABLE allocation_adoption (
        id INTEGER PRIMARY KEY,
        call_id TEXT NOT NULL REFERENCES workspace_call (call_id),
        run_id INTEGER NOT NULL REFERENCES allocation_run (id),
        at TEXT NOT NULL,
        reason TEXT,
        superseded_run_id INTEGER REFERENCES allocation_run (id),
        CHECK (superseded_run_id IS NULL OR length(trim(coalesce(reason, ''))) > 0)
    ) STRICT
    """,
    """
    CREATE TRIGGER allocation_adoption_no_update BEFORE UPDATE ON allocation_adoption
    BEGIN SELECT RAISE(ABORT, 'adoptions are kept as they were recorded'); END
    """,
    """
    CREATE TRIGGER allocation_adoption_no_delete BEFORE DELETE ON allocation_adoption
    BEGIN SELECT RAISE(ABORT, 'adoptions are kept as they were recorded'); END
    """,
    """
    CREATE TRIGGER allocation_adoption_own_call BEFORE INSERT ON allocation_adoption
    WHEN NEW.call_id IS NOT (SELECT call_id FROM allocation_run WHERE id = NEW.run_id)
    BEGIN SELECT RAISE(ABORT, 'a call adopts only a run of its own'); END
    """,
    """
    CREATE TRIGGER allocation_run_kept BEFORE DELETE ON allocation_run
    BEGIN SELECT RAISE(ABORT, 'allocation runs are kept as they were made'); END
    """,
    """
    CREATE TRIGGER allocation_decision_frozen BEFORE UPDATE ON allocation_decision
    BEGIN SELECT RAISE(ABORT, 'allocation decisions are kept as they were made'); END
    """,
    """
    CREATE TRIGGER allocation_decision_kept BEFORE DELETE ON allocation_decision
    BEGIN SELECT RAISE(ABORT, 'allocation decisions are kept as they were made'); END
    """,
    # The adopted run of each call: the run of its latest adoption.
    """
    CREATE VIEW adopted_run AS
    SELECT a.call_id, a.run_id FROM allocation_adoption a
    WHERE a.id = (SELECT max(b.id) FROM allocation_adoption b WHERE b.call_id = a.call_id)
    """,
    # Until now the last run of a call was its decision: record that it was adopted.
    """
    INSERT INTO allocation_adoption (call_id, run_id, at, reason)
    SELECT r.call_id, r.id, r.at, 'the last run before adoptions were recorded'
    FROM allocation_run r
    WHERE r.id = (SELECT max(id) FROM allocation_run s WHERE s.call_id = r.call_id)
    ORDER BY r.id
    """,
    # A project's payments never pass its award in the adopted run.
    "DROP TRIGGER payment_within_award",
    """
    CREATE TRIGGER payment_within_award BEFORE INSERT ON payment
    WHEN NEW.amount_cents + (
            SELECT coalesce(sum(amount_cents), 0) FROM payment
            WHERE call_id = NEW.call_id AND reference = NEW.reference
        ) > coalesce((
            SELECT d.amount_cents FROM allocation_decision d JOIN adopted_run a
                ON a.run_id = d.run_id
            WHERE a.call_id = NEW.call_id AND d.reference = NEW.reference
        ), 0)
    BEGIN SELECT RAISE(ABORT, 'the payments of a project may never exceed its award'); END
    """,
)

#: 8: who wrote each audit row, and why. Rows written before it name no one (NULL):
#: the tool did not ask. ``reason`` is the officer's own words where a command asks for
#: them (a correction, a withdrawal, a superseding adoption).
AUDIT_ACTOR_MIGRATION: tuple[str, ...] = (
    "ALTER TABLE audit ADD COLUMN actor TEXT"
    " CHECK (actor IS NULL OR length(actor) BETWEEN 1 AND 200)",
    "ALTER TABLE audit ADD COLUMN reason TEXT",
)


def _kept(table: str, what: str) -> tuple[str, str]:
    """The triggers that keep the rows of ``table`` as they were recorded."""
    refusal = f"BEGIN SELECT RAISE(ABORT, '{what} are kept as they were recorded'); END"
    return (
        f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} {refusal}",
        f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} {refusal}",
    )


#: What the project of the row being inserted was paid, and the most it may be paid.
_PAID = """coalesce((
            SELECT paid_cents FROM project_paid
            WHERE call_id = NEW.call_id AND reference = NEW.reference
        ), 0)"""
_CEILING = """coalesce((
            SELECT amount_cents FROM award_ceiling
            WHERE call_id = NEW.call_id AND reference = NEW.reference
        ), 0)"""
_ABOVE_AWARD = (
    "BEGIN SELECT RAISE(ABORT, 'the payments of a project may never exceed its award'); END"
)

#: 9: decided money changes only by new entries. A payment or a milestone recorded by
#: mistake is corrected by a correction (the entry it corrects stays as it was); an
#: award changes by an amendment to the convention. What is in force is a view: the
#: last correction of each entry (``effective_payment``, ``effective_milestone``) and
#: the award of the adopted run, amended (``award_ceiling``), which every payment,
#: correction, amendment and adoption is held to.
CORRECTIONS_AMENDMENTS_MIGRATION: tuple[str, ...] = (
    """
    CREATE TABLE payment_correction (
        id INTEGER PRIMARY KEY,
        call_id TEXT NOT NULL,
        reference TEXT NOT NULL,
        tranche INTEGER NOT NULL,
        number INTEGER NOT NULL CHECK (number >= 1),
        paid_on TEXT NOT NULL CHECK (date(paid_on) IS paid_on),
        amount_cents INTEGER NOT NULL CHECK (amount_cents >= 0),
        difference_cents INTEGER NOT NULL,
        reason TEXT NOT NULL CHECK (length(trim(reason)) > 0),
        note TEXT,
        recorded_at TEXT NOT NULL,
        UNIQUE (call_id, reference, tranche, number),
        FOREIGN KEY (call_id, reference, tranche) REFERENCES payment (call_id, reference, tranche)
    ) STRICT
    """,
    # Each payment as it stands: its last correction, else as recorded. A payment
    # corrected to zero (reversed) stays here, with 0 cents.
    """
    CREATE VIEW effective_payment AS
    SELECT p.call_id, p.reference, p.tranche,
        coalesce(c.paid_on, p.paid_on) AS paid_on,
        coalesce(c.amount_cents, p.amount_cents) AS amount_cents,
        coalesce(c.number, 0) AS corrections
    FROM payment p LEFT JOIN payment_correction c
        ON c.call_id = p.call_id AND c.reference = p.reference AND c.tranche = p.tranche
        AND c.number = (
            SELECT max(d.number) FROM payment_correction d
            WHERE d.call_id = p.call_id AND d.reference = p.reference AND d.tranche = p.tranche
        )
    """,
    """
    CREATE VIEW project_paid AS
    SELECT call_id, reference, sum(amount_cents) AS paid_cents FROM effective_payment
    GROUP BY call_id, reference
    """,
    """
    CREATE TABLE milestone_correction (
        id INTEGER PRIMARY KEY,
        call_id TEXT NOT NULL,
        reference TEXT NOT NULL,
        key TEXT NOT NULL,
        number INTEGER NOT NULL CHECK (number >= 1),
        on_date TEXT NOT NULL CHECK (date(on_date) IS on_date),
        previous_date TEXT NOT NULL CHECK (date(previous_date) IS previous_date),
        note TEXT,
        reason TEXT NOT NULL CHECK (length(trim(reason)) > 0),
        recorded_at TEXT NOT NULL,
        UNIQUE (call_id, reference, key, number),
        FOREIGN KEY (call_id, reference, key)
            REFERENCES followup_milestone (call_id, reference, key)
    ) STRICT
    """,
    # A correction without a note keeps the note in force.
    """
    CREATE VIEW effective_milestone AS
    SELECT m.call_id, m.reference, m.key,
        coalesce(c.on_date, m.on_date) AS on_date,
        coalesce((
            SELECT n.note FROM milestone_correction n
            WHERE n.call_id = m.call_id AND n.reference = m.reference AND n.key = m.key
                AND n.note IS NOT NULL
            ORDER BY n.number DESC LIMIT 1
        ), m.note) AS note,
        coalesce(c.number, 0) AS corrections
    FROM followup_milestone m LEFT JOIN milestone_correction c
        ON c.call_id = m.call_id AND c.reference = m.reference AND c.key = m.key
        AND c.number = (
            SELECT max(d.number) FROM milestone_correction d
            WHERE d.call_id = m.call_id AND d.reference = m.reference AND d.key = m.key
        )
    """,
    """
    CREATE TABLE amendment (
        id INTEGER PRIMARY KEY,
        call_id TEXT NOT NULL,
        reference TEXT NOT NULL,
        number INTEGER NOT NULL CHECK (number >= 1),
        adoption_id INTEGER NOT NULL REFERENCES allocation_adoption (id),
        on_date TEXT NOT NULL CHECK (date(on_date) IS on_date),
        amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
        previous_amount_cents INTEGER NOT NULL CHECK (previous_amount_cents > 0),
        end_date TEXT CHECK (end_date IS NULL OR date(end_date) IS end_date),
        previous_end_date TEXT
            CHECK (previous_end_date IS NULL OR date(previous_end_date) IS previous_end_date),
        tranches_json TEXT NOT NULL
            CHECK (json_valid(tranches_json) AND json_type(tranches_json) = 'array'),
        shares_json TEXT CHECK (shares_json IS NULL OR json_valid(shares_json)),
        paid_cents INTEGER NOT NULL CHECK (paid_cents >= 0 AND paid_cents <= amount_cents),
        paid_tranches_json TEXT NOT NULL
            CHECK (json_valid(paid_tranches_json) AND json_type(paid_tranches_json) = 'array'),
        reason TEXT NOT NULL CHECK (length(trim(reason)) > 0),
        recorded_at TEXT NOT NULL,
        UNIQUE (call_id, reference, number),
        FOREIGN KEY (call_id, reference) REFERENCES application (call_id, reference)
    ) STRICT
    """,
    # The most a project may be paid: its award in the adopted run, or the amount of
    # its latest amendment recorded against that adoption. A later adoption starts
    # from its own run's awards.
    """
    CREATE VIEW award_ceiling AS
    SELECT a.call_id, d.reference, coalesce((
            SELECT m.amount_cents FROM amendment m
            WHERE m.adoption_id = a.id AND m.reference = d.reference
            ORDER BY m.number DESC LIMIT 1
        ), d.amount_cents) AS amount_cents
    FROM allocation_adoption a JOIN allocation_decision d ON d.run_id = a.run_id
    WHERE a.id = (SELECT max(b.id) FROM allocation_adoption b WHERE b.call_id = a.call_id)
    """,
    "DROP TRIGGER payment_within_award",
    f"""
    CREATE TRIGGER payment_within_award BEFORE INSERT ON payment
    WHEN NEW.amount_cents + {_PAID} > {_CEILING}
    {_ABOVE_AWARD}
    """,
    """
    CREATE TRIGGER payment_correction_in_order BEFORE INSERT ON payment_correction
    WHEN NEW.number IS NOT 1 + (
            SELECT count(*) FROM payment_correction
            WHERE call_id = NEW.call_id AND reference = NEW.reference
                AND tranche = NEW.tranche
        )
        OR NEW.difference_cents IS NOT NEW.amount_cents - (
            SELECT amount_cents FROM effective_payment
            WHERE call_id = NEW.call_id AND reference = NEW.reference
                AND tranche = NEW.tranche
        )
    BEGIN SELECT RAISE(ABORT,
        'a correction follows the entry it corrects, by the difference between them');
    END
    """,
    f"""
    CREATE TRIGGER payment_correction_within_award BEFORE INSERT ON payment_correction
    WHEN NEW.difference_cents + {_PAID} > {_CEILING}
    {_ABOVE_AWARD}
    """,
    *_kept("payment_correction", "corrections"),
    """
    CREATE TRIGGER milestone_correction_in_order BEFORE INSERT ON milestone_correction
    WHEN NEW.number IS NOT 1 + (
            SELECT count(*) FROM milestone_correction
            WHERE call_id = NEW.call_id AND reference = NEW.reference AND key = NEW.key
        )
        OR NEW.previous_date IS NOT (
            SELECT on_date FROM effective_milestone
            WHERE call_id = NEW.call_id AND reference = NEW.reference AND key = NEW.key
        )
    BEGIN SELECT RAISE(ABORT, 'a correction follows the date it corrects'); END
    """,
    *_kept("milestone_correction", "corrections"),
    # A recorded milestone changes only by a correction.
    *_kept("followup_milestone", "milestones"),
    f"""
    CREATE TRIGGER amendment_in_order BEFORE INSERT ON amendment
    WHEN NEW.number IS NOT 1 + (
            SELECT count(*) FROM amendment
            WHERE call_id = NEW.call_id AND reference = NEW.reference
        )
        OR NEW.adoption_id IS NOT (
            SELECT max(id) FROM allocation_adoption WHERE call_id = NEW.call_id
        )
        OR NEW.previous_amount_cents IS NOT {_CEILING}
    BEGIN SELECT RAISE(ABORT,
        'an amendment follows the award in force of a project of the adopted decision');
    END
    """,
    """
    CREATE TRIGGER amendment_tranches_add_up BEFORE INSERT ON amendment
    WHEN (SELECT sum(value) FROM json_each(NEW.tranches_json)) IS NOT NEW.amount_cents
        OR EXISTS (
            SELECT 1 FROM json_each(NEW.tranches_json) WHERE type <> 'integer' OR value < 0
        )
    BEGIN SELECT RAISE(ABORT, 'the tranches of an amendment add up to its amount'); END
    """,
    f"""
    CREATE TRIGGER amendment_not_below_paid BEFORE INSERT ON amendment
    WHEN NEW.amount_cents < {_PAID} OR NEW.paid_cents IS NOT {_PAID}
    BEGIN SELECT RAISE(ABORT, 'an amendment never brings an award below what was paid'); END
    """,
    *_kept("amendment", "amendments"),
    # Whatever run is adopted next, no project is left with less than it was paid.
    """
    CREATE TRIGGER allocation_adoption_within_paid BEFORE INSERT ON allocation_adoption
    WHEN EXISTS (
        SELECT 1 FROM project_paid p
        WHERE p.call_id = NEW.call_id AND p.paid_cents > coalesce((
            SELECT d.amount_cents FROM allocation_decision d
            WHERE d.run_id = NEW.run_id AND d.reference = p.reference
        ), 0)
    )
    BEGIN SELECT RAISE(ABORT,
        'an adopted decision never awards a project less than was paid to it');
    END
    """,
)

#: 10: withdrawals and the reserve list.
#:
#: ``withdrawal``: an applicant's renunciation of one application, recorded once with
#: its date and the officer's reason; never changed or deleted. ``allocation_reserve``:
#: the order, frozen when a decision is adopted, of its eligible, unfunded applications
#: (those below the minimum score and the withdrawn ones left out); the reserve list of
#: a call that declares one. A withdrawn project is paid nothing dated after its
#: withdrawal (a trigger of its own, beside the ceiling of ``payment_within_award``).
RESERVE_MIGRATION: tuple[str, ...] = (
    """
    CREATE TABLE withdrawal (
        id INTEGER PRIMARY KEY,
        call_id TEXT NOT NULL,
        reference TEXT NOT NULL,
        on_date TEXT NOT NULL CHECK (date(on_date) IS on_date),
        reason TEXT NOT NULL CHECK (length(trim(reason)) > 0),
        recorded_at TEXT NOT NULL,
        UNIQUE (call_id, reference),
        FOREIGN KEY (call_id, reference) REFERENCES application (call_id, reference)
    ) STRICT
    """,
    """
    CREATE TRIGGER withdrawal_no_update BEFORE UPDATE ON withdrawal
    BEGIN SELECT RAISE(ABORT, 'withdrawals are kept as they were recorded'); END
    """,
    """
    CREATE TRIGGER withdrawal_no_delete BEFORE DELETE ON withdrawal
    BEGIN SELECT RAISE(ABORT, 'withdrawals are kept as they were recorded'); END
    """,
    """
    CREATE TRIGGER payment_not_after_withdrawal BEFORE INSERT ON payment
    WHEN EXISTS (
        SELECT 1 FROM withdrawal w
        WHERE w.call_id = NEW.call_id AND w.reference = NEW.reference
            AND NEW.paid_on > w.on_date
    )
    BEGIN SELECT RAISE(ABORT, 'a withdrawn project is paid nothing after its withdrawal'); END
    """,
    """
    CREATE TABLE allocation_reserve (
        adoption_id INTEGER NOT NULL REFERENCES allocation_adoption (id),
        position INTEGER NOT NULL CHECK (position >= 1),
        reference TEXT NOT NULL,
        rank INTEGER NOT NULL CHECK (rank >= 1),
        PRIMARY KEY (adoption_id, position),
        UNIQUE (adoption_id, reference)
    ) STRICT
    """,
    """
    CREATE TRIGGER allocation_reserve_no_update BEFORE UPDATE ON allocation_reserve
    BEGIN SELECT RAISE(ABORT, 'a reserve list is kept as it was adopted'); END
    """,
    """
    CREATE TRIGGER allocation_reserve_no_delete BEFORE DELETE ON allocation_reserve
    BEGIN SELECT RAISE(ABORT, 'a reserve list is kept as it was adopted'); END
    """,
    # The adoptions made before: their reserve is their run's unfunded, eligible lines
    # above the minimum score, in rank order (the run's lines are frozen already).
    """
    INSERT INTO allocation_reserve (adoption_id, position, reference, rank)
    SELECT a.id, row_number() OVER (PARTITION BY a.id ORDER BY d.rank, d.reference),
        d.reference, d.rank
    FROM allocation_adoption a JOIN allocation_decision d ON d.run_id = a.run_id
    WHERE d.decision = 'not_funded' AND d.rank IS NOT NULL AND d.reason <> 'below_threshold'
    ORDER BY a.id, d.rank
    """,
)


#: 11: what a convention prints about the partner (its address, IBAN and who signs for
#: it, as the application gives them), the day the application was received, and the
#: other parties of a multi-party call: a second housing company and a commune
#: (registry keys). Added columns, NULL for the applications taken in before.
APPLICATION_PARTIES_MIGRATION: tuple[str, ...] = (
    "ALTER TABLE application ADD COLUMN partner_address TEXT",
    "ALTER TABLE application ADD COLUMN partner_iban TEXT",
    "ALTER TABLE application ADD COLUMN partner_representative TEXT",
    "ALTER TABLE application ADD COLUMN received_date TEXT"
    " CHECK (received_date IS NULL OR date(received_date) IS received_date)",
    "ALTER TABLE application ADD COLUMN second_housing_company TEXT",
    "ALTER TABLE application ADD COLUMN commune TEXT",
)

#: 12: the last mile: the expenses a project justifies, the officer's review of each,
#: the settlement and the recoveries.
#:
#: ``expense``: one row per version of an invoice claimed (an invoice is its supplier and
#: number, folded: ``supplier_key``, ``invoice_key``), numbered 1, 2, ... and always of one
#: project; the last version is in force (view ``expense_in_force``). ``expense_review``:
#: the officer's decision on a version, numbered per invoice; the last review of the
#: version in force is in force (view ``review_in_force``). ``settlement``: one per project,
#: as computed from them: what was claimed, admitted (capped by line and by the award),
#: paid, and the signed balance; a negative balance is a recovery, due on a date
#: (``figures_json``: the figures by budget line, the tranches planned before it, and
#: the tranche that carries the last payment).
#: ``recovery``: what came back, numbered per project. None of them is ever updated or
#: deleted; once a project is settled, it takes no expense, review or amendment, and its
#: payments stay within what the settlement admits (or what was paid, when that is more).
SETTLEMENT_MIGRATION: tuple[str, ...] = (
    """
    CREATE TABLE expense (
        id INTEGER PRIMARY KEY,
        call_id TEXT NOT NULL,
        reference TEXT NOT NULL,
        supplier_key TEXT NOT NULL CHECK (length(supplier_key) BETWEEN 1 AND 400),
        invoice_key TEXT NOT NULL CHECK (length(invoice_key) BETWEEN 1 AND 200),
        version INTEGER NOT NULL CHECK (version >= 1),
        budget_line TEXT NOT NULL CHECK (length(budget_line) BETWEEN 1 AND 64),
        supplier TEXT NOT NULL CHECK (length(supplier) >= 1),
        invoice_number TEXT NOT NULL CHECK (length(invoice_number) >= 1),
        invoice_date TEXT NOT NULL CHECK (date(invoice_date) IS invoice_date),
        paid_on TEXT NOT NULL CHECK (date(paid_on) IS paid_on),
        amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
        claimed_cents INTEGER NOT NULL
            CHECK (claimed_cents > 0 AND claimed_cents <= amount_cents),
        cofinanced_by TEXT,
        attachment TEXT,
        attachment_sha256 TEXT CHECK (
            attachment_sha256 IS NULL
            OR (length(attachment_sha256) = 64 AND attachment_sha256 NOT GLOB '*[^0-9a-f]*')
        ),
        note TEXT,
        source_file TEXT NOT NULL,
        source_place TEXT NOT NULL,
        recorded_at TEXT NOT NULL,
        UNIQUE (call_id, supplier_key, invoice_key, version),
        FOREIGN KEY (call_id, reference) REFERENCES application (call_id, reference),
        CHECK ((attachment IS NULL) = (attachment_sha256 IS NULL))
    ) STRICT
    """,
    """
    CREATE VIEW expense_in_force AS
    SELECT e.* FROM expense e
    WHERE e.version = (
        SELECT max(f.version) FROM expense f
        WHERE f.call_id = e.call_id AND f.supplier_key = e.supplier_key
            AND f.invoice_key = e.invoice_key
    )
    """,
    """
    CREATE TABLE expense_review (
        id INTEGER PRIMARY KEY,
        call_id TEXT NOT NULL,
        supplier_key TEXT NOT NULL,
        invoice_key TEXT NOT NULL,
        version INTEGER NOT NULL,
        number INTEGER NOT NULL CHECK (number >= 1),
        decision TEXT NOT NULL CHECK (
            decision = 'admitted' OR decision = 'partly_admitted' OR decision = 'rejected'
        ),
        admitted_cents INTEGER NOT NULL CHECK (admitted_cents >= 0),
        reason_code TEXT NOT NULL CHECK (length(reason_code) BETWEEN 1 AND 64),
        comment TEXT,
        source_file TEXT NOT NULL,
        source_place TEXT NOT NULL,
        recorded_at TEXT NOT NULL,
        UNIQUE (call_id, supplier_key, invoice_key, number),
        FOREIGN KEY (call_id, supplier_key, invoice_key, version)
            REFERENCES expense (call_id, supplier_key, invoice_key, version),
        CHECK ((decision = 'rejected') = (admitted_cents = 0))
    ) STRICT
    """,
    # The review in force of each invoice: its last review, if it reviews the version in
    # force (a new version of an invoice waits for a review of its own).
    """
    CREATE VIEW review_in_force AS
    SELECT r.* FROM expense_review r JOIN expense_in_force e
        ON e.call_id = r.call_id AND e.supplier_key = r.supplier_key
        AND e.invoice_key = r.invoice_key AND e.version = r.version
    WHERE r.number = (
        SELECT max(q.number) FROM expense_review q
        WHERE q.call_id = r.call_id AND q.supplier_key = r.supplier_key
            AND q.invoice_key = r.invoice_key
    )
    """,
    """
    CREATE TABLE settlement (
        id INTEGER PRIMARY KEY,
        call_id TEXT NOT NULL,
        reference TEXT NOT NULL,
        adoption_id INTEGER NOT NULL REFERENCES allocation_adoption (id),
        on_date TEXT NOT NULL CHECK (date(on_date) IS on_date),
        award_cents INTEGER NOT NULL CHECK (award_cents > 0),
        claimed_cents INTEGER NOT NULL CHECK (claimed_cents >= 0),
        admitted_cents INTEGER NOT NULL CHECK (
            admitted_cents >= 0 AND admitted_cents <= award_cents
            AND admitted_cents <= claimed_cents
        ),
        paid_cents INTEGER NOT NULL CHECK (paid_cents >= 0),
        balance_cents INTEGER NOT NULL CHECK (balance_cents = admitted_cents - paid_cents),
        tranches_json TEXT NOT NULL
            CHECK (json_valid(tranches_json) AND json_type(tranches_json) = 'array'),
        figures_json TEXT NOT NULL
            CHECK (json_valid(figures_json) AND json_type(figures_json) = 'object'),
        recovery_due_date TEXT CHECK (
            recovery_due_date IS NULL OR date(recovery_due_date) IS recovery_due_date
        ),
        note TEXT,
        recorded_at TEXT NOT NULL,
        UNIQUE (call_id, reference),
        FOREIGN KEY (call_id, reference) REFERENCES application (call_id, reference),
        CHECK ((balance_cents < 0) = (recovery_due_date IS NOT NULL)),
        CHECK (recovery_due_date IS NULL OR recovery_due_date > on_date)
    ) STRICT
    """,
    """
    CREATE TABLE recovery (
        id INTEGER PRIMARY KEY,
        call_id TEXT NOT NULL,
        reference TEXT NOT NULL,
        number INTEGER NOT NULL CHECK (number >= 1),
        on_date TEXT NOT NULL CHECK (date(on_date) IS on_date),
        amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
        note TEXT,
        recorded_at TEXT NOT NULL,
        UNIQUE (call_id, reference, number),
        FOREIGN KEY (call_id, reference) REFERENCES settlement (call_id, reference)
    ) STRICT
    """,
    # An invoice is claimed by one project, its versions in order.
    """
    CREATE TRIGGER expense_in_order BEFORE INSERT ON expense
    WHEN NEW.version IS NOT 1 + (
            SELECT count(*) FROM expense
            WHERE call_id = NEW.call_id AND supplier_key = NEW.supplier_key
                AND invoice_key = NEW.invoice_key
        )
        OR NEW.reference IS NOT coalesce((
            SELECT reference FROM expense
            WHERE call_id = NEW.call_id AND supplier_key = NEW.supplier_key
                AND invoice_key = NEW.invoice_key AND version = 1
        ), NEW.reference)
    BEGIN SELECT RAISE(ABORT,
        'an invoice is claimed once, by one project: a new version follows the last');
    END
    """,
    """
    CREATE TRIGGER expense_not_after_settlement BEFORE INSERT ON expense
    WHEN EXISTS (
        SELECT 1 FROM settlement WHERE call_id = NEW.call_id AND reference = NEW.reference
    )
    BEGIN SELECT RAISE(ABORT, 'a settled project takes no more expenses'); END
    """,
    *_kept("expense", "expenses"),
    # A review follows the one before it, of the version in force; it admits no more than
    # was claimed: all of it when admitted, part of it when partly admitted.
    """
    CREATE TRIGGER expense_review_in_order BEFORE INSERT ON expense_review
    WHEN NEW.number IS NOT 1 + (
            SELECT count(*) FROM expense_review
            WHERE call_id = NEW.call_id AND supplier_key = NEW.supplier_key
                AND invoice_key = NEW.invoice_key
        )
        OR NEW.version IS NOT (
            SELECT version FROM expense_in_force
            WHERE call_id = NEW.call_id AND supplier_key = NEW.supplier_key
                AND invoice_key = NEW.invoice_key
        )
        OR (NEW.decision = 'admitted' AND NEW.admitted_cents IS NOT (
            SELECT claimed_cents FROM expense_in_force
            WHERE call_id = NEW.call_id AND supplier_key = NEW.supplier_key
                AND invoice_key = NEW.invoice_key
        ))
        OR (NEW.decision = 'partly_admitted' AND (NEW.admitted_cents = 0
            OR NEW.admitted_cents >= (
                SELECT claimed_cents FROM expense_in_force
                WHERE call_id = NEW.call_id AND supplier_key = NEW.supplier_key
                    AND invoice_key = NEW.invoice_key
            )))
    BEGIN SELECT RAISE(ABORT,
        'a review follows the last, of the expense in force, and admits at most what was claimed');
    END
    """,
    """
    CREATE TRIGGER expense_review_not_after_settlement BEFORE INSERT ON expense_review
    WHEN EXISTS (
        SELECT 1 FROM settlement s JOIN expense_in_force e
            ON e.call_id = s.call_id AND e.reference = s.reference
        WHERE e.call_id = NEW.call_id AND e.supplier_key = NEW.supplier_key
            AND e.invoice_key = NEW.invoice_key
    )
    BEGIN SELECT RAISE(ABORT, 'the expenses of a settled project are reviewed no more'); END
    """,
    *_kept("expense_review", "reviews"),
    # A settlement follows what was paid, the award in force, the adoption in force and
    # what was claimed; its tranches add up to what was paid and the balance to pay.
    f"""
    CREATE TRIGGER settlement_as_recorded BEFORE INSERT ON settlement
    WHEN NEW.paid_cents IS NOT {_PAID}
        OR NEW.award_cents IS NOT {_CEILING}
        OR NEW.adoption_id IS NOT (
            SELECT max(id) FROM allocation_adoption WHERE call_id = NEW.call_id
        )
        OR NEW.claimed_cents IS NOT (
            SELECT coalesce(sum(claimed_cents), 0) FROM expense_in_force
            WHERE call_id = NEW.call_id AND reference = NEW.reference
        )
        OR (SELECT coalesce(sum(value), 0) FROM json_each(NEW.tranches_json))
            IS NOT NEW.paid_cents + max(NEW.balance_cents, 0)
        OR EXISTS (
            SELECT 1 FROM json_each(NEW.tranches_json) WHERE type <> 'integer' OR value < 0
        )
    BEGIN SELECT RAISE(ABORT,
        'a settlement follows what was paid, the award in force and what was claimed');
    END
    """,
    *_kept("settlement", "settlements"),
    """
    CREATE TRIGGER recovery_within_due BEFORE INSERT ON recovery
    WHEN NEW.number IS NOT 1 + (
            SELECT count(*) FROM recovery
            WHERE call_id = NEW.call_id AND reference = NEW.reference
        )
        OR NEW.amount_cents + (
            SELECT coalesce(sum(amount_cents), 0) FROM recovery
            WHERE call_id = NEW.call_id AND reference = NEW.reference
        ) > (
            SELECT -balance_cents FROM settlement
            WHERE call_id = NEW.call_id AND reference = NEW.reference
        )
        OR NEW.on_date < (
            SELECT on_date FROM settlement
            WHERE call_id = NEW.call_id AND reference = NEW.reference
        )
    BEGIN SELECT RAISE(ABORT,
        'a recovery follows the last, from the settlement on, and never above what is due');
    END
    """,
    *_kept("recovery", "recoveries"),
    # Once settled, a project is paid no more than the settlement admits (or than it was
    # paid, when that is more: a recovery), and its award is amended no more.
    f"""
    CREATE TRIGGER payment_within_settlement BEFORE INSERT ON payment
    WHEN EXISTS (
        SELECT 1 FROM settlement s
        WHERE s.call_id = NEW.call_id AND s.reference = NEW.reference
            AND NEW.amount_cents + {_PAID} > max(s.admitted_cents, s.paid_cents)
    )
    BEGIN SELECT RAISE(ABORT, 'a settled project is paid no more than its settlement admits');
    END
    """,
    f"""
    CREATE TRIGGER payment_correction_within_settlement BEFORE INSERT ON payment_correction
    WHEN EXISTS (
        SELECT 1 FROM settlement s
        WHERE s.call_id = NEW.call_id AND s.reference = NEW.reference
            AND NEW.difference_cents > 0
            AND NEW.difference_cents + {_PAID} > max(s.admitted_cents, s.paid_cents)
    )
    BEGIN SELECT RAISE(ABORT, 'a settled project is paid no more than its settlement admits');
    END
    """,
    """
    CREATE TRIGGER amendment_not_after_settlement BEFORE INSERT ON amendment
    WHEN EXISTS (
        SELECT 1 FROM settlement WHERE call_id = NEW.call_id AND reference = NEW.reference
    )
    BEGIN SELECT RAISE(ABORT, 'the convention of a settled project is amended no more'); END
    """,
)


def _actor_of(entity: str, table: str, run: str) -> str:
    """The actor of the audit row that inserted a run or an adoption: its key is
    ``call/run`` and it was written at the row's own time."""
    return (
        f"(SELECT a.actor FROM audit a WHERE a.entity = '{entity}' AND a.action = 'insert'"
        f" AND a.entity_key = {table}.call_id || '/' || {table}.{run} AND a.at = {table}.at"
        " ORDER BY a.id LIMIT 1)"
    )


#: 13: four eyes. A workspace worked by a team (``team``: since the first write by an
#: officer of an ``officers.yaml``) stays one: a decision is adopted by another person
#: than who proposed its run, and a payment proposed above the call's threshold is paid
#: only once approved by another person than who proposed it. Runs name who proposed
#: them, adoptions who adopted them, payments who recorded and who approved them (the
#: rows made before are filled in from the audit).
FOUR_EYES_MIGRATION: tuple[str, ...] = (
    """
    CREATE TABLE team (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        since TEXT NOT NULL,
        first_actor TEXT NOT NULL
    ) STRICT
    """,
    *_kept("team", "team records"),
    "ALTER TABLE allocation_run ADD COLUMN proposed_by TEXT",
    "DROP TRIGGER allocation_run_frozen",
    "UPDATE allocation_run SET proposed_by = "
    + _actor_of("allocation_run", "allocation_run", "id"),
    """
    CREATE TRIGGER allocation_run_frozen BEFORE UPDATE ON allocation_run
    BEGIN SELECT RAISE(ABORT, 'allocation runs are kept as they were made'); END
    """,
    "ALTER TABLE allocation_adoption ADD COLUMN adopted_by TEXT",
    "DROP TRIGGER allocation_adoption_no_update",
    "UPDATE allocation_adoption SET adopted_by = "
    + _actor_of("allocation_adoption", "allocation_adoption", "run_id"),
    """
    CREATE TRIGGER allocation_adoption_no_update BEFORE UPDATE ON allocation_adoption
    BEGIN SELECT RAISE(ABORT, 'adoptions are kept as they were recorded'); END
    """,
    """
    CREATE TRIGGER allocation_adoption_four_eyes BEFORE INSERT ON allocation_adoption
    WHEN EXISTS (SELECT 1 FROM team) AND (
        NEW.adopted_by IS NULL
        OR NEW.adopted_by IS (SELECT proposed_by FROM allocation_run WHERE id = NEW.run_id)
    )
    BEGIN SELECT RAISE(ABORT, 'a decision is adopted by another person than who proposed it');
    END
    """,
    "ALTER TABLE payment ADD COLUMN recorded_by TEXT",
    "ALTER TABLE payment ADD COLUMN approved_by TEXT",
    """
    CREATE TABLE payment_proposal (
        id INTEGER PRIMARY KEY,
        call_id TEXT NOT NULL,
        reference TEXT NOT NULL,
        tranche INTEGER NOT NULL CHECK (tranche >= 1),
        paid_on TEXT NOT NULL CHECK (date(paid_on) IS paid_on),
        amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
        forced INTEGER NOT NULL CHECK (forced IN (0, 1)),
        reason TEXT,
        note TEXT,
        source TEXT NOT NULL,
        proposed_by TEXT NOT NULL,
        recorded_at TEXT NOT NULL,
        UNIQUE (call_id, reference, tranche),
        FOREIGN KEY (call_id, reference) REFERENCES application (call_id, reference),
        CHECK (forced = 0 OR length(trim(coalesce(reason, ''))) > 0)
    ) STRICT
    """,
    *_kept("payment_proposal", "payment proposals"),
    # The proposals not paid yet: they count against the award, not as paid.
    """
    CREATE VIEW pending_payment AS
    SELECT p.call_id, p.reference, p.tranche, p.paid_on, p.amount_cents, p.forced,
        p.reason, p.note, p.source, p.proposed_by, p.recorded_at
    FROM payment_proposal p
    WHERE NOT EXISTS (
        SELECT 1 FROM payment q
        WHERE q.call_id = p.call_id AND q.reference = p.reference AND q.tranche = p.tranche
    )
    """,
    f"""
    CREATE TRIGGER payment_proposal_within_award BEFORE INSERT ON payment_proposal
    WHEN EXISTS (
            SELECT 1 FROM payment
            WHERE call_id = NEW.call_id AND reference = NEW.reference AND tranche = NEW.tranche
        )
        OR NEW.amount_cents + {_PAID} + coalesce((
            SELECT sum(amount_cents) FROM pending_payment
            WHERE call_id = NEW.call_id AND reference = NEW.reference
        ), 0) > {_CEILING}
    BEGIN SELECT RAISE(ABORT,
        'a proposed payment is of a tranche not paid, within the award');
    END
    """,
    """
    CREATE TRIGGER payment_four_eyes BEFORE INSERT ON payment
    WHEN EXISTS (
        SELECT 1 FROM payment_proposal p
        WHERE p.call_id = NEW.call_id AND p.reference = NEW.reference
            AND p.tranche = NEW.tranche AND (
                NEW.approved_by IS NULL OR NEW.approved_by IS p.proposed_by
                OR NEW.recorded_by IS NOT p.proposed_by
                OR NEW.amount_cents IS NOT p.amount_cents OR NEW.paid_on IS NOT p.paid_on
            )
    )
    BEGIN SELECT RAISE(ABORT,
        'a proposed payment is paid as proposed, once approved by another person');
    END
    """,
)


def _rechain_audit(conn: Any) -> None:
    rechain(conn, source="audit", target="audit_chained")


#: 14: the audit trail as hash chains, one per call (:mod:`slrbcall.store.chain`): each
#: row holds the SHA-256 of its content and of the row before it in its chain, so a row
#: edited, removed or added by hand is found (``slrbcall audit verify``). The rows made
#: before are chained as they stand, in id order. Indexed by chain (the head of a chain
#: is read before every write) and by key (an application's history).
AUDIT_CHAIN_MIGRATION: tuple[Step, ...] = (
    # The table of migration 6, with the columns of migration 8 and the chain's.
    _AUDIT_TABLE.format(
        name="audit_chained",
        more=""",
        actor TEXT CHECK (actor IS NULL OR length(actor) BETWEEN 1 AND 200),
        reason TEXT,
        chain TEXT NOT NULL,
        prev_sha256 TEXT NOT NULL CHECK (length(prev_sha256) = 64),
        row_sha256 TEXT NOT NULL CHECK (length(row_sha256) = 64)""",
    ),
    _rechain_audit,
    "DROP TABLE audit",  # its triggers go with it
    "ALTER TABLE audit_chained RENAME TO audit",
    *_AUDIT_TRIGGERS,
    "CREATE INDEX audit_chain ON audit (chain, id)",
    "CREATE INDEX audit_key ON audit (entity_key)",
)


#: 15: each application's planned budget, from the budget sheet of the applications
#: workbook: one row per budget line and per co-financing source planned above zero, in
#: cents, in a version of the application's budget numbered 1, 2, ... per application
#: (the last one is in force). A budget taken in again with other amounts is a new
#: version, never an update: what an application planned stays as it was taken in.
BUDGET_MIGRATION: tuple[str, ...] = (
    """
    CREATE TABLE application_budget (
        id INTEGER PRIMARY KEY,
        call_id TEXT NOT NULL,
        reference TEXT NOT NULL,
        version INTEGER NOT NULL CHECK (version >= 1),
        kind TEXT NOT NULL CHECK (kind = 'line' OR kind = 'co_financing'),
        key TEXT NOT NULL CHECK (length(key) BETWEEN 1 AND 64),
        amount_cents INTEGER NOT NULL
            CHECK (amount_cents > 0 AND amount_cents <= 100000000000),
        intake_file_id INTEGER NOT NULL REFERENCES intake_file (id),
        recorded_at TEXT NOT NULL,
        UNIQUE (call_id, reference, version, kind, key),
        FOREIGN KEY (call_id, reference) REFERENCES application (call_id, reference)
    ) STRICT
    """,
    *_kept("application_budget", "budgets"),
)


MIGRATIONS: tuple[tuple[Step, ...], ...] = (
    # 1: call snapshots, the calls a workspace holds, and the audit trail.
    (
        """
        CREATE TABLE call_snapshot (
            id INTEGER PRIMARY KEY,
            call_id TEXT NOT NULL CHECK (length(call_id) BETWEEN 1 AND 64),
            sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
            source_path TEXT NOT NULL,
            content TEXT NOT NULL,
            recorded_at TEXT NOT NULL,
            UNIQUE (call_id, sha256)
        ) STRICT
        """,
        """
        CREATE TABLE workspace_call (
            call_id TEXT PRIMARY KEY,
            snapshot_id INTEGER NOT NULL REFERENCES call_snapshot (id),
            added_at TEXT NOT NULL
        ) STRICT
        """,
        """
        CREATE TABLE audit (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            command TEXT NOT NULL,
            action TEXT NOT NULL CHECK (action IN ('insert', 'update', 'delete', 'event')),
            entity TEXT NOT NULL,
            entity_key TEXT,
            before_json TEXT,
            after_json TEXT,
            input_file TEXT,
            input_sha256 TEXT CHECK (input_sha256 IS NULL OR length(input_sha256) = 64),
            tool_version TEXT NOT NULL
        ) STRICT
        """,
        """
        CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
        BEGIN SELECT RAISE(ABORT, 'audit rows are append-only'); END
        """,
        """
        CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
        BEGIN SELECT RAISE(ABORT, 'audit rows are append-only'); END
        """,
    ),
    # 2: applications and the files they came from.
    (
        """
        CREATE TABLE intake_file (
            id INTEGER PRIMARY KEY,
            call_id TEXT NOT NULL REFERENCES workspace_call (call_id),
            file_name TEXT NOT NULL,
            sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
            sheet TEXT NOT NULL,
            rows INTEGER NOT NULL CHECK (rows >= 0),
            added INTEGER NOT NULL CHECK (added >= 0),
            changed INTEGER NOT NULL CHECK (changed >= 0),
            unchanged INTEGER NOT NULL CHECK (unchanged >= 0),
            at TEXT NOT NULL
        ) STRICT
        """,
        """
        CREATE TABLE application (
            id INTEGER PRIMARY KEY,
            call_id TEXT NOT NULL REFERENCES workspace_call (call_id),
            reference TEXT NOT NULL CHECK (length(reference) BETWEEN 1 AND 200),
            snapshot_id INTEGER NOT NULL REFERENCES call_snapshot (id),
            applicant TEXT,
            applicant_name TEXT NOT NULL,
            title TEXT NOT NULL,
            requested_cents INTEGER NOT NULL CHECK (requested_cents >= 0),
            language TEXT NOT NULL CHECK (language IN ('nl', 'fr')),
            partner TEXT,
            partner_enterprise_number TEXT,
            theme TEXT,
            theme_text TEXT,
            duration_months INTEGER CHECK (duration_months > 0),
            start_date TEXT CHECK (start_date IS NULL OR date(start_date) IS start_date),
            residents_targeted INTEGER CHECK (residents_targeted >= 0),
            contact_name TEXT,
            contact_email TEXT,
            summary TEXT,
            status TEXT NOT NULL CHECK (status IN ('eligible', 'ineligible')),
            reasons_json TEXT NOT NULL,
            content_sha256 TEXT NOT NULL CHECK (length(content_sha256) = 64),
            intake_file_id INTEGER NOT NULL REFERENCES intake_file (id),
            source_row INTEGER NOT NULL CHECK (source_row > 0),
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            UNIQUE (call_id, reference)
        ) STRICT
        """,
        "CREATE INDEX application_applicant ON application (call_id, applicant)",
    ),
    # 3: the committee's marks and the allocation runs.
    (
        """
        CREATE TABLE mark (
            id INTEGER PRIMARY KEY,
            call_id TEXT NOT NULL,
            reference TEXT NOT NULL,
            reviewer TEXT NOT NULL,
            criterion TEXT NOT NULL,
            mark TEXT NOT NULL CHECK (mark GLOB '[0-9]*' AND mark NOT GLOB '*[^0-9.]*'),
            comment TEXT,
            source_file TEXT NOT NULL,
            source_place TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            UNIQUE (call_id, reference, reviewer, criterion),
            FOREIGN KEY (call_id, reference) REFERENCES application (call_id, reference)
        ) STRICT
        """,
        """
        CREATE TABLE allocation_run (
            id INTEGER PRIMARY KEY,
            call_id TEXT NOT NULL REFERENCES workspace_call (call_id),
            at TEXT NOT NULL,
            policy TEXT NOT NULL,
            parameters_json TEXT NOT NULL,
            input_sha256 TEXT NOT NULL CHECK (length(input_sha256) = 64),
            tool_version TEXT NOT NULL,
            budget_cents INTEGER NOT NULL CHECK (budget_cents > 0),
            awarded_cents INTEGER NOT NULL
                CHECK (awarded_cents >= 0 AND awarded_cents <= budget_cents),
            result_json TEXT NOT NULL
        ) STRICT
        """,
        """
        CREATE TABLE allocation_decision (
            run_id INTEGER NOT NULL REFERENCES allocation_run (id),
            reference TEXT NOT NULL,
            rank INTEGER CHECK (rank IS NULL OR rank > 0),
            amount_cents INTEGER NOT NULL CHECK (amount_cents >= 0),
            decision TEXT NOT NULL CHECK (
                decision IN ('funded_full', 'funded_partial', 'not_funded', 'ineligible')
            ),
            reason TEXT NOT NULL,
            explanation TEXT NOT NULL,
            PRIMARY KEY (run_id, reference)
        ) STRICT
        """,
        """
        CREATE TRIGGER allocation_run_frozen BEFORE UPDATE ON allocation_run
        BEGIN SELECT RAISE(ABORT, 'allocation runs are kept as they were made'); END
        """,
    ),
    # 4: follow-up of the funded projects (defined above).
    FOLLOWUP_MIGRATION,
    # 5: no query reads applications by applicant (lists filter a call's rows, which
    # the unique key finds); keeping that index up cost an intake 15% of its insert.
    ("DROP INDEX IF EXISTS application_applicant",),
    # 6: the audit table again, its action checked by comparisons. SQLite checks
    # ``action IN (four values)`` by building a small table for every row written,
    # which cost a 100,000-row intake a fifth of a second; a CHECK cannot be altered,
    # so the table is rebuilt, its rows and triggers kept.
    (
        _AUDIT_TABLE.format(name="audit_rebuilt", more=""),
        "INSERT INTO audit_rebuilt SELECT * FROM audit ORDER BY id",
        "DROP TABLE audit",  # triggers are not fired by DROP TABLE, and go with it
        "ALTER TABLE audit_rebuilt RENAME TO audit",
        *_AUDIT_TRIGGERS,
    ),
    # 7: adoption as a recorded act (defined above).
    ADOPTION_MIGRATION,
    # 8: the actor and the reason of every audit row (defined above).
    AUDIT_ACTOR_MIGRATION,
    # 9: corrections and amendments as new entries; the award ceiling (defined above).
    CORRECTIONS_AMENDMENTS_MIGRATION,
    # 10: withdrawals and the reserve list (defined above).
    RESERVE_MIGRATION,
    # 11: what the documents print about a partner, and the other parties (defined above).
    APPLICATION_PARTIES_MIGRATION,
    # 12: expenses, their review, settlements and recoveries (defined above).
    SETTLEMENT_MIGRATION,
    # 13: four eyes: the team, who proposed and who adopted or approved (defined above).
    FOUR_EYES_MIGRATION,
    # 14: the audit trail as hash chains (defined above).
    AUDIT_CHAIN_MIGRATION,
    # 15: the applications' planned budgets by line (defined above).
    BUDGET_MIGRATION,
)


#: The columns of ``application`` that hold an application's content: the fields of
#: :class:`~slrbcall.model.Application` that its content hash covers.
APPLICATION_FIELDS = (
    "reference",
    "applicant",
    "applicant_name",
    "title",
    "requested_cents",
    "language",
    "partner",
    "partner_enterprise_number",
    "theme",
    "theme_text",
    "duration_months",
    "start_date",
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

#: The columns of ``application`` that hold an :class:`Application`'s own fields.
APPLICATION_COLUMNS = (*APPLICATION_FIELDS, "status", "reasons_json", "source_row")
