"""Rendering DOCX documents: tiny templates built here, and the real ones in templates/.

Every rendered document is read back (paragraphs, tables, headers, footers) and its
document.xml parsed; DOCX bytes are never compared with a stored file.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import threading
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from hypothesis import given
from hypothesis import strategies as st

from slrbcall.documents.batch import MANIFEST_NAME, RenderJob, render_documents, safe_filename
from slrbcall.documents.render import Renderer, jinja_environment
from slrbcall.errors import InputFileError, RefusedError

REPO = Path(__file__).resolve().parent.parent
TEMPLATES = REPO / "templates"
TRICKY = "Foyer & Co <SCRL> {{ 7*7 }} {% if true %}x{% endif %}"


# -- building and reading documents ----------------------------------------------------


def make_docx(
    path: Path,
    paragraphs: Sequence[str] = (),
    *,
    table: Sequence[Sequence[str]] = (),
    header: str | None = None,
    footer: str | None = None,
) -> Path:
    """A .docx made with python-docx: paragraphs, then a table, header and footer."""
    from docx import Document

    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for row, values in zip(grid.rows, table, strict=True):
            for cell, value in zip(row.cells, values, strict=True):
                cell.text = value
    if header is not None:
        document.sections[0].header.paragraphs[0].text = header
    if footer is not None:
        document.sections[0].footer.paragraphs[0].text = footer
    document.save(str(path))
    return path


@dataclass
class ReadBack:
    paragraphs: list[str] = field(default_factory=list)  # body, outside tables
    tables: list[list[list[str]]] = field(default_factory=list)
    headers: list[str] = field(default_factory=list)
    footers: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        cells = [c for table in self.tables for row in table for c in row]
        return "\n".join(self.paragraphs + cells + self.headers + self.footers)


def read_back(source: Path | bytes) -> ReadBack:
    """What Word would show, read with python-docx; document.xml must be well formed."""
    from docx import Document

    data = source.read_bytes() if isinstance(source, Path) else source
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        ElementTree.fromstring(package.read("word/document.xml"))
    document = Document(io.BytesIO(data))
    found = ReadBack(paragraphs=[p.text for p in document.paragraphs])
    found.tables = [[[cell.text for cell in row.cells] for row in t.rows] for t in document.tables]
    for section in document.sections:
        if not section.header.is_linked_to_previous:
            found.headers += [p.text for p in section.header.paragraphs]
        if not section.footer.is_linked_to_previous:
            found.footers += [p.text for p in section.footer.paragraphs]
    return found


def assert_no_tags(found: ReadBack, *, except_for: Sequence[str] = ()) -> None:
    """No tag left in the text, apart from the data ``except_for`` (which may hold some)."""
    text = found.text
    for data in except_for:
        text = text.replace(data, "")
    assert not re.search(r"\{\{|\{%|\}\}|%\}", text), text


def context(kind: str, lang: str, **changes: Any) -> dict[str, Any]:
    """The lead's full sample context (every key the real templates use), with changes."""
    from slrbcall.documents.sample import sample_context

    values = sample_context(kind, lang) | {"call_id": "empowerment-2024", "reference": "EMP24-007"}
    return values | changes


# -- tiny templates --------------------------------------------------------------------


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    return make_docx(
        tmp_path / "tiny.docx",
        [
            "Bonjour {{ name }}.",
            "{%p if show %}",
            "Montré.",
            "{%p endif %}",
            "{%p for item in items %}",
            "– {{ item }}",
            "{%p endfor %}",
        ],
        table=[
            ["Label", "Amount"],
            ["{%tr for row in rows %}", ""],
            ["{{ row.label }}", "{{ row.amount }}"],
            ["{%tr endfor %}", ""],
        ],
        header="Réf. {{ reference }}",
        footer="{{ name }} · page",
    )


def test_paragraphs_table_rows_conditions_header_and_footer_render(tiny: Path) -> None:
    values = {
        "name": "Binhôme",
        "show": True,
        "items": ["un", "deux"],
        "rows": [{"label": "A", "amount": "1,00 €"}, {"label": "B", "amount": "2,00 €"}],
        "reference": "EMP24-001",
    }
    found = read_back(Renderer(tiny).render(values))
    assert found.paragraphs == ["Bonjour Binhôme.", "Montré.", "– un", "– deux"]
    assert found.tables == [[["Label", "Amount"], ["A", "1,00 €"], ["B", "2,00 €"]]]
    assert found.headers == ["Réf. EMP24-001"]
    assert found.footers == ["Binhôme · page"]
    assert_no_tags(found)

    hidden = read_back(Renderer(tiny).render(values | {"show": False, "items": [], "rows": []}))
    assert hidden.paragraphs == ["Bonjour Binhôme."]
    assert hidden.tables == [[["Label", "Amount"]]]


def test_applicant_text_is_data_never_template_source(tiny: Path) -> None:
    values = {
        "name": TRICKY,
        "show": False,
        "items": [],
        "rows": [],
        "reference": "{{ reference }}",
    }
    found = read_back(Renderer(tiny).render(values))
    assert found.paragraphs == [f"Bonjour {TRICKY}."]
    assert found.headers == ["Réf. {{ reference }}"]
    assert "49" not in found.text
    assert_no_tags(found, except_for=[TRICKY, "{{ reference }}"])


def test_ampersand_and_angle_brackets_stay_text(tiny: Path) -> None:
    values = {"name": "Foyer & Co <SCRL>", "show": False, "items": [], "rows": [], "reference": "R"}
    blob = Renderer(tiny).render(values)
    assert read_back(blob).paragraphs == ["Bonjour Foyer & Co <SCRL>."]
    with zipfile.ZipFile(io.BytesIO(blob)) as package:
        assert "Foyer &amp; Co &lt;SCRL&gt;" in package.read("word/document.xml").decode()


def test_word_line_breaks_and_control_characters_in_applicant_text(tiny: Path) -> None:
    """Text copied from Word holds \v for a line break; XML forbids it and most controls."""
    name = "ligne 1\vligne 2\x00\x1f\ufffe"
    values = {"name": name, "show": False, "items": [], "rows": [], "reference": "R"}
    found = read_back(Renderer(tiny).render(values))
    assert found.paragraphs == ["Bonjour ligne 1\nligne 2."]
    assert found.footers == ["ligne 1\nligne 2 · page"]


def test_the_environment_is_sandboxed_strict_and_escaping() -> None:
    from jinja2 import StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    env = jinja_environment()
    assert isinstance(env, SandboxedEnvironment)
    assert env.undefined is StrictUndefined
    assert env.autoescape is True
    # no extra globals; no lipsum (text of any length), and a counted range
    assert set(env.globals) == set(SandboxedEnvironment().globals) - {"lipsum"}
    assert env.globals["range"] is not SandboxedEnvironment().globals["range"]


# -- errors ------------------------------------------------------------------------------


def render_error(path: Path, values: dict[str, Any]) -> str:
    with pytest.raises(InputFileError) as caught:
        Renderer(path).render(values)
    assert caught.value.exit_code == 3
    return str(caught.value)


def test_a_typo_names_the_template_and_the_tag(tmp_path: Path) -> None:
    path = make_docx(tmp_path / "convention.fr.docx", ["Projet « {{ project_titel }} »."])
    message = render_error(path, {"project_title": "X"})
    assert message == f"{path}: undefined variable 'project_titel' in {{{{ project_titel }}}}"


def test_a_typo_in_a_loop_attribute_and_in_the_footer(tmp_path: Path) -> None:
    path = make_docx(
        tmp_path / "t.docx",
        ["{%p for party in parties %}", "{{ loop.index }}. {{ party.nam }}", "{%p endfor %}"],
        footer="{{ call_id }}",
    )
    message = render_error(path, {"parties": [{"name": "A"}], "call_id": "c"})
    assert message == f"{path}: undefined attribute 'nam' in {{{{ party.nam }}}}"
    message = render_error(path, {"parties": []})
    assert message == f"{path}: footer: undefined variable 'call_id' in {{{{ call_id }}}}"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "{{ name | }}",
            "template syntax error: expected token 'name', got 'end of print statement', near {{ name | }}",
            id="bad-filter",
        ),
        pytest.param(
            "{% if name %}never closed",
            "template syntax error: Unexpected end of template",
            id="unclosed-if",
        ),
    ],
)
def test_a_syntax_error_is_an_input_file_error(tmp_path: Path, text: str, expected: str) -> None:
    path = make_docx(tmp_path / "t.docx", [text])
    with pytest.raises(InputFileError) as caught:
        Renderer(path)
    assert str(caught.value).startswith(f"{path}: {expected}")


@pytest.mark.parametrize(
    "tag",
    [
        pytest.param("{{ ''.__class__.__mro__ }}", id="str-mro"),
        pytest.param("{{ cycler.__init__.__globals__ }}", id="cycler-globals"),
        pytest.param("{{ name.__class__.__base__.__subclasses__() }}", id="subclasses"),
    ],
)
def test_the_sandbox_refuses_python_internals(tmp_path: Path, tag: str) -> None:
    path = make_docx(tmp_path / "evil.docx", [f"Hello {tag}"])
    message = render_error(path, {"name": "x"})
    assert message.startswith(
        f"{path}: the sandbox refuses access to Python internals (access to attribute '__"
    )
    assert message.endswith(f"is unsafe) in {tag}")


def test_a_missing_template(tmp_path: Path) -> None:
    path = tmp_path / "convention.nl.docx"
    with pytest.raises(InputFileError) as caught:
        Renderer(path)
    assert str(caught.value) == (
        f"{path}: template not found (run 'slrbcall templates init' or pass --templates-dir)"
    )


def test_a_text_file_renamed_docx_and_a_workbook(tmp_path: Path) -> None:
    import openpyxl  # type: ignore[import-untyped]

    text = tmp_path / "convention.fr.docx"
    text.write_text("Ceci n'est pas un document Word.\n", encoding="utf-8")
    with pytest.raises(InputFileError) as caught:
        Renderer(text)
    assert str(caught.value) == f"{text}: not a Word document (.docx): it is not a ZIP package"
    workbook = tmp_path / "letter.docx"
    openpyxl.Workbook().save(workbook)
    with pytest.raises(InputFileError) as caught:
        Renderer(workbook)
    assert str(caught.value) == (
        f"{workbook}: not a Word document (.docx): it is another kind of Office file"
    )


# -- the real templates ------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["nl", "fr"])
@pytest.mark.parametrize("kind", ["convention", "letter-award", "letter-refusal"])
def test_every_real_template_renders_completely(kind: str, lang: str) -> None:
    values = context(kind, lang, project_title=TRICKY)
    found = read_back(Renderer(TEMPLATES / f"{kind}.{lang}.docx").render(values))
    assert_no_tags(found, except_for=[TRICKY])
    assert TRICKY in found.text
    # The footer names the call by its title, and numbers the pages ("page 2 / 3"): the
    # numbers are fields, which python-docx does not read as text.
    page = "page" if lang == "fr" else "pagina"
    assert found.footers == [f"{values['call_title_heading']} – EMP24-007 – {page}  / "]
    figures = values["requested_figures" if kind == "letter-refusal" else "amount_figures"]
    assert figures in found.text


@pytest.mark.parametrize("kind", ["convention", "amendment", "letter-refusal"])
def test_pages_are_numbered_and_blocks_never_split(kind: str) -> None:
    """Page numbers as fields; a table row, a signature block or the closing of a letter
    kept on one page; and in French, no-break spaces inside guillemets and before a colon."""
    data = Renderer(TEMPLATES / f"{kind}.fr.docx").render(context(kind, "fr"))
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        footer = package.read("word/footer1.xml").decode("utf-8")
        body = package.read("word/document.xml").decode("utf-8")
    assert 'w:instr="PAGE"' in footer
    assert 'w:instr="NUMPAGES"' in footer
    assert "<w:keepNext/>" in body
    if kind != "letter-refusal":
        rows = re.findall(r"<w:tr\b.*?</w:tr>", body, flags=re.DOTALL)
        assert rows
        assert all("<w:cantSplit/>" in row for row in rows)
    text = read_back(data).text
    assert "«\u00a0" in text
    assert "\u00a0»" in text
    assert not re.search(r"« | »| :", text)


def test_the_real_convention_lists_parties_and_tranches() -> None:
    sample = context("convention", "fr")
    party, tranche = sample["parties"][0], sample["tranches"][0]
    parties = [
        party
        | {
            "name": "Foyer Schaerbeekois",
            "legal_form": "SCRL",
            "enterprise_number": "0123.456.789",
        },
        party | {"name": "ASBL Potagers", "legal_form": None, "enterprise_number": None},
    ]
    tranches = [
        tranche
        | {
            "number": 1,
            "percent_text": "60 %",
            "amount_figures": "26 434,80 €",
            "condition_text": "à la signature",
        },
        tranche
        | {
            "number": 2,
            "percent_text": "40 %",
            "amount_figures": "17 623,20 €",
            "condition_text": "au rapport final",
        },
    ]
    values = sample | {"parties": parties, "tranches": tranches}
    found = read_back(Renderer(TEMPLATES / "convention.fr.docx").render(values))
    assert any(
        p.startswith("1. Foyer Schaerbeekois, SCRL, n° BCE 0123.456.789") for p in found.paragraphs
    )
    assert any(p.startswith("2. ASBL Potagers, n° BCE ……………………") for p in found.paragraphs)
    assert found.tables[0][1:] == [
        ["1", "60 %", "26 434,80 €", "à la signature"],
        ["2", "40 %", "17 623,20 €", "au rapport final"],
    ]


def test_one_renderer_gives_each_document_its_own_content_as_docxtpl_would() -> None:
    """Reuse is safe: renders do not leak into each other, and match a fresh DocxTemplate."""
    from docxtpl import DocxTemplate
    from lxml import etree  # type: ignore[import-untyped]

    path = TEMPLATES / "convention.fr.docx"
    renderer = Renderer(path)
    first = context("convention", "fr", project_title="Premier projet", reference="R-1")
    parties = context("convention", "fr")["parties"]
    second = context("convention", "fr", project_title="Second projet", reference="R-2")
    second |= {"tranches": [], "parties": parties[:1]}
    blobs = [renderer.render(first), renderer.render(second), renderer.render(first)]
    texts = [read_back(blob) for blob in blobs]
    assert "Premier projet" in texts[0].text
    assert "Second projet" not in texts[0].text
    assert "Second projet" in texts[1].text
    assert "R-1" not in texts[1].text
    assert len(texts[1].tables[0]) == 1
    assert parties[-1]["name"] not in texts[1].text
    assert texts[2] == texts[0]

    for values, blob in ((first, blobs[0]), (second, blobs[1])):
        fresh = DocxTemplate(str(path))
        fresh.render(values, jinja_environment())
        expected = io.BytesIO()
        fresh.save(expected)
        with zipfile.ZipFile(expected) as theirs, zipfile.ZipFile(io.BytesIO(blob)) as ours:
            assert sorted(ours.namelist()) == sorted(theirs.namelist())
            for member in ("word/document.xml", "word/footer1.xml"):
                canonical = [
                    etree.tostring(etree.fromstring(z.read(member)), method="c14n")
                    for z in (ours, theirs)
                ]
                assert canonical[0] == canonical[1], member


def test_variables_lists_what_the_template_reads(tmp_path: Path) -> None:
    path = make_docx(
        tmp_path / "t.docx",
        [
            "{{ name }}",
            "{%p for party in parties %}",
            "{{ party.name }} {{ loop.index }}",
            "{%p endfor %}",
        ],
        footer="{{ reference }} {{ range(2) | list }}",
    )
    assert Renderer(path).variables == {"name", "parties", "reference"}


# -- file names ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        pytest.param(
            ("empowerment-2024", "EMP24-001", "convention.fr"),
            "empowerment-2024_EMP24-001_convention.fr.docx",
            id="plain",
        ),
        pytest.param(
            ("call", "../../etc/passwd", "convention.fr"),
            "call_etc-passwd_convention.fr.docx",
            id="traversal",
        ),
        pytest.param(("..\\..\\Windows\\win.ini",), "Windows-win.ini.docx", id="windows-traversal"),
        pytest.param(("CON",), "CON_.docx", id="con"),
        pytest.param(("nul.fr",), "nul_.fr.docx", id="nul-with-extension"),
        pytest.param(("Com1",), "Com1_.docx", id="com1"),
        pytest.param(("LPT9", "x"), "LPT9_x.docx", id="lpt9-joined-is-fine"),
        pytest.param(
            ("Œuvre à cœur — Zoë",), "OEuvre-a-coeur-Zoe.docx", id="accents-and-ligatures"
        ),
        pytest.param((".hidden",), "hidden.docx", id="leading-dot"),
        pytest.param(("a..b", "c"), "a.b_c.docx", id="double-dot"),
        pytest.param(("", "...", "/"), "document.docx", id="empty"),
    ],
)
def test_safe_filename(parts: tuple[str, ...], expected: str) -> None:
    assert safe_filename(*parts, suffix=".docx") == expected


def test_safe_filename_cuts_to_120_characters_and_keeps_the_suffix() -> None:
    name = safe_filename("x" * 300, suffix=".docx")
    assert len(name) == 120
    assert name.endswith("x.docx")
    with pytest.raises(ValueError, match="not a file suffix"):
        safe_filename("x", suffix="/../.docx")


@given(st.lists(st.text(), max_size=4))
def test_safe_filename_is_always_a_plain_safe_name(parts: list[str]) -> None:
    name = safe_filename(*parts, suffix=".docx")
    assert re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9._-]*\.docx", name)
    assert ".." not in name
    assert len(name) <= 120
    assert Path(name).name == name
    assert name.split(".")[0].upper() not in {"CON", "PRN", "AUX", "NUL", "COM1", "LPT1"}


# -- batches ---------------------------------------------------------------------------------


def jobs_for(references: Sequence[str], *, broken: int | None = None) -> list[RenderJob]:
    """Conventions and letters, one per reference; job ``broken`` lacks a variable."""
    jobs = []
    for index, reference in enumerate(references):
        kind = ("convention", "letter-award", "letter-refusal")[index % 3]
        lang = ("fr", "nl")[index % 2]
        values = context(kind, lang, reference=reference)
        if index == broken:
            del values["place"]  # every template uses it
        name = safe_filename("empowerment-2024", reference, f"{kind}.{lang}", suffix=".docx")
        jobs.append(RenderJob(TEMPLATES / f"{kind}.{lang}.docx", values, name))
    return jobs


def folder_listing(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


def check_manifest(out: Path, jobs: Sequence[RenderJob]) -> None:
    recorded = json.loads((out / MANIFEST_NAME).read_text(encoding="utf-8"))["files"]
    assert [entry["file"] for entry in recorded] == [job.filename for job in jobs]
    for entry, job in zip(recorded, jobs, strict=True):
        data = (out / entry["file"]).read_bytes()
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
        assert entry["size"] == len(data)
        assert entry["template"] == str(job.template)
        assert entry["template_sha256"] == hashlib.sha256(job.template.read_bytes()).hexdigest()
        found = read_back(data)
        assert_no_tags(found)
        assert job.context["reference"] in found.text


def test_a_batch_writes_every_document_and_a_true_manifest(tmp_path: Path) -> None:
    out = tmp_path / "out" / "documents"  # created
    jobs = jobs_for(["EMP24-001", "EMP24-002", "../../etc/passwd", "CON"])
    jobs.append(RenderJob(jobs[0].template, jobs[0].context, safe_filename("CON", suffix=".docx")))
    seen: list[tuple[int, int]] = []
    manifest = render_documents(
        jobs, out_dir=out, progress=lambda done, total: seen.append((done, total))
    )
    assert manifest.path == out / MANIFEST_NAME
    assert folder_listing(out) == sorted([job.filename for job in jobs] + [MANIFEST_NAME])
    assert "empowerment-2024_etc-passwd_letter-refusal.fr.docx" in folder_listing(out)
    assert "CON_.docx" in folder_listing(out)
    assert [entry.file for entry in manifest.files] == [job.filename for job in jobs]
    check_manifest(out, jobs)
    assert seen[-1] == (5, 5)


@pytest.mark.parametrize("workers", [pytest.param(1, id="in-process"), pytest.param(2, id="pool")])
def test_a_failing_job_leaves_nothing_of_its_batch(tmp_path: Path, workers: int) -> None:
    (tmp_path / "earlier.docx").write_bytes(b"an earlier batch")
    jobs = jobs_for([f"EMP24-{i:03d}" for i in range(8)], broken=4)
    with pytest.raises(InputFileError) as caught:
        render_documents(jobs, out_dir=tmp_path, workers=workers)
    assert str(caught.value) == f"{jobs[4].template}: undefined variable 'place' in {{{{ place }}}}"
    assert folder_listing(tmp_path) == ["earlier.docx"]  # no document, no manifest, no temp folder
    assert (tmp_path / "earlier.docx").read_bytes() == b"an earlier batch"


def test_a_pool_renders_as_one_process_does(tmp_path: Path) -> None:
    jobs = jobs_for([f"EMP24-{i:03d}" for i in range(12)])
    render_documents(jobs, out_dir=tmp_path / "one", workers=1)
    render_documents(jobs, out_dir=tmp_path / "two", workers=2)
    check_manifest(tmp_path / "two", jobs)
    for job in jobs:
        assert read_back(tmp_path / "two" / job.filename) == read_back(
            tmp_path / "one" / job.filename
        )


def test_a_spawned_pool_works_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Windows and macOS spawn their workers; so does Linux when threads run."""
    monkeypatch.setattr(threading, "active_count", lambda: 2)
    jobs = jobs_for([f"EMP24-{i:03d}" for i in range(4)])
    render_documents(jobs, out_dir=tmp_path, workers=2)
    check_manifest(tmp_path, jobs)


def test_refusals_before_any_work(tmp_path: Path) -> None:
    jobs = jobs_for(["EMP24-001"])
    afile = tmp_path / "out"
    afile.write_text("", encoding="utf-8")
    with pytest.raises(RefusedError, match="is a file"):
        render_documents(jobs, out_dir=afile)
    twins = jobs_for(["A/1", "A-1"])
    twins[1] = RenderJob(twins[1].template, twins[1].context, twins[0].filename.upper())
    with pytest.raises(RefusedError, match="two documents would both be written to"):
        render_documents(twins, out_dir=tmp_path / "twins")
    with pytest.raises(ValueError, match="unsafe document file name"):
        render_documents([RenderJob(jobs[0].template, {}, "../x.docx")], out_dir=tmp_path / "x")
    missing = [RenderJob(tmp_path / "nope.docx", {}, "a.docx")]
    with pytest.raises(InputFileError, match="template not found"):
        render_documents(missing, out_dir=tmp_path / "missing")
    assert folder_listing(tmp_path / "missing") == []
