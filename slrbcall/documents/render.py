"""Rendering DOCX documents from Word templates with docxtpl, many at a time.

docxtpl's ``DocxTemplate.render`` re-reads the .docx, re-runs its XML clean-up and
re-compiles the Jinja template for every document: 58 ms a convention, 40 of them
compiling. :class:`Renderer` does that work once per template and keeps only immutable
results: the compiled Jinja templates (reentrant), the document element without its
body, and a ZIP of the parts that never change, compressed once. Each render builds its
own body tree, docPr numbers and ZIP buffer, so nothing leaks from one document into
the next. The XML transformations are docxtpl's own (``patch_xml``, ``resolve_listing``,
``fix_tables``); only the packaging is ours, and it yields docxtpl's XML parts
(``tests/test_render.py`` compares them) in 3.5 ms a convention (``bench/render.py``).

Batches of documents (file names, the manifest, the pool of workers) are in
:mod:`slrbcall.documents.batch`.

The Jinja environment (:mod:`slrbcall.documents.sandbox`) is sandboxed and bounded,
undefined variables are errors, and every value is XML-escaped and rid of the characters
XML forbids: applicant text is data, never template source.
"""

from __future__ import annotations

import copy
import hashlib
import io
import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from slrbcall.documents.sandbox import TemplateBudgetError, jinja_environment, render_bounded
from slrbcall.errors import InputFileError, Problem
from slrbcall.i18n import N_, _

if TYPE_CHECKING:
    from jinja2 import Template
    from jinja2.sandbox import SandboxedEnvironment

__all__ = ["Renderer", "jinja_environment"]

_REL = "http://schemas.openxmlformats.org/"
_HEADER = _REL + "officeDocument/2006/relationships/header"
_FOOTER = _REL + "officeDocument/2006/relationships/footer"
_CORE = _REL + "package/2006/relationships/metadata/core-properties"
_FOOTNOTES = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
_DOC_PR = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"
# The core properties that docxtpl renders as templates (the document's title, ...).
_DC = "{http://purl.org/dc/elements/1.1/}"
_CORE_TAGS = [
    _DC + tag for tag in ("creator", "description", "identifier", "language", "subject", "title")
]
_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.DOTALL)
#: The parts of a document, as messages name them.
_PART_NAMES = {
    "body": N_("body"),
    "header": N_("header"),
    "footer": N_("footer"),
    "footnotes": N_("footnotes"),
    "properties": N_("properties"),
}


@dataclass(frozen=True, slots=True)
class _Part:
    member: str  # ZIP member name, e.g. "word/footer1.xml"
    label: str  # for messages: "body", "header", "footer", "footnotes", "properties"
    source: str  # what Jinja compiled: docxtpl's pre-processed XML, a paragraph a line
    template: Template
    tag: str = ""  # for "properties": the core property's element


class Renderer:
    """One Word template, parsed once, rendered into as many documents as needed.

    Raises :class:`InputFileError` when the file is missing, is not a .docx or holds a
    Jinja syntax error; :meth:`render` raises it for undefined variables and sandbox
    refusals. It names the template file, the part when not the body, and the tag.
    """

    def __init__(self, path: Path, *, data: bytes | None = None) -> None:
        self.path = path
        self.name = str(path)
        if data is None:
            try:
                data = path.read_bytes()
            except (FileNotFoundError, NotADirectoryError, IsADirectoryError) as error:
                message = _(
                    "template not found (run 'slrbcall templates init' or pass --templates-dir)"
                )
                raise self._error(message) from error
            except OSError as error:
                message = _("cannot read the template: {error}").format(error=error.strerror)
                raise self._error(message) from error
        self.data = data
        self.sha256 = hashlib.sha256(data).hexdigest()
        self._load(data)

    def _load(self, data: bytes) -> None:
        from docx import Document
        from docx.opc.exceptions import PackageNotFoundError
        from docx.opc.oxml import parse_xml
        from docxtpl import DocxTemplate
        from lxml import etree  # type: ignore[import-untyped]

        try:
            document = Document(io.BytesIO(data))
        except (zipfile.BadZipFile, PackageNotFoundError) as error:
            message = _("not a Word document (.docx): it is not a ZIP package")
            raise self._error(message) from error
        except ValueError as error:  # python-docx: "... is not a Word file, content type is ..."
            message = _("not a Word document (.docx): it is another kind of Office file")
            raise self._error(message) from error
        except (KeyError, etree.XMLSyntaxError) as error:
            message = _("not a Word document (.docx): it is damaged ({error})").format(error=error)
            raise self._error(message) from error
        # Only docxtpl's stateless XML helpers are used; this object is never rendered.
        self._tools = DocxTemplate(io.BytesIO(data))
        root, package = document.element, document.part.package
        self._body_index = root.index(root.body)
        self._shell = copy.deepcopy(root)
        del self._shell[self._body_index]
        found = {document.part.partname: ("body", root.body)}
        for rel in document.part.rels.values():
            if rel.reltype in (_HEADER, _FOOTER) and not rel.is_external and rel.target_part.blob:
                label = "header" if rel.reltype == _HEADER else "footer"
                found[rel.target_part.partname] = (label, parse_xml(rel.target_part.blob))
        for part in package.iter_parts():
            if part.content_type == _FOOTNOTES:
                found[part.partname] = ("footnotes", parse_xml(part.blob))
        env = jinja_environment()
        self._parts: list[_Part] = []
        for partname, (label, element) in found.items():
            xml = self._tools.patch_xml(etree.tostring(element, encoding="unicode"))
            source = re.sub(r"<w:p([ >])", r"\n<w:p\1", xml)  # as docxtpl: a paragraph a line
            template = self._compile(env, source, label)
            self._parts.append(_Part(str(partname).lstrip("/"), label, source, template))
        self._core: list[_Part] = []
        self._core_xml = b""
        for rel in package.rels.values():
            if rel.reltype == _CORE and not rel.is_external:
                self._core_xml = rel.target_part.blob
                properties = etree.fromstring(self._core_xml, _parser())
                for tag in _CORE_TAGS:
                    text = properties.findtext(tag) or ""
                    if "{{" in text or "{%" in text:
                        template = self._compile(
                            jinja_environment(autoescape=False), text, "properties"
                        )
                        member = str(rel.target_part.partname).lstrip("/")
                        self._core.append(_Part(member, "properties", text, template, tag))
        dynamic = {part.member for part in self._parts + self._core}
        self._static, self._infos = _static_package(data, dynamic)

    def _compile(self, env: SandboxedEnvironment, source: str, label: str) -> Template:
        from jinja2 import TemplateSyntaxError

        try:
            return env.from_string(source)
        except TemplateSyntaxError as error:
            near = _place(source, error.lineno, None)
            message = _("template syntax error: {error}").format(
                error=(error.message or "").rstrip(".")
            )
            message += _(", near {near}").format(near=near) if near else ""
            raise self._error(message, label) from error

    def _error(self, message: str, label: str = "body") -> InputFileError:
        where = self.name if label == "body" else f"{self.name}: {_(_PART_NAMES[label])}"
        return InputFileError([Problem(where, message)])

    @property
    def variables(self) -> frozenset[str]:
        """The names the template reads from the context (loop variables excluded)."""
        from jinja2 import meta

        env = jinja_environment()
        names: set[str] = set()
        for part in self._parts + self._core:
            names |= meta.find_undeclared_variables(env.parse(part.source))
        return frozenset(names - set(env.globals))

    def render(self, context: Mapping[str, Any]) -> bytes:
        """The rendered .docx. The same context always gives the same bytes."""
        from lxml import etree

        values = dict(context)
        rendered: dict[str, bytes] = {}
        for part in self._parts:
            xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", self._run(part, values))
            for escaped, plain in (("{_{", "{{"), ("}_}", "}}"), ("{_%", "{%"), ("%_}", "%}")):
                xml = xml.replace(escaped, plain)
            xml = self._tools.resolve_listing(xml)
            if part.label == "body":
                root = copy.deepcopy(self._shell)
                body = self._tools.fix_tables(xml)
                for number, shape in enumerate(body.iter(_DOC_PR), start=1001):
                    shape.set("id", str(number))  # as docxtpl: drawing ids must stay unique
                root.insert(self._body_index, body)
            else:
                try:
                    root = etree.fromstring(xml.encode("utf-8"), _parser())
                except etree.XMLSyntaxError as error:
                    message = _("the rendered {part} is not well-formed XML: {error}").format(
                        part=_(_PART_NAMES[part.label]), error=error
                    )
                    raise self._error(message, part.label) from error
            rendered[part.member] = etree.tostring(root, encoding="UTF-8", standalone=True)
        if self._core:
            properties = etree.fromstring(self._core_xml, _parser())
            for part in self._core:
                properties.find(part.tag).text = self._run(part, values)
            member = self._core[0].member
            rendered[member] = etree.tostring(properties, encoding="UTF-8", standalone=True)
        buffer = io.BytesIO(self._static)
        with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as package:
            for member, blob in rendered.items():
                package.writestr(_member_info(self._infos[member]), blob)
        return buffer.getvalue()

    def _run(self, part: _Part, values: dict[str, Any]) -> str:
        try:
            return render_bounded(part.template, values)
        except Exception as error:
            message = _runtime_message(error, part.source)
            if message is None:
                raise  # not the template's doing: a bug, which keeps its traceback
            raise self._error(message, part.label) from error


def _parser() -> Any:
    from lxml import etree

    return etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=True)


def _member_info(original: zipfile.ZipInfo) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(original.filename, original.date_time)  # keeps output stable
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = original.external_attr
    return info


def _static_package(data: bytes, dynamic: set[str]) -> tuple[bytes, dict[str, zipfile.ZipInfo]]:
    """A ZIP of the members that no render changes, and the ZipInfo of every member.

    Compressing styles.xml and its kin (800 kB in python-docx's default template) took a
    third of docxtpl's time per document; here it happens once, and renders append.
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            if info.filename not in dynamic:
                target.writestr(_member_info(info), source.read(info))
        infos = {info.filename: info for info in source.infolist()}
    return buffer.getvalue(), infos


def _runtime_message(error: Exception, source: str) -> str | None:
    """The user's message for an error raised while rendering; ``None`` if not Jinja's."""
    from jinja2 import TemplateError
    from jinja2.exceptions import SecurityError, UndefinedError

    lineno = None
    trace = error.__traceback__
    while trace is not None:  # Jinja rewrites tracebacks: template frames carry its lines
        if trace.tb_frame.f_code.co_filename == "<template>":
            lineno = trace.tb_lineno
        trace = trace.tb_next
    if lineno is None and not isinstance(error, TemplateError | TemplateBudgetError):
        return None
    text = str(error).rstrip(".")
    name = re.fullmatch(r"'(\w+)' is undefined", text)
    attribute = re.search(r"attribute '(\w+)'", text)
    hint = name.group(1) if name else attribute.group(1) if attribute else None
    if isinstance(error, TemplateBudgetError):
        message = text
    elif isinstance(error, SecurityError):
        message = _("the sandbox refuses access to Python internals ({error})").format(error=text)
    elif isinstance(error, UndefinedError):
        undefined = _("undefined variable '{name}'") if name else _("undefined attribute '{name}'")
        message = undefined.format(name=hint)
    else:
        message = text if isinstance(error, TemplateError) else f"{type(error).__name__}: {text}"
    near = _place(source, lineno, hint)
    return _("{message} in {near}").format(message=message, near=near) if near else message


def _place(source: str, lineno: int | None, hint: str | None) -> str | None:
    """The tags (or the text) of line ``lineno``, preferring a tag that mentions ``hint``."""
    from xml.sax.saxutils import unescape  # noqa: PLC0415 (it loads urllib, http and email)

    lines = source.split("\n")
    if lineno is None or not 1 <= lineno <= len(lines):
        return None
    tags = [unescape(re.sub(r"<[^>]*>", "", tag)) for tag in _TAG.findall(lines[lineno - 1])]
    for tag in tags:
        if hint and re.search(rf"\b{re.escape(hint)}\b", tag):
            return tag
    if tags:
        return " ".join(tags[:3])
    text = unescape(re.sub(r"<[^>]*>", "", lines[lineno - 1])).strip()
    return f"'{text[:80]}'" if text else None
