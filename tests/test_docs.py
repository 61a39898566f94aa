"""The docs name every command, option and call-definition key the tool has."""

from __future__ import annotations

import re

import pytest
import typer

from slrbcall.callspec import CallSpec, OrganisationSpec
from slrbcall.cli.app import app

from .conftest import REPO

CLI_DOC = (REPO / "docs" / "cli.md").read_text(encoding="utf-8")
CALL_DOC = (REPO / "docs" / "call-definition.md").read_text(encoding="utf-8")


def commands() -> list[tuple[str, list[str]]]:
    """(command path, its option names) for every command of the tool."""
    root = typer.main.get_command(app)
    found: list[tuple[str, list[str]]] = []

    def walk(command: object, path: str) -> None:
        subcommands = getattr(command, "commands", None)
        if subcommands:
            for name, sub in subcommands.items():
                walk(sub, f"{path} {name}".strip())
            return
        options = [
            opt
            for param in getattr(command, "params", [])
            for opt in getattr(param, "opts", [])
            if opt.startswith("--")
        ]
        found.append((path, options))

    walk(root, "")
    return found


@pytest.mark.parametrize(("path", "options"), commands(), ids=lambda v: str(v))
def test_every_command_and_option_is_documented(path: str, options: list[str]) -> None:
    heading = f"### `slrbcall {path}"
    assert heading in CLI_DOC, f"docs/cli.md has no section for 'slrbcall {path}'"
    section = CLI_DOC.split(heading, 1)[1].split("\n### ", 1)[0]
    for option in options:
        assert f"`{option}" in section, f"docs/cli.md: {path} does not name {option}"


def test_every_help_ends_with_an_example() -> None:
    root = typer.main.get_command(app)

    def walk(command: object) -> None:
        subcommands = getattr(command, "commands", None)
        if subcommands:
            for sub in subcommands.values():
                walk(sub)
            return
        assert "Example: slrbcall" in (getattr(command, "help", "") or ""), command

    walk(root)


def keys(model: type) -> set[str]:
    found: set[str] = set()
    for name, info in model.model_fields.items():  # type: ignore[attr-defined]
        found.add(info.alias or name)
        for inner in re.findall(r"slrbcall\.callspec\.(\w+)", repr(info.annotation)):
            found |= keys(getattr(__import__("slrbcall.callspec").callspec, inner))
    return found


@pytest.mark.parametrize("key", sorted(keys(CallSpec) | keys(OrganisationSpec)))
def test_every_call_key_is_documented(key: str) -> None:
    assert f"`{key}`" in CALL_DOC, f"docs/call-definition.md does not name `{key}`"


def test_every_spreadsheet_header_and_alias_is_documented() -> None:
    from slrbcall.fields import FIELDS

    doc = (REPO / "docs" / "spreadsheets.md").read_text(encoding="utf-8")
    for spec in FIELDS:
        assert f"`{spec.key}`" in doc
        for name in (*spec.labels.values(), *spec.aliases):
            assert name in doc, f"docs/spreadsheets.md does not name the header '{name}'"


def test_every_document_context_key_is_documented() -> None:
    from slrbcall.documents.context import sample_context

    doc = (REPO / "docs" / "documents.md").read_text(encoding="utf-8")
    context = sample_context("convention", "fr")
    for key, value in context.items():
        assert f"`{key}`" in doc, f"docs/documents.md does not name `{key}`"
        if isinstance(value, list) and value and isinstance(value[0], dict):
            for inner in value[0]:
                assert f"`{inner}`" in doc, f"docs/documents.md does not name `{key}.{inner}`"
