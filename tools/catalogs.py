"""Keep the message catalogs of slrbcall: extract the texts, update the catalogs, compile.

    python tools/catalogs.py update    # the texts of the code into slrbcall/locale/*.po
    python tools/catalogs.py compile   # the .po files into the .mo files the tool reads
    python tools/catalogs.py check     # what tests/test_i18n.py checks, as lines
    python tools/catalogs.py apply FILE.json   # translations made elsewhere, into the .po

The texts are those the code passes to ``_()``, ``N_()`` and ``ngettext()`` (Babel's
Python extractor), and the help of every command: the docstrings of the command
functions and the ``help=`` of their options in ``slrbcall/cli/`` (read from the source,
so that ``--help`` is translated like the rest). ``update`` keeps every translation
already made and adds the new texts untranslated; ``check`` names every text without a
translation, every translation of a text the code no longer has, every translation
whose ``{fields}`` differ from its text's, and a compiled catalog older than its source.
"""

from __future__ import annotations

import ast
import inspect
import io
import json
import string
import sys
from collections.abc import Iterator
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from slrbcall.calls.definition import json_schema
from slrbcall.i18n import use_language

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "slrbcall"
LOCALE = PACKAGE / "locale"
DOMAIN = "slrbcall"
LANGUAGES = ("fr", "nl")
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}

__all__ = ["check", "compile_catalogs", "extract", "update"]


def _help_texts(path: Path) -> Iterator[tuple[int, str]]:
    """The help of the commands in one module of ``slrbcall/cli/``, as click shows it."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and _is_command(node):
            doc = ast.get_docstring(node, clean=False)
            if doc:
                yield node.lineno, inspect.cleandoc(doc)
        if isinstance(node, ast.Call):
            for keyword in node.keywords:
                if (
                    keyword.arg == "help"
                    and isinstance(keyword.value, ast.Constant)
                    and isinstance(keyword.value.value, str)
                ):
                    yield keyword.value.lineno, keyword.value.value


def _is_command(node: ast.FunctionDef) -> bool:
    """A command function: it takes the click context, or is registered as a command."""
    names = [arg.arg for arg in node.args.args]
    decorated = any(
        isinstance(d, ast.Call)
        and isinstance(d.func, ast.Attribute)
        and d.func.attr in ("command", "callback")
        for d in node.decorator_list
    )
    return decorated or (bool(names) and names[0] == "ctx")


def extract() -> Catalog:
    """Every text of the code to translate, as a catalog without translations."""
    catalog = Catalog(project="slrbcall", domain=DOMAIN, charset="utf-8")
    found = extract_from_dir(
        PACKAGE, method_map=[("**.py", "python")], keywords=KEYWORDS, comment_tags=("i18n:",)
    )
    for filename, lineno, message, comments, _context in found:
        catalog.add(message, locations=[(f"slrbcall/{filename}", lineno)], auto_comments=comments)
    for path in sorted((PACKAGE / "cli").glob("*.py")):
        for lineno, text in _help_texts(path):
            catalog.add(text, locations=[(str(path.relative_to(REPO)), lineno)])
    for text in _schema_descriptions():
        catalog.add(text, locations=[("slrbcall/calls/spec.py", 1)])
    return catalog


def _schema_descriptions() -> list[str]:
    """What the call file's JSON Schema (``slrbcall calls schema``) says of its keys, in
    English: the ``description=`` of the fields and the docstrings of the spec classes,
    as pydantic puts them in the schema."""
    use_language("en")
    found: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "description" and isinstance(value, str):
                    found.append(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(json_schema())
    return sorted(set(found))


def _po(language: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def _read(path: Path, language: str) -> Catalog:
    if not path.exists():
        return Catalog(locale=language, domain=DOMAIN, charset="utf-8")
    with path.open("rb") as stream:
        return read_po(stream, locale=language, domain=DOMAIN)


def update() -> None:
    """Bring every language's catalog up to the code's texts, keeping translations."""
    template = extract()
    for language in LANGUAGES:
        path = _po(language)
        catalog = _read(path, language)
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as stream:
            write_po(stream, catalog, width=100, omit_header=False, sort_output=True)


def _mo_bytes(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    return buffer.getvalue()


def compile_catalogs() -> None:
    for language in LANGUAGES:
        catalog = _read(_po(language), language)
        _po(language).with_suffix(".mo").write_bytes(_mo_bytes(catalog))


def _fields(text: str) -> set[str]:
    return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name}


def check() -> list[str]:
    """Every problem of the catalogs against the code, one line each (empty: all good)."""
    problems = []
    wanted = {message.id for message in extract() if message.id}
    for language in LANGUAGES:
        path = _po(language)
        catalog = _read(path, language)
        have = {message.id for message in catalog if message.id}
        for msgid in sorted(wanted - have, key=str):
            problems.append(f"{path.name} ({language}): no translation of {msgid!r}")
        for msgid in sorted(have - wanted, key=str):
            problems.append(f"{path.name} ({language}): {msgid!r} is no longer in the code")
        for message in catalog:
            if not message.id or message.id not in wanted:
                continue
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if not all(strings) or message.fuzzy:
                problems.append(f"{path.name} ({language}): {ids[0]!r} is not translated")
                continue
            # A plural's forms may each leave out a field (the singular's count), but
            # together they hold the fields of the English forms, and no other.
            wanted_fields = set().union(*(_fields(i) for i in ids))
            given = [_fields(s) for s in strings]
            if set().union(*given) != wanted_fields or any(g - wanted_fields for g in given):
                problems.append(f"{path.name} ({language}): {ids[0]!r} has other {{fields}}")
        mo = path.with_suffix(".mo")
        if not mo.exists() or mo.read_bytes() != _mo_bytes(catalog):
            problems.append(f"{mo.name} ({language}): run 'python tools/catalogs.py compile'")
    return problems


def apply(path: Path) -> int:
    """Put the translations of a JSON file into the catalogs; return how many were set.

    The file is a list of ``{"id": text, "plural": text or null, "fr": ..., "nl": ...}``,
    a translation being a text, or for a plural a list of its forms. A text the code does
    not have (after ``update``) is skipped and named on stderr.
    """
    entries = json.loads(path.read_text(encoding="utf-8"))
    done = 0
    for language in LANGUAGES:
        po = _po(language)
        catalog = _read(po, language)
        for entry in entries:
            message = catalog.get(entry["id"])
            if message is None:
                print(f"not in the code: {entry['id']!r}", file=sys.stderr)
                continue
            value = entry[language]
            message.string = tuple(value) if isinstance(value, list) else value
            message.flags.discard("fuzzy")
            done += 1
        with po.open("wb") as stream:
            write_po(stream, catalog, width=100, omit_header=False, sort_output=True)
    return done


def main(argv: list[str]) -> int:
    action = argv[1] if len(argv) > 1 else "check"
    if action == "update":
        update()
    elif action == "compile":
        compile_catalogs()
    elif action == "apply":
        print(f"{apply(Path(argv[2]))} translations set")
    elif action == "check":
        found = check()
        print("\n".join(found) or "the catalogs are complete")
        return 1 if found else 0
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
