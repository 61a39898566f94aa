"""The docs name every command, option and call-definition key the tool has."""

from __future__ import annotations

import re

import pytest
import typer

from slrbcall.calls import spec as call_spec
from slrbcall.calls.spec import CallSpec, OrganisationSpec
from slrbcall.cli.app import COMMANDS, app, load_command

from .conftest import REPO

CLI_DOC = (REPO / "docs" / "cli.md").read_text(encoding="utf-8")
CALL_DOC = (REPO / "docs" / "call-definition.md").read_text(encoding="utf-8")


def subcommands(command: object) -> dict[str, object]:
    """The subcommands of a group: the root loads its commands lazily (COMMANDS)."""
    if command is ROOT:
        return {name: load_command(name) for name in COMMANDS}
    return dict(getattr(command, "commands", None) or {})


ROOT = typer.main.get_command(app)


def commands() -> list[tuple[str, list[str]]]:
    """(command path, its option names) for every command of the tool."""
    found: list[tuple[str, list[str]]] = []

    def walk(command: object, path: str) -> None:
        children = subcommands(command)
        if children:
            for name, sub in children.items():
                walk(sub, f"{path} {name}".strip())
            return
        options = [
            opt
            for param in getattr(command, "params", [])
            for opt in getattr(param, "opts", [])
            if opt.startswith("--")
        ]
        found.append((path, options))

    walk(ROOT, "")
    return found


@pytest.mark.parametrize(("path", "options"), commands(), ids=lambda v: str(v))
def test_every_command_and_option_is_documented(path: str, options: list[str]) -> None:
    heading = f"### `slrbcall {path}"
    assert heading in CLI_DOC, f"docs/cli.md has no section for 'slrbcall {path}'"
    section = CLI_DOC.split(heading, 1)[1].split("\n### ", 1)[0]
    for option in options:
        assert f"`{option}" in section, f"docs/cli.md: {path} does not name {option}"


def test_every_help_ends_with_an_example() -> None:
    def walk(command: object) -> None:
        children = subcommands(command)
        if children:
            for sub in children.values():
                walk(sub)
            return
        assert "Example: slrbcall" in (getattr(command, "help", "") or ""), command

    walk(ROOT)


@pytest.mark.parametrize("name", list(COMMANDS))
def test_the_root_help_line_matches_the_command(name: str) -> None:
    """The root's --help is written from COMMANDS without importing the commands."""
    command = load_command(name)
    assert command.name == name
    summary = COMMANDS[name][2]
    assert summary.endswith(".")
    assert len(summary) <= 60, "keep the root help to one short line"


def keys(model: type) -> set[str]:
    found: set[str] = set()
    for name, info in model.model_fields.items():  # type: ignore[attr-defined]
        found.add(info.alias or name)
        for inner in re.findall(r"slrbcall\.calls\.spec\.(\w+)", repr(info.annotation)):
            found |= keys(getattr(call_spec, inner))
    return found


@pytest.mark.parametrize("key", sorted(keys(CallSpec) | keys(OrganisationSpec)))
def test_every_call_key_is_documented(key: str) -> None:
    assert f"`{key}`" in CALL_DOC, f"docs/call-definition.md does not name `{key}`"


def test_every_spreadsheet_header_and_alias_is_documented() -> None:
    from slrbcall.intake.fields import FIELDS

    doc = (REPO / "docs" / "spreadsheets.md").read_text(encoding="utf-8")
    for spec in FIELDS:
        assert f"`{spec.key}`" in doc
        for name in (*spec.labels.values(), *spec.aliases):
            assert name in doc, f"docs/spreadsheets.md does not name the header '{name}'"


def test_every_document_context_key_is_documented() -> None:
    from slrbcall.documents.sample import sample_context

    doc = (REPO / "docs" / "documents.md").read_text(encoding="utf-8")
    context = sample_context("convention", "fr")
    for key, value in context.items():
        assert f"`{key}`" in doc, f"docs/documents.md does not name `{key}`"
        if isinstance(value, list) and value and isinstance(value[0], dict):
            for inner in value[0]:
                assert f"`{inner}`" in doc, f"docs/documents.md does not name `{key}.{inner}`"


def test_every_amendment_context_key_is_documented() -> None:
    from slrbcall.documents.context import AMENDMENT
    from slrbcall.documents.sample import sample_context

    doc = (REPO / "docs" / "documents.md").read_text(encoding="utf-8")
    own = doc.split("### The amendment's own keys", 1)[1]
    context = sample_context(AMENDMENT, "nl")
    for key in set(context) - set(sample_context("convention", "nl")):
        assert f"`{key}`" in own, f"docs/documents.md does not name the amendment's `{key}`"
    for inner in context["amended_tranches"][0]:
        assert f"`{inner}`" in own, f"docs/documents.md does not name `amended_tranches.{inner}`"


def test_every_example_in_the_help_names_a_project_of_the_demo() -> None:
    """An officer tries the help's examples on the demo's workspace: a reference in
    them must be one the demo holds."""
    import openpyxl

    book = openpyxl.load_workbook(REPO / "examples" / "applications.xlsx", read_only=True)
    rows = book.worksheets[0].iter_rows(min_row=2, values_only=True)
    demo = {row[0] for row in rows if row and row[0]}  # the first column: the reference
    book.close()
    examples = [
        line
        for path in sorted((REPO / "slrbcall" / "cli").glob("*.py"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if "Example: slrbcall" in line
    ]
    named = {ref for line in examples for ref in re.findall(r"\b[A-Z]{2,}[0-9]*-[0-9-]+\b", line)}
    assert named, "the examples name no project"
    assert named <= demo, sorted(named - demo)
