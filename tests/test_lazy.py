"""Packages whose public names load on first use."""

from __future__ import annotations

import subprocess
import sys

import pytest

import slrbcall.services
import slrbcall.sheets


@pytest.mark.parametrize("package", [slrbcall.services, slrbcall.sheets])
def test_every_public_name_loads_and_stays(package: object) -> None:
    for name in package.__all__:  # type: ignore[attr-defined]
        value = getattr(package, name)
        assert vars(package)[name] is value  # kept: the next use is a plain lookup


@pytest.mark.parametrize("package", [slrbcall.services, slrbcall.sheets])
def test_an_unknown_name_is_an_attribute_error(package: object) -> None:
    with pytest.raises(AttributeError, match="has no attribute 'nothing_here'"):
        package.nothing_here  # type: ignore[attr-defined]  # noqa: B018


def test_reading_a_workbook_does_not_load_the_writers() -> None:
    code = (
        "import sys\n"
        "from slrbcall.sheets import read_workbook\n"
        "print(sorted(m for m in ('slrbcall.sheets.report', 'slrbcall.sheets.write',"
        " 'slrbcall.sheets.template', 'concurrent.futures') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
