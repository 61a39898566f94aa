"""Rebuild examples/organisations.yaml: the registry of the example data.

    python examples/make_registry.py

The shipped registry (calls/organisations.yaml) holds only verified facts, so the
conventions rendered with it keep blanks: no enterprise number, no account, no one to
sign for the housing companies. The example registry is the shipped one with made-up
facts added, so that the demo's documents come out whole. Every added fact is fiction
and looks it: enterprise numbers in 0000.000.xxx (no real enterprise has one), accounts
in BE.. 0000 0000 0xxx, addresses on "Rue de l'Exemple / Voorbeeldstraat", people
called Exemple or Voorbeeld. The file says `illustrative: true`, so every document
rendered with it says "EXEMPLE, données fictives" on each page.

The organisations themselves (names, kinds, communes, postal codes) are copied from the
shipped registry; tests/test_examples.py checks that they stay the same.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SHIPPED = HERE.parent / "calls" / "organisations.yaml"

HEADER = """\
# EXAMPLE DATA: the organisations registry of the example data that `slrbcall demo`
# and tests run on. Written by examples/make_registry.py from calls/organisations.yaml;
# edit that script, not this file.
#
# The organisations are the real ones of the shipped registry; every fact added here
# (enterprise numbers, accounts, addresses, representatives) is made up and looks it:
# numbers in 0000.000.xxx, accounts in BE.. 0000 0000 0xxx, "Rue de l'Exemple",
# people called Exemple or Voorbeeld. Never use it for real documents: every document
# rendered with it says "EXEMPLE, données fictives" on each page.

"""

#: First names, each with the grammatical gender of the function that goes with it.
FIRST_NAMES = (
    ("Anne", "f"),
    ("Bruno", "m"),
    ("Claire", "f"),
    ("David", "m"),
    ("Emma", "f"),
    ("Farid", "m"),
    ("Greet", "f"),
    ("Hugo", "m"),
    ("Inès", "f"),
)
FUNCTIONS = {
    ("authority", "f"): {"fr": "Directrice générale", "nl": "Directeur-generaal"},
    ("authority", "m"): {"fr": "Directeur général", "nl": "Directeur-generaal"},
    ("housing_company", "f"): {"fr": "Directrice gérante", "nl": "Directeur-zaakvoerder"},
    ("housing_company", "m"): {"fr": "Directeur gérant", "nl": "Directeur-zaakvoerder"},
    ("commune", "f"): {"fr": "Bourgmestre", "nl": "Burgemeester"},
    ("commune", "m"): {"fr": "Bourgmestre", "nl": "Burgemeester"},
}


def enterprise_number(serial: int) -> str:
    """A made-up BCE/KBO number that passes the mod-97 check: 0000.000.xxx."""
    base = serial
    check = 97 - base % 97
    digits = f"{base:08d}{check:02d}"
    return f"{digits[:4]}.{digits[4:7]}.{digits[7:]}"


def iban(serial: int) -> str:
    """A made-up Belgian IBAN that passes both checks: BE.. 0000 0000 0xxx."""
    account = f"000{serial:07d}"
    national = int(account) % 97 or 97
    bban = f"{account}{national:02d}"
    check = 98 - int(f"{bban}111400") % 97  # B=11, E=14
    return f"BE{check:02d}{bban}"


def representative(serial: int, kind: str) -> dict[str, Any]:
    first, gender = FIRST_NAMES[serial % len(FIRST_NAMES)]
    name = f"{first} {'Voorbeeld' if serial % 2 else 'Exemple'}"
    return {"name": name, "function": dict(FUNCTIONS[kind, gender])}  # no YAML alias


def with_examples(data: dict[str, Any]) -> dict[str, Any]:
    """The registry ``data`` with made-up facts for every organisation a convention names."""
    communes = {o["key"]: o for o in data["organisations"] if o["kind"] == "commune"}
    organisations = []
    for serial, org in enumerate(data["organisations"], start=1):
        org = dict(org)
        if org["kind"] in ("authority", "housing_company", "commune"):
            org["enterprise_number"] = enterprise_number(serial)
            if "address" not in org:
                commune = org["key"] if org["kind"] == "commune" else None
                commune = commune or next(iter(org.get("communes") or []), "commune-bruxelles")
                org["address"] = {
                    "street": {"fr": "Rue de l'Exemple", "nl": "Voorbeeldstraat"},
                    "number": str(serial),
                    "postal_code": communes[commune]["postal_code"],
                    "commune": commune,
                }
            org["representatives"] = [representative(serial, org["kind"])]
        if org["kind"] == "housing_company":
            org["iban"] = iban(serial)
        organisations.append(org)
    return {"illustrative": True, "organisations": organisations}


def main() -> None:
    import yaml

    data = yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))
    text = yaml.safe_dump(with_examples(data), allow_unicode=True, sort_keys=False, width=100)
    target = HERE / "organisations.yaml"
    target.write_text(HEADER + text, encoding="utf-8")
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
