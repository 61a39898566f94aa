"""slrbcall: run a public grant call of the Brussels social-housing authority.

The package is a library first, laid out by the stages of a call::

    i18n errors money model records settings resources
                                             the kernel: the officer's language, errors with
                                             exit codes, cents, values, the tables' labels
    sheets/  store/                          adapters: spreadsheets in and out; the workspace
    calls/       call definitions, the organisations registry, the next call
    intake/      applications from spreadsheets, eligibility, merge with what is stored
    committee/   marks, conflicts, weighted scores, the ranking
    allocation/  policies, the exact solver, explanations, the stored runs
    documents/   conventions and letters: context, words and dates, rendering, PDF
    followup/    milestones, tranches and payments, monitoring, the timeline
    reports/     key figures, the board's workbook, 360Giving
    workspace    what the workspace holds; doctor
    demo         every stage on the shipped example
    cli/         the Typer commands, one module per group

Each stage holds pure domain modules and a ``service`` of use cases, the functions
the CLI calls. Imports run down the life of a call: a stage may use the stages before
it, the adapters and the kernel, never a later stage.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
