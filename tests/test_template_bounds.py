"""Templates that would never end: every render is bounded, and a template past a bound
is refused with a line naming the template and the tag (hostile inputs, class 8)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from slrbcall.documents import sandbox
from slrbcall.documents.render import Renderer
from slrbcall.errors import InputFileError
from tests.test_render import make_docx

HOSTILE = [
    pytest.param(
        "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
        "the template loops more than 1,000,000 times: check its loops and ranges",
        id="nested-ranges",
    ),
    pytest.param(
        "{% for i in range(100000) %}{% for j in range(100000) %}{{ j }}{% endfor %}{% endfor %}",
        "the template loops more than 1,000,000 times: check its loops and ranges",
        id="nested-ranges-writing",
    ),
    pytest.param(
        "{{ range(1000000000) | length }}",
        "OverflowError: Range too big. The sandbox blocks ranges larger than MAX_RANGE (100000)",
        id="range-of-a-billion",
    ),
    pytest.param("{{ 10 ** 1000000 }}", "the exponent 1000000 is above 64", id="huge-power"),
    pytest.param(
        "{{ 10 ** 10 ** 10 }}", "10000000000 ** 10 is too large for a document", id="tower"
    ),
    pytest.param("{{ 99999999 ** 60 }}", "99999999 ** 60 is too large for a document", id="big"),
    pytest.param(
        "{{ 'x' * 1000000000 }}",
        "'*' would build 1,000,000,000 items (at most 1,000,000)",
        id="long-text",
    ),
    pytest.param(
        "{{ ([0] * 100000) * 100000 }}",
        "'*' would build 10,000,000,000 items (at most 1,000,000)",
        id="long-list",
    ),
    pytest.param(
        "{% for i in range(3000) %}{{ 'x' * 999999 }}{% endfor %}",
        "the template writes more than 20,000,000 characters",
        id="output",
    ),
    pytest.param(
        "{% for i in range(100000)|reverse %}{% for j in range(100) %}{% endfor %}{% endfor %}",
        "the template loops more than 1,000,000 times: check its loops and ranges",
        id="reversed",
    ),
    pytest.param(
        "{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}",
        "RecursionError: maximum recursion depth exceeded",
        id="recursion",
    ),
    pytest.param("{{ lipsum(n=100000000) }}", "undefined variable 'lipsum'", id="lipsum"),
]


@pytest.mark.parametrize(("tag", "message"), HOSTILE)
def test_a_template_that_would_never_end_is_refused(tmp_path: Path, tag: str, message: str) -> None:
    path = make_docx(tmp_path / "convention.fr.docx", ["Texte", tag])
    started = time.monotonic()
    with pytest.raises(InputFileError) as caught:
        Renderer(path).render({"name": "x"})
    assert time.monotonic() - started < sandbox.MAX_SECONDS + 2
    assert str(caught.value).startswith(f"{path}: {message}")


def test_the_clock_bounds_a_render(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sandbox, "MAX_SECONDS", 0.2)
    monkeypatch.setattr(sandbox, "MAX_STEPS", 10**12)
    path = make_docx(
        tmp_path / "t.docx",
        ["{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"],
    )
    started = time.monotonic()
    with pytest.raises(InputFileError, match=r"the template runs longer than 0\.2 s"):
        Renderer(path).render({})
    assert time.monotonic() - started < 5


@pytest.mark.parametrize(
    ("tag", "text"),
    [
        pytest.param("{{ 2 ** 10 }}", "1024", id="small-power"),
        pytest.param("{{ '-' * 20 }}", "-" * 20, id="rule"),
        pytest.param("{% for i in range(3) %}{{ i }}{% endfor %}", "012", id="range"),
        pytest.param("{{ range(5) | list | length }}", "5", id="range-length"),
        pytest.param("{% for i in range(3) | reverse %}{{ i }}{% endfor %}", "210", id="reverse"),
    ],
)
def test_ordinary_templates_render_as_before(tmp_path: Path, tag: str, text: str) -> None:
    import io

    from docx import Document

    path = make_docx(tmp_path / "t.docx", [tag])
    document = Document(io.BytesIO(Renderer(path).render({})))
    assert document.paragraphs[0].text == text
