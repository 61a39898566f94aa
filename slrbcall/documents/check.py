"""``slrbcall templates init`` and ``templates check``: the officers' own templates.

Officers edit the templates in Word or LibreOffice. Word splits text into runs as it
likes, and a tag split the wrong way, a typo or a variable added to one language only
shows up as a broken convention. ``check_templates`` finds these before a batch does:
it renders every template with a full sample context and reads the result back.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from slrbcall.documents.render import Renderer
from slrbcall.errors import EnvironmentProblemError, InputFileError, Problem, RefusedError
from slrbcall.files import cannot_write, write_bytes

__all__ = ["KINDS", "LANGS", "Mention", "check_templates", "init_templates"]

KINDS = (
    "convention",
    "letter-award",
    "letter-refusal",
    "letter-reserve",
    "amendment",
    "settlement",
)
LANGS = ("nl", "fr")
#: What Jinja left behind if a tag was not rendered (or was rendered as text).
_LEFTOVER = re.compile(r"\{\{|\{%|\}\}|%\}")


#: A mention a document must carry: its name, what it is, and the context keys whose
#: values (every item of a list) must all be read in the rendered document.
Mention = tuple[str, str, tuple[str, ...]]


def check_templates(
    folder: Path,
    *,
    kinds: tuple[str, ...] = KINDS,
    langs: tuple[str, ...] = LANGS,
    context_for: Callable[[str, str], Mapping[str, Any]],
    mentions: Callable[[str], Sequence[Mention]] | None = None,
) -> list[Problem]:
    """Every problem of the templates ``{kind}.{lang}.docx`` in ``folder``; empty if none.

    Each template is rendered with ``context_for(kind, lang)`` (a full sample context)
    into a temporary folder. Reported: a missing or unreadable template, syntax errors,
    undefined variables and sandbox refusals (with the offending tag), tags left in the
    rendered text, variables that one language's template uses and another's not, and,
    with ``mentions``, each mention ``mentions(kind)`` requires that a template does
    not print (one problem per mention and language).
    """
    problems: list[Problem] = []
    used: dict[tuple[str, str], frozenset[str]] = {}
    with tempfile.TemporaryDirectory(prefix="slrbcall-check-") as scratch:
        for kind in kinds:
            for lang in langs:
                path = folder / f"{kind}.{lang}.docx"
                try:
                    renderer = Renderer(path)
                    used[kind, lang] = renderer.variables
                    rendered = Path(scratch) / path.name
                    rendered.write_bytes(renderer.render(context_for(kind, lang)))
                except InputFileError as error:
                    problems.extend(error.problems)
                    continue
                problems.extend(_leftovers(path, rendered))
                if mentions is not None:
                    required = mentions(kind)
                    if required:
                        problems.extend(
                            _missing_mentions(path, rendered, required, context_for(kind, lang))
                        )
    for kind in kinds:
        for lang in langs:
            for other in langs:
                if other == lang or (kind, lang) not in used or (kind, other) not in used:
                    continue
                for name in sorted(used[kind, lang] - used[kind, other]):
                    problems.append(
                        Problem(
                            str(folder / f"{kind}.{lang}.docx"),
                            f"uses '{name}', which {kind}.{other}.docx does not",
                        )
                    )
    return problems


def _leftovers(template: Path, rendered: Path) -> Iterator[Problem]:
    """Tags left in the text of the rendered document, read back with python-docx."""
    for place, text in _texts(rendered):
        for found in _LEFTOVER.finditer(text):
            start = max(0, found.start() - 30)
            excerpt = text[start : found.end() + 30].strip()
            yield Problem(
                str(template),
                f"'{found.group()}' is left in the rendered {place}: '{excerpt}' "
                "(a tag Word split, or one Jinja did not see)",
            )
            break  # one report a paragraph is enough


def _missing_mentions(
    template: Path, rendered: Path, required: Sequence[Mention], context: Mapping[str, Any]
) -> Iterator[Problem]:
    """The mentions whose values the rendered document does not print."""
    text = "\n".join(paragraph for _, paragraph in _texts(rendered))
    for _, what, keys in required:
        values: list[str] = []
        for key in keys:
            value = context.get(key)
            values.extend(str(v) for v in (value if isinstance(value, list) else [value]) if v)
        if not values or any(value not in text for value in values):
            yield Problem(str(template), f"lacks the mention of {what}")


def _texts(path: Path) -> Iterator[tuple[str, str]]:
    """(place, text) of every paragraph: body and tables (nested too), headers, footers."""
    from docx import Document
    from docx.oxml.ns import qn

    document = Document(str(path))
    parts: list[tuple[str, Any]] = [("body", document.element.body)]
    for section in document.sections:
        for kind in ("header", "footer"):
            for variant in ("", "first_page_", "even_page_"):
                block = getattr(section, f"{variant}{kind}")
                if not block.is_linked_to_previous:  # else reading it would add one
                    parts.append((kind, block.part.element))
    for place, element in parts:
        for paragraph in element.iter(qn("w:p")):
            inside_table = any(a.tag == qn("w:tc") for a in paragraph.iterancestors())
            text = "".join(node.text or "" for node in paragraph.iter(qn("w:t")))
            yield ("table" if inside_table and place == "body" else place), text


def init_templates(source: Path, target: Path, *, force: bool = False) -> list[Path]:
    """Copy the default templates (``*.docx`` and ``build_templates.py``) into ``target``.

    Refuses to overwrite an existing file unless ``force``; then nothing is copied.
    Returns the files written.
    """
    files = sorted(
        path
        for path in source.glob("*.docx")
        if not path.name.startswith(("~$", "."))  # Word's lock files
    )
    if not files:
        raise EnvironmentProblemError(
            f"no templates found in {source}: the installation of slrbcall is incomplete"
        )
    if (source / "build_templates.py").is_file():
        files.append(source / "build_templates.py")
    if target.exists() and not target.is_dir():
        raise RefusedError(f"{target} is a file, not a folder")
    existing = [path.name for path in files if (target / path.name).exists()]
    if existing and not force:
        raise RefusedError(
            f"{target} already holds {', '.join(existing)}: "
            "pass --force to overwrite (your changes to them would be lost)"
        )
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise cannot_write(target, exc) from exc
    written = []
    for path in files:
        write_bytes(target / path.name, path.read_bytes())
        written.append(target / path.name)
    return written
