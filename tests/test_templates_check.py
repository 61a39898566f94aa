"""``templates check`` and ``templates init``: tiny templates built here, and the real ones."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

from slrbcall.documents.check import check_templates, init_templates
from slrbcall.errors import EnvironmentProblemError, Problem, RefusedError

REPO = Path(__file__).resolve().parent.parent
TEMPLATES = REPO / "templates"
NOT_FOUND = "template not found (run 'slrbcall templates init' or pass --templates-dir)"


def make_docx(path: Path, paragraphs: Sequence[str], *, footer: str | None = None) -> Path:
    from docx import Document

    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if footer is not None:
        document.sections[0].footer.paragraphs[0].text = footer
    document.save(str(path))
    return path


def tiny_context(kind: str, lang: str) -> Mapping[str, Any]:
    return {"name": "Binhôme", "summary": "Un potager.", "items": ["a", "b"]}


def check(folder: Path, *, langs: tuple[str, ...] = ("nl", "fr")) -> list[str]:
    problems = check_templates(folder, kinds=("letter",), langs=langs, context_for=tiny_context)
    return [str(problem) for problem in problems]


def test_the_real_templates_pass_with_the_sample_context() -> None:
    from slrbcall.documents.sample import sample_context

    assert check_templates(TEMPLATES, context_for=sample_context) == []


def test_the_real_templates_against_an_incomplete_context() -> None:
    from slrbcall.documents.sample import sample_context

    def without_place(kind: str, lang: str) -> Mapping[str, Any]:
        values = dict(sample_context(kind, lang))
        del values["place"]
        return values

    problems = check_templates(TEMPLATES, kinds=("convention",), context_for=without_place)
    assert problems == [
        Problem(
            str(TEMPLATES / f"convention.{lang}.docx"), "undefined variable 'place' in {{ place }}"
        )
        for lang in ("nl", "fr")
    ]


def test_good_templates_have_no_problem(tmp_path: Path) -> None:
    for lang in ("nl", "fr"):
        make_docx(
            tmp_path / f"letter.{lang}.docx", ["{{ name }}", "{{ summary }}"], footer="{{ name }}"
        )
    assert check(tmp_path) == []


def test_a_missing_template(tmp_path: Path) -> None:
    make_docx(tmp_path / "letter.nl.docx", ["{{ name }}"])
    assert check(tmp_path) == [f"{tmp_path / 'letter.fr.docx'}: {NOT_FOUND}"]


def test_a_variable_in_one_language_only(tmp_path: Path) -> None:
    make_docx(tmp_path / "letter.nl.docx", ["{{ name }}"])
    make_docx(tmp_path / "letter.fr.docx", ["{{ name }}", "Résumé : {{ summary }}"])
    assert check(tmp_path) == [
        f"{tmp_path / 'letter.fr.docx'}: uses 'summary', which letter.nl.docx does not"
    ]


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    make_docx(tmp_path / "letter.nl.docx", ["Beste {{ nmae }},", "{{ name.__class__ }}"])
    make_docx(
        tmp_path / "letter.fr.docx", ["{% for item in items %}{{ item }}"], footer="{{ name }"
    )
    make_docx(tmp_path / "letter.de.docx", ["{{ ''.__class__.__mro__ }}"])
    nl, fr, de = (tmp_path / f"letter.{lang}.docx" for lang in ("nl", "fr", "de"))
    assert check(tmp_path, langs=("nl", "fr", "de")) == [
        f"{nl}: undefined variable 'nmae' in {{{{ nmae }}}}",
        f"{fr}: template syntax error: Unexpected end of template. Jinja was looking for the "
        "following tags: 'endfor' or 'else'. The innermost block that needs to be closed is "
        "'for', near {% for item in items %} {{ item }}",
        f"{de}: the sandbox refuses access to Python internals (access to attribute "
        "'__class__' of 'str' object is unsafe) in {{ ''.__class__.__mro__ }}",
        f"{nl}: uses 'name', which letter.de.docx does not",
        f"{nl}: uses 'nmae', which letter.de.docx does not",
    ]


def test_tags_left_in_the_rendered_text(tmp_path: Path) -> None:
    # {% raw %} is how a tag gets through Jinja as text; a leftover reads the same.
    for lang in ("nl", "fr"):
        make_docx(
            tmp_path / f"letter.{lang}.docx",
            ["{{ name }}", "Geachte {% raw %}{{ name }}{% endraw %},"],
            footer="{% raw %}{% if x %}{% endraw %}{{ name }}",
        )
    nl, fr = (tmp_path / f"letter.{lang}.docx" for lang in ("nl", "fr"))
    hint = "(a tag Word split, or one Jinja did not see)"
    assert check(tmp_path) == [
        f"{path}: '{tag}' is left in the rendered {place}: '{text}' {hint}"
        for path in (nl, fr)
        for tag, place, text in (
            ("{{", "body", "Geachte {{ name }},"),
            ("{%", "footer", "{% if x %}Binhôme"),
        )
    ]


# -- init ---------------------------------------------------------------------------------


def test_init_copies_the_templates_and_their_builder(tmp_path: Path) -> None:
    target = tmp_path / "my" / "templates"
    written = init_templates(TEMPLATES, target)
    expected = [*sorted(p.name for p in TEMPLATES.glob("*.docx")), "build_templates.py"]
    assert [path.name for path in written] == expected
    assert sorted(p.name for p in target.iterdir()) == sorted(expected)
    for path in written:
        assert path.read_bytes() == (TEMPLATES / path.name).read_bytes()


def test_init_refuses_to_overwrite_unless_forced(tmp_path: Path) -> None:
    init_templates(TEMPLATES, tmp_path)
    (tmp_path / "convention.fr.docx").write_bytes(b"my own edits")
    with pytest.raises(RefusedError) as caught:
        init_templates(TEMPLATES, tmp_path)
    assert str(caught.value).startswith(
        f"{tmp_path} already holds amendment.fr.docx, amendment.nl.docx, convention.fr.docx,"
    )
    assert "settlement.nl.docx, build_templates.py: pass --force" in str(caught.value)
    assert str(caught.value).endswith(
        ": pass --force to overwrite (your changes to them would be lost)"
    )
    assert (tmp_path / "convention.fr.docx").read_bytes() == b"my own edits"
    init_templates(TEMPLATES, tmp_path, force=True)
    assert (tmp_path / "convention.fr.docx").read_bytes() == (
        TEMPLATES / "convention.fr.docx"
    ).read_bytes()


def test_init_refusals(tmp_path: Path) -> None:
    afile = tmp_path / "afile"
    afile.write_text("", encoding="utf-8")
    with pytest.raises(RefusedError, match="is a file, not a folder"):
        init_templates(TEMPLATES, afile)
    with pytest.raises(EnvironmentProblemError, match="no templates found in"):
        init_templates(tmp_path / "empty", tmp_path / "target")


# -- the mentions of a decision letter ---------------------------------------------------

#: What prints each mention in the shipped letters: a paragraph holding this text.
PRINTED_BY = {
    "legal_basis": "{{ basis }}",
    "reasons": "{{ reason }}",
    "appeal": "appeal_body",
    "ombudsman": "ombudsman_name",
    "contact": "contact_phone",
}
LETTERS = ("letter-award", "letter-refusal", "letter-reserve")


def without(template: Path, target: Path, marker: str) -> Path:
    """A copy of ``template`` without the paragraphs whose text holds ``marker``."""
    from docx import Document

    document = Document(str(template))
    for paragraph in list(document.paragraphs):
        if marker in paragraph.text:
            paragraph._p.getparent().remove(paragraph._p)
    document.save(str(target))
    return target


@pytest.mark.parametrize("lang", ["nl", "fr"])
@pytest.mark.parametrize("kind", LETTERS)
@pytest.mark.parametrize("mention", list(PRINTED_BY))
def test_a_decision_letter_without_a_mention_is_refused(
    tmp_path: Path, mention: str, kind: str, lang: str
) -> None:
    from slrbcall.documents.sample import sample_context
    from slrbcall.documents.service import decision_mentions

    marker = (
        "explanation" if (mention, kind) == ("reasons", "letter-award") else PRINTED_BY[mention]
    )
    name = f"{kind}.{lang}.docx"
    without(TEMPLATES / name, tmp_path / name, marker)
    problems = check_templates(
        tmp_path,
        kinds=(kind,),
        langs=(lang,),
        context_for=sample_context,
        mentions=decision_mentions,
    )
    what = {m[0]: m[1] for m in decision_mentions(kind)}[mention]
    assert problems == [Problem(str(tmp_path / name), f"lacks the mention of {what}")]


def test_templates_check_names_each_missing_mention_and_language(tmp_path: Path, cli: Any) -> None:
    folder = tmp_path / "templates"
    init_templates(TEMPLATES, folder)
    for lang in ("nl", "fr"):
        name = f"letter-refusal.{lang}.docx"
        without(TEMPLATES / name, folder / name, "ombudsman_name")
    without(TEMPLATES / "letter-award.fr.docx", folder / "letter-award.fr.docx", "appeal_body")
    result = cli("--templates-dir", folder, "templates", "check")
    assert result.exit_code == 3
    assert result.stderr.splitlines()[:3] == [
        f"{folder / 'letter-award.fr.docx'}: lacks the mention of the appeal route",
        f"{folder / 'letter-refusal.nl.docx'}: lacks the mention of the ombudsman and how to"
        " reach it",
        f"{folder / 'letter-refusal.fr.docx'}: lacks the mention of the ombudsman and how to"
        " reach it",
    ]
