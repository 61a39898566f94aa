"""The strict YAML reader: what it accepts, what it refuses, and where it says so."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from slrbcall.calls.yamlstrict import load_yaml, parse_yaml
from slrbcall.errors import InputFileError


def problems(text: str) -> list[str]:
    with pytest.raises(InputFileError) as info:
        parse_yaml(text, source="x.yaml")
    return [str(p) for p in info.value.problems]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        pytest.param("a: NO", "NO", id="NO-stays-text"),
        pytest.param("a: yes", "yes", id="yes-stays-text"),
        pytest.param("a: off", "off", id="off-stays-text"),
        pytest.param("a: true", True, id="true"),
        pytest.param("a: False", False, id="False"),
        pytest.param("a: 0012345", "0012345", id="leading-zeros-stay-text"),
        pytest.param("a: 0o17", "0o17", id="octal-stays-text"),
        pytest.param("a: 0x1F", "0x1F", id="hex-stays-text"),
        pytest.param("a: 255000", 255000, id="int"),
        pytest.param("a: -3", -3, id="negative-int"),
        pytest.param("a: 255000.50", Decimal("255000.50"), id="decimal-exact"),
        pytest.param("a: 0.1", Decimal("0.1"), id="decimal-no-float"),
        pytest.param("a: 2023-07-01", "2023-07-01", id="date-stays-text"),
        pytest.param("a: '12'", "12", id="quoted"),
        pytest.param("a: ~", None, id="tilde-null"),
        pytest.param("a:", None, id="empty-null"),
        pytest.param("a: 1_000", "1_000", id="underscores-stay-text"),
    ],
)
def test_scalars(text: str, value: object) -> None:
    data = parse_yaml(text, source="x.yaml").data
    assert data == {"a": value}
    assert type(data["a"]) is type(value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "a: 1\nb: 2\na: 3\n",
            ["x.yaml:3:1: duplicate key 'a' (first written at line 1)"],
            id="duplicate-key",
        ),
        pytest.param(
            "a: !!python/object/apply:os.system ['echo hi']\n",
            ["x.yaml:1:4: tags are not allowed (!!python/object/apply:os.system): remove the tag"],
            id="python-tag",
        ),
        pytest.param(
            "a: !custom 1\n",
            ["x.yaml:1:4: tags are not allowed (!custom): remove the tag"],
            id="custom-tag",
        ),
        pytest.param(
            "budget: 2.55e5\n",
            [
                "x.yaml:1:9: number in exponent or special form: 2.55e5 (write it in full, e.g. 255000)"
            ],
            id="exponent",
        ),
        pytest.param(
            "a: .inf\n",
            [
                "x.yaml:1:4: number in exponent or special form: .inf (write it in full, e.g. 255000)"
            ],
            id="infinity",
        ),
        pytest.param("<<: {a: 1}\n", ["x.yaml:1:1: merge keys (<<) are not allowed"], id="merge"),
        pytest.param(
            "a: 1\n---\nb: 2\n",
            ["x.yaml:2:1: only one YAML document is allowed (remove ---)"],
            id="two-documents",
        ),
        pytest.param("", ["x.yaml:1:1: the file is empty"], id="empty"),
        pytest.param("# nothing\n", ["x.yaml:1:1: the file is empty"], id="only-comment"),
        pytest.param(
            "a: [1, 2\n",
            [
                "x.yaml:2:1: not valid YAML: a list in brackets is not closed: add the ']' "
                "(and a ',' between its items)"
            ],
            id="syntax",
        ),
    ],
)
def test_refused(text: str, expected: list[str]) -> None:
    assert problems(text) == expected


def test_alias_bomb_is_refused_without_expansion() -> None:
    lines = ["a: &a ['lol','lol','lol','lol','lol','lol','lol','lol','lol']"]
    for i, name in enumerate("bcdefghij"):
        prev = "abcdefghij"[i]
        lines.append(f"{name}: &{name} [{','.join(['*' + prev] * 9)}]")
    found = problems("\n".join(lines))
    assert found[0] == "x.yaml:1:4: anchors are not allowed (&a): write the value out"
    assert "x.yaml:2:4: anchors are not allowed (&b): write the value out" in found
    assert "x.yaml:2:8: aliases are not allowed (*a): write the value out" in found
    assert len(found) == 10 + 9 * 9


def test_every_problem_is_reported_in_file_order() -> None:
    found = problems("a: 1\nb: &x 2\na: 3\nc: 1e3\n")
    assert found == [
        "x.yaml:2:4: anchors are not allowed (&x): write the value out",
        "x.yaml:3:1: duplicate key 'a' (first written at line 1)",
        "x.yaml:4:4: number in exponent or special form: 1e3 (write it in full, e.g. 255000)",
    ]


def test_positions_of_values_and_keys() -> None:
    located = parse_yaml("top:\n  items:\n    - key: a\n      n: 1\n", source="x.yaml")
    assert located.where(("top", "items", 0, "n")) == "x.yaml:4:10"
    assert located.where(("top", "items", 0, "n"), key=True) == "x.yaml:4:7"
    assert located.where(("top", "missing")) == "x.yaml:2:3"


def test_files(tmp_path: Path) -> None:
    bom = tmp_path / "bom.yaml"
    bom.write_bytes(b"\xef\xbb\xbfa: 1\n")
    assert load_yaml(bom).data == {"a": 1}

    latin = tmp_path / "latin.yaml"
    latin.write_bytes("a: é\n".encode("latin-1"))
    with pytest.raises(
        InputFileError, match=r"latin.yaml: is not UTF-8 text \(byte 3\): save it as UTF-8"
    ):
        load_yaml(latin, label="latin.yaml")

    with pytest.raises(InputFileError, match=r"^nope\.yaml: file not found"):
        load_yaml(tmp_path / "nope.yaml", label="nope.yaml")
    with pytest.raises(InputFileError, match=r"^dir: is a directory"):
        load_yaml(tmp_path, label="dir")
