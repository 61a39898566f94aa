"""Random bytes, and odd but valid workbooks and call definitions, thrown at ``intake``,
``score`` and ``calls validate`` through the command line (issue 20): never a traceback,
an exit code of the documented set, and a workspace unchanged by a refusal.

The examples are drawn the same way on every run (``derandomize``), so that the suite
stays stable; ``SLRBCALL_FUZZ=N`` draws N examples per test instead, at random, to hunt.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Callable
from contextlib import closing
from decimal import Decimal
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from slrbcall.cli.app import app

from .conftest import empowerment_text, write_call
from .test_intake import HEADER, row

EXITS = {0, 1, 2, 3, 4, 5}
_HUNT = int(os.environ.get("SLRBCALL_FUZZ", "0"))


def fuzz(examples: int) -> Callable[[Callable[..., None]], Callable[..., None]]:
    return settings(
        max_examples=_HUNT or examples,
        derandomize=not _HUNT,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )


def run(*args: str | Path) -> tuple[int, str]:
    """``slrbcall ARGS`` in-process: its exit code and stderr; any traceback fails."""
    result = CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code in EXITS, result
    assert "Traceback" not in result.stderr
    return result.exit_code, result.stderr


def tables(db: Path) -> str:
    """A digest of every row of every table of a workspace."""
    digest = hashlib.sha256()
    with closing(sqlite3.connect(db)) as conn:
        names = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name"
            )
        ]
        for name in names:
            for row in conn.execute(f'SELECT * FROM "{name}" ORDER BY 1'):
                digest.update(repr((name, row)).encode())
    return digest.hexdigest()


def taken_in(scored_db: Path, command: str, data: bytes, name: str) -> None:
    """``slrbcall COMMAND FILE`` with ``data`` as the file, on a copy of a workspace that
    holds the example's applications and marks; a refusal must leave it as it was."""
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "ws.db"
        shutil.copy(scored_db, db)
        before = tables(db)
        path = Path(folder) / name
        path.write_bytes(data)
        code, _ = run("--db", db, "--call", "empowerment-2023", command, path)
        if code != 0:
            assert tables(db) == before


# -- random bytes -----------------------------------------------------------------------

MAGIC = [
    b"",
    b"PK\x03\x04",
    b"PK\x05\x06",
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"<html>",
    b"%PDF-1.4",
    b"Reference;Housing company;Project title;Theme;Requested amount\n",
]
noise = st.builds(
    lambda magic, rest: magic + rest, st.sampled_from(MAGIC), st.binary(max_size=2048)
)


@fuzz(60)
@given(data=noise, command=st.sampled_from(["intake", "score"]))
def test_random_bytes(scored_db: Path, data: bytes, command: str) -> None:
    taken_in(scored_db, command, data, "file.xlsx")


# -- odd workbooks ----------------------------------------------------------------------

HEADERS = [
    "Reference",
    "Référence *",
    "Referentie",
    "Housing company",
    "Partner",
    "Project title",
    "Theme",
    "Requested amount",
    "Montant demandé",
    "Duration (months)",
    "Start date",
    "Language",
    "Residents targeted",
    "Contact e-mail",
    "Reviewer",
    "empowerment",
    "feasibility",
    "Comment",
    "",
    "=SUM(A1:A2)",
    "Notes\u200b",
]
texts = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        [
            "EMP23-01",
            "ＥＭＰ２３-０１",
            "EMP23\u200b-01",
            "Log'iris",
            "Comensia",
            "finances",
            "Fracture numérique",
            "44.058,00",
            "1,500",
            "0.010",
            "€ 44.058",
            "99999999999999999999",
            "1e20",
            "nan",
            "31/12/9999",
            "2024-02-30",
            "=1+1",
            "{{ 7*7 }}",
            "\u202eevil",
            "a\x00b",
            "  ",
            "fr",
            "nl",
        ]
    ),
)
numbers = st.one_of(
    st.integers(min_value=-(10**20), max_value=10**20),
    st.decimals(allow_nan=False, allow_infinity=False, places=3, max_value=10**12, min_value=-1),
    st.floats(allow_nan=False, allow_infinity=False, width=64),
)
cells = st.one_of(
    st.none(),
    texts,
    numbers,
    st.booleans(),
    st.dates(min_value=datetime.date(1900, 3, 1), max_value=datetime.date(9999, 12, 31)),
)


def workbook(rows: list[list[Any]], *, kind: str) -> bytes:
    """``rows`` as an .xlsx made by openpyxl, or a CSV with ``;``."""
    if kind == "csv":
        text = "\n".join(";".join("" if v is None else str(v) for v in line) for line in rows)
        return text.encode("utf-8", "replace")
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for values in rows:
        sheet.append([float(v) if isinstance(v, Decimal) else v for v in values])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


sheets = st.lists(st.lists(cells, min_size=1, max_size=8), min_size=0, max_size=8).flatmap(
    lambda body: st.builds(
        lambda header, title: [[t] for t in title] + [header] + body,
        st.lists(st.sampled_from(HEADERS), min_size=1, max_size=10),
        st.lists(texts, max_size=2),
    )
)


APPLICATION = [*HEADER, "Residents targeted"]
MARKS = ["Reference", "Reviewer", "empowerment", "partnership", "participation"]
MARKS += ["feasibility", "sustainability", "Comment"]


def application(number: int) -> list[Any]:
    return [*row(f"EMP23-{number:02d}", "Comensia"), 40]


def marks(number: int) -> list[Any]:
    return [f"EMP23-{number:02d}", "finances", 7, 7.5, 6, 8, 7, None]


def nearly(make: Callable[[int], list[Any]]) -> st.SearchStrategy[list[Any]]:
    """A row as it should be, with one to three cells changed."""
    return st.builds(
        lambda number, changes: _changed(make(number), changes),
        st.integers(min_value=1, max_value=20),
        st.lists(st.tuples(st.integers(min_value=0, max_value=9), cells), min_size=1, max_size=3),
    )


def _changed(values: list[Any], changes: list[tuple[int, Any]]) -> list[Any]:
    for at, value in changes:
        values[at % len(values)] = value
    return values


nearly_right = st.one_of(
    st.lists(nearly(application), min_size=1, max_size=6).map(lambda rows: [APPLICATION, *rows]),
    st.lists(nearly(marks), min_size=1, max_size=6).map(lambda rows: [MARKS, *rows]),
)


@fuzz(40)
@given(
    rows=st.one_of(sheets, nearly_right),
    command=st.sampled_from(["intake", "score"]),
    kind=st.sampled_from(["xlsx", "csv"]),
)
def test_odd_workbooks(scored_db: Path, rows: list[list[Any]], command: str, kind: str) -> None:
    from openpyxl.utils.exceptions import IllegalCharacterError

    try:
        data = workbook(rows, kind=kind)
    except (ValueError, TypeError, IllegalCharacterError):  # what openpyxl cannot write
        return
    taken_in(scored_db, command, data, f"file.{kind}")


# -- odd call definitions ----------------------------------------------------------------

SHIPPED = empowerment_text().splitlines()
scalars = st.one_of(
    st.sampled_from(
        [
            "123456789012345678901234567890",
            "1234567890123",
            "2.55e5",
            ".nan",
            "-.inf",
            "*anchor",
            "&anchor x",
            "!!python/object:os.system x",
            "[1, [2, [3]]]",
            "{a: {b: {c: d}}}",
            "'99.999.999.999,00'",
            "0012",
            "NO",
            "~",
            "-1",
            "0",
            "9" * 5000,
            "'0,001'",
            "2023-02-30",
            "\u202e",
            "|\n  block",
        ]
    ),
    st.text(max_size=20).map(lambda t: t.replace("\n", " ")),
)


def mutate(lines: list[str], where: int, how: str, value: str) -> str:
    at = where % len(lines)
    line = lines[at]
    if how == "value" and ":" in line:
        key = line.split(":", 1)[0]
        lines = [*lines[:at], f"{key}: {value}", *lines[at + 1 :]]
    elif how == "drop":
        lines = lines[:at] + lines[at + 1 :]
    elif how == "repeat":
        lines = [*lines[: at + 1], line, *lines[at + 1 :]]
    else:
        lines = [*lines[:at], value, *lines[at:]]
    return "\n".join(lines) + "\n"


calls = st.one_of(
    st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=len(SHIPPED) - 1),
            st.sampled_from(["value", "drop", "repeat", "insert"]),
            scalars,
        ),
        min_size=1,
        max_size=4,
    ).map(lambda changes: _apply(changes)),
    st.text(max_size=300),
)


def _apply(changes: list[tuple[int, str, str]]) -> str:
    text = "\n".join(SHIPPED)
    for where, how, value in changes:
        text = mutate(text.splitlines(), where, how, value)
    return text


@fuzz(60)
@given(text=calls)
def test_odd_call_definitions(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = write_call(Path(folder) / "calls", "")
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        code, _ = run("--calls-dir", path.parent, "calls", "validate", path)
        assert code in (0, 3)
        run("--calls-dir", path.parent, "calls", "list")
