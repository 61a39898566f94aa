"""Tests of :mod:`slrbcall.calls.registry`: name matching, suggestions, identifiers, and the
shipped registry data in ``calls/organisations.yaml``."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from slrbcall.calls.registry import Registry, check_enterprise_number, check_iban, normalise_name
from slrbcall.model import Lang, Localized, Organisation, OrgKind

REGISTRY_YAML = Path(__file__).resolve().parent.parent / "calls" / "organisations.yaml"


def org(key: str, kind: OrgKind, fr: str, nl: str | None = None, *short_names: str) -> Organisation:
    return Organisation(
        key=key,
        kind=kind,
        name=Localized(nl=fr if nl is None else nl, fr=fr),
        short_names=short_names,
    )


HC = OrgKind.HOUSING_COMPANY
REGISTRY = Registry(
    (
        org(
            "slrb",
            OrgKind.AUTHORITY,
            "Société du Logement de la Région de Bruxelles-Capitale",
            "Brusselse Gewestelijke Huisvestingsmaatschappij",
            "SLRB",
            "BGHM",
        ),
        org("foyer-anderlechtois", HC, "Foyer Anderlechtois", "Anderlechtse Haard"),
        org("logiris", HC, "Log'iris"),
        org("logement-bruxellois", HC, "Le Logement Bruxellois", "Brusselse Woning"),
        org("binhome", HC, "Binhôme"),
        org("foyer-du-sud", HC, "Foyer du Sud", "Zuiderhaard"),
        org("foyer-schaerbeekois", HC, "Foyer Schaerbeekois", "Schaarbeekse Haard"),
        org("habitation-moderne", HC, "L'Habitation Moderne", "De Moderne Woning"),
        org("logis-floreal", HC, "Logis-Floréal"),
        org("comensia", HC, "Comensia"),
        org(
            "alliance-bruxelloise-cooperative", HC, "Alliance Bruxelloise Coopérative", None, "ABC"
        ),
        org(
            "hbm-saint-josse",
            HC,
            "Les Habitations à Bon Marché de Saint-Josse-ten-Noode",
            "Goedkope Woningen van Sint-Joost-ten-Node",
            "HBM",
            "HBM Saint-Josse",
        ),
        org("quartiers-en-fete", OrgKind.NON_PROFIT, "Quartiers en Fête", "Wijken in Feest"),
        org("commune-anderlecht", OrgKind.COMMUNE, "Anderlecht"),
    )
)


# -- normalise_name ------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Log'iris", id="straight-apostrophe"),
        pytest.param("Log’iris", id="right-quote"),
        pytest.param("Log‘iris", id="left-quote"),
        pytest.param("Log`iris", id="backtick"),
        pytest.param("Log´iris", id="acute-accent"),
        pytest.param("Logʼiris", id="modifier-letter-apostrophe"),
        pytest.param("LOGIRIS", id="upper-case"),
        pytest.param("log iris", id="space"),
        pytest.param("Log-iris", id="hyphen"),
        pytest.param("Log.iris", id="dot"),
        pytest.param("Log\u200biris", id="zero-width-space"),
        pytest.param("  Log'  iris ", id="extra-spaces"),
    ],
)
def test_normalise_name_ignores_apostrophes_case_and_separators(text: str) -> None:
    assert normalise_name(text) == "logiris"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("Binhôme", "binhome", id="circumflex"),
        pytest.param("Logis-Floréal", "logisfloreal", id="acute-and-hyphen"),
        pytest.param(
            "Alliance Bruxelloise Coopérative", "alliancebruxelloisecooperative", id="e-acute"
        ),
        pytest.param("CŒUR", "coeur", id="ligature"),
        pytest.param("a.s.b.l.", "asbl", id="dotted-acronym"),
        pytest.param("Foyer\u00a0du\u202fSud", "foyerdusud", id="no-break-spaces"),
        pytest.param("", "", id="empty"),
        pytest.param(" '-. ", "", id="only-separators"),
    ],
)
def test_normalise_name(text: str, expected: str) -> None:
    assert normalise_name(text) == expected


# -- Registry.match -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "key"),
    [
        pytest.param("Log'iris", "logiris", id="apostrophe-straight"),
        pytest.param("Log’iris", "logiris", id="apostrophe-typographic"),
        pytest.param("Logʼiris", "logiris", id="apostrophe-modifier-letter"),
        pytest.param("LOGIRIS", "logiris", id="upper-case"),
        pytest.param("log iris", "logiris", id="apostrophe-as-space"),
        pytest.param("Log\u200biris", "logiris", id="zero-width"),
        pytest.param("Binhome", "binhome", id="accent-missing"),
        pytest.param("BINHÔME", "binhome", id="accent-upper-case"),
        pytest.param("Logis Floreal", "logis-floreal", id="hyphen-and-accent-missing"),
        pytest.param("Logement Bruxellois", "logement-bruxellois", id="article-missing"),
        pytest.param("Le Foyer du Sud", "foyer-du-sud", id="article-added"),
        pytest.param("Habitation Moderne", "habitation-moderne", id="elided-article-missing"),
        pytest.param("l’habitation moderne", "habitation-moderne", id="elided-article-typographic"),
        pytest.param(
            "Habitations à Bon Marché de Saint-Josse-ten-Noode",
            "hbm-saint-josse",
            id="plural-article-missing",
        ),
        pytest.param("Comensia SCRL", "comensia", id="legal-form-after"),
        pytest.param("Foyer du Sud s.c.r.l.", "foyer-du-sud", id="legal-form-dotted"),
        pytest.param("ASBL Quartiers en Fête", "quartiers-en-fete", id="legal-form-before"),
        pytest.param("Quartiers en Fete, a.s.b.l.", "quartiers-en-fete", id="legal-form-comma"),
        pytest.param("vzw Wijken in Feest", "quartiers-en-fete", id="legal-form-dutch"),
        pytest.param("Le Logement Bruxellois SC", "logement-bruxellois", id="article-and-form"),
        pytest.param("SLRB", "slrb", id="short-name"),
        pytest.param("bghm", "slrb", id="short-name-lower-case"),
        pytest.param("ABC", "alliance-bruxelloise-cooperative", id="short-name-acronym"),
        pytest.param("HBM Saint Josse", "hbm-saint-josse", id="short-name-hyphen-missing"),
        pytest.param("Anderlechtse Haard", "foyer-anderlechtois", id="dutch-name"),
        pytest.param("Schaarbeekse Haard", "foyer-schaerbeekois", id="dutch-name-2"),
        pytest.param("De Moderne Woning", "habitation-moderne", id="dutch-name-with-article"),
        pytest.param("Moderne Woning", "habitation-moderne", id="dutch-article-missing"),
        pytest.param(
            "Goedkope Woningen van Sint-Joost-ten-Node", "hbm-saint-josse", id="dutch-long"
        ),
        pytest.param(
            "Brusselse Gewestelijke Huisvestingsmaatschappij", "slrb", id="dutch-authority"
        ),
        pytest.param("foyer-anderlechtois", "foyer-anderlechtois", id="key"),
        pytest.param("  Foyer\u00a0\u00a0du   Sud ", "foyer-du-sud", id="odd-spaces"),
        pytest.param("Anderlecht", "commune-anderlecht", id="commune"),
    ],
)
def test_match_finds_the_organisation(text: str, key: str) -> None:
    found = REGISTRY.match(text)
    assert found is not None
    assert found.key == key


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Foyer Ixellois", id="unknown-company"),
        pytest.param("Log iri", id="typo"),
        pytest.param("Foyer", id="partial-name"),
        pytest.param("", id="empty"),
        pytest.param("   ", id="blank"),
        pytest.param("Le", id="article-only"),
        pytest.param("SCRL", id="legal-form-only"),
        pytest.param("Le Foyer", id="article-and-partial-name"),
    ],
)
def test_match_without_a_fit_is_none(text: str) -> None:
    assert REGISTRY.match(text) is None


@pytest.mark.parametrize(
    ("text", "kinds", "key"),
    [
        pytest.param("Anderlecht", {OrgKind.COMMUNE}, "commune-anderlecht", id="commune-wanted"),
        pytest.param("Anderlecht", {HC}, None, id="commune-not-wanted"),
        pytest.param("SLRB", [HC], None, id="authority-not-wanted"),
        pytest.param("SLRB", [OrgKind.AUTHORITY, HC], "slrb", id="several-kinds"),
        pytest.param("Comensia", (), None, id="no-kind-at-all"),
        pytest.param("Comensia", None, "comensia", id="any-kind"),
    ],
)
def test_match_filters_by_kind(text: str, kinds: Any, key: str | None) -> None:
    found = REGISTRY.match(text, kinds=kinds)
    assert (found.key if found else None) == key


def test_match_never_picks_among_several() -> None:
    registry = Registry(
        (
            org("foyer-a", HC, "Le Foyer"),
            org("foyer-b", OrgKind.NON_PROFIT, "Le Foyer"),
        )
    )
    assert registry.match("le foyer") is None
    found = registry.match("Le Foyer", kinds={OrgKind.NON_PROFIT})
    assert found is not None
    assert found.key == "foyer-b"


def test_match_prefers_the_name_as_written_over_a_bare_form() -> None:
    registry = Registry(
        (
            org("de-haard", HC, "De Haard"),
            org("haard", OrgKind.NON_PROFIT, "Haard"),
        )
    )
    assert registry.match("De Haard") == registry.get("de-haard")
    assert registry.match("Haard") == registry.get("haard")
    assert registry.match("Het Haard") is None  # bare "haard" fits both


# -- Registry.suggest ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kinds", "first"),
    [
        pytest.param("Log iri", None, "Log'iris", id="typo-apostrophe"),
        pytest.param("Binome", None, "Binhôme", id="typo-accent"),
        pytest.param("Foyer Schaarbeekois", None, "Foyer Schaerbeekois", id="typo-mixed-languages"),
        pytest.param("Anderlect", None, "Anderlecht", id="typo-commune"),
        pytest.param("Anderlect", {HC}, "Foyer Anderlechtois", id="typo-kind-filter"),
        pytest.param("Foyer", None, "Foyer du Sud", id="contained-shortest-first"),
        pytest.param("Zuiderhaart", None, "Foyer du Sud", id="dutch-typo-gives-french-name"),
    ],
)
def test_suggest_puts_the_closest_first(text: str, kinds: Any, first: str) -> None:
    suggestions = REGISTRY.suggest(text, kinds=kinds)
    assert suggestions
    assert suggestions[0] == first


def test_suggest_contained_names_best_first() -> None:
    # "Foyer" covers more of "Foyer du Sud"; the two others tie and go by name.
    assert REGISTRY.suggest("Foyer") == (
        "Foyer du Sud",
        "Foyer Anderlechtois",
        "Foyer Schaerbeekois",
    )


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        pytest.param("qwxz", 3, (), id="nothing-close"),
        pytest.param("", 3, (), id="empty"),
        pytest.param("Foyer", 1, ("Foyer du Sud",), id="limit-one"),
        pytest.param("Foyer", 0, (), id="limit-zero"),
    ],
)
def test_suggest_limits(text: str, limit: int, expected: tuple[str, ...]) -> None:
    assert REGISTRY.suggest(text, limit=limit) == expected


def test_suggest_respects_kinds() -> None:
    assert REGISTRY.suggest("Anderlecht", kinds={OrgKind.COMMUNE}) == ("Anderlecht",)


# -- Registry: get, of_kind, construction ---------------------------------------------


def test_get_by_exact_key() -> None:
    found = REGISTRY.get("logiris")
    assert found is not None
    assert found.display_name(Lang.NL) == "Log'iris"
    assert REGISTRY.get("Logiris") is None
    assert REGISTRY.get("log'iris") is None


def test_of_kind_keeps_registry_order() -> None:
    assert [o.key for o in REGISTRY.of_kind(OrgKind.AUTHORITY)] == ["slrb"]
    companies = REGISTRY.of_kind(HC)
    assert len(companies) == 11
    assert companies[0].key == "foyer-anderlechtois"
    assert REGISTRY.of_kind(OrgKind.COMMUNE)[0].key == "commune-anderlecht"


def test_duplicate_keys_are_refused() -> None:
    with pytest.raises(ValueError, match=r"^duplicate organisation key\(s\): comensia$"):
        Registry((org("comensia", HC, "Comensia"), org("comensia", HC, "Comensia bis")))


def test_the_lookup_cache_does_not_change_equality() -> None:
    used = Registry(REGISTRY.organisations)
    assert used.match("Comensia") is not None  # builds the index
    fresh = Registry(REGISTRY.organisations)
    assert used == fresh
    assert hash(used) == hash(fresh)
    assert "_index" not in repr(used)


# -- check_enterprise_number -----------------------------------------------------------


def with_check_digits(first8: str) -> str:
    """A made-up enterprise number: the check digits are 97 - (first eight mod 97)."""
    return f"{first8}{97 - int(first8) % 97:02d}"


VALID_0 = with_check_digits("02001234")  # made up, not a real organisation's number
VALID_1 = with_check_digits("10000042")


def dotted(number: str) -> str:
    return f"{number[:4]}.{number[4:7]}.{number[7:]}"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(dotted(VALID_0), dotted(VALID_0), id="dotted"),
        pytest.param(VALID_0, dotted(VALID_0), id="compact"),
        pytest.param(f"BE {dotted(VALID_0)}", dotted(VALID_0), id="be-prefix"),
        pytest.param(f"be{VALID_0}", dotted(VALID_0), id="be-prefix-lower-case"),
        pytest.param(VALID_0[1:], dotted(VALID_0), id="nine-digits"),
        pytest.param(
            f"BE {VALID_0[1:4]}.{VALID_0[4:7]}.{VALID_0[7:]}", dotted(VALID_0), id="be-nine"
        ),
        pytest.param(
            f"{VALID_0[:4]}\u00a0{VALID_0[4:7]}\u00a0{VALID_0[7:]}", dotted(VALID_0), id="nbsp"
        ),
        pytest.param(f" {VALID_1} ", dotted(VALID_1), id="starts-with-1"),
    ],
)
def test_enterprise_number_is_canonical(text: str, expected: str) -> None:
    assert check_enterprise_number(text) == expected


def test_stdnum_agrees_with_the_mod_97_rule() -> None:
    wrong = f"{VALID_0[:8]}{(int(VALID_0[8:]) % 97) + 1:02d}"
    assert check_enterprise_number(VALID_0)
    with pytest.raises(ValueError, match="check digits do not match"):
        check_enterprise_number(wrong)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        pytest.param("0123.456.789", "check digits do not match", id="check-digits"),
        pytest.param(
            with_check_digits("22001234"), "it must start with 0 or 1", id="starts-with-2"
        ),
        pytest.param("0123.456", "it must have 10 digits", id="too-short"),
        pytest.param("01234567890", "it must have 10 digits", id="too-long"),
        pytest.param("0123.ABC.789", "write 10 digits", id="letters"),
        pytest.param("", "it is empty", id="empty"),
        pytest.param(" \u00a0", "it is empty", id="blank"),
    ],
)
def test_enterprise_number_refused(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=r"^not a valid enterprise number \(BCE/KBO\)") as exc:
        check_enterprise_number(text)
    assert reason in str(exc.value)
    assert repr(text) in str(exc.value)


def test_enterprise_number_message_is_exact() -> None:
    with pytest.raises(ValueError, match="check digits") as excinfo:
        check_enterprise_number("0123.456.789")
    assert str(excinfo.value) == (
        "not a valid enterprise number (BCE/KBO): '0123.456.789' (check digits do not match)"
    )


# -- check_iban --------------------------------------------------------------------------


def iban_with_check_digits(country: str, bban: str) -> str:
    """An IBAN with correct ISO 13616 check digits (mod 97-10) for ``bban``."""
    digits = "".join(str(int(ch, 36)) for ch in f"{bban}{country}00")
    return f"{country}{98 - int(digits) % 97:02d}{bban}"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("BE68 5390 0754 7034", "BE68539007547034", id="belgian-example"),
        pytest.param("be68539007547034", "BE68539007547034", id="compact-lower-case"),
        pytest.param("BE68-5390-0754-7034", "BE68539007547034", id="hyphens"),
        pytest.param("BE68\u00a05390\u00a00754\u00a07034", "BE68539007547034", id="nbsp"),
        pytest.param("GB82 WEST 1234 5698 7654 32", "GB82WEST12345698765432", id="british-example"),
        pytest.param("NL91 ABNA 0417 1643 00", "NL91ABNA0417164300", id="dutch-example"),
    ],
)
def test_iban_is_compact(text: str, expected: str) -> None:
    assert check_iban(text) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        pytest.param("BE68 5390 0754 7035", "check digits do not match", id="check-digits"),
        pytest.param("BE68 5390 0754 703", "check digits do not match", id="too-short"),
        pytest.param(
            iban_with_check_digits("BE", "539007547035"),
            "the Belgian account number's check digits do not match",
            id="belgian-national-check",
        ),
        pytest.param("", "it is empty", id="empty"),
        pytest.param("not an iban", "", id="text"),
    ],
)
def test_iban_refused(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=r"^not a valid IBAN: ") as excinfo:
        check_iban(text)
    assert reason in str(excinfo.value)


def test_iban_helper_agrees_with_the_standard_example() -> None:
    assert iban_with_check_digits("BE", "539007547034") == "BE68539007547034"


# -- the shipped registry: calls/organisations.yaml -------------------------------------

ENTRY_KEYS = {
    "key",
    "kind",
    "name",
    "short_names",
    "languages",
    "communes",
    "enterprise_number",
    "postal_code",
    "nis_code",
    "address",
    "iban",
    "representatives",
}


def load_entries() -> list[dict[str, Any]]:
    data = yaml.safe_load(REGISTRY_YAML.read_text(encoding="utf-8"))
    assert set(data) == {"organisations"}
    entries: list[dict[str, Any]] = data["organisations"]
    return entries


def organisation_from(entry: dict[str, Any]) -> Organisation:
    """A minimal stand-in for the real loader, enough to match against the data."""
    return Organisation(
        key=entry["key"],
        kind=OrgKind(entry["kind"]),
        name=Localized(nl=entry["name"]["nl"], fr=entry["name"]["fr"]),
        short_names=tuple(entry.get("short_names", ())),
        languages=tuple(Lang(lang) for lang in entry.get("languages", ("fr", "nl"))),
        communes=tuple(entry.get("communes", ())),
        enterprise_number=entry.get("enterprise_number"),
        postal_code=entry.get("postal_code"),
        nis_code=entry.get("nis_code"),
    )


def test_registry_file_counts_and_keys() -> None:
    entries = load_entries()
    kinds = Counter(entry["kind"] for entry in entries)
    assert kinds == {"authority": 1, "housing_company": 16, "commune": 19}
    keys = [entry["key"] for entry in entries]
    assert len(keys) == len(set(keys))
    for entry in entries:
        assert set(entry) <= ENTRY_KEYS, entry["key"]
        assert {"key", "kind", "name"} <= set(entry), entry
        assert set(entry["name"]) == {"fr", "nl"}, entry["key"]
        assert all(isinstance(v, str) and v.strip() == v and v for v in entry["name"].values())
        assert entry["key"] == entry["key"].lower()
        assert normalise_name(entry["key"]), entry["key"]
        if entry["kind"] != "commune":
            assert "postal_code" not in entry, entry["key"]
            assert "nis_code" not in entry, entry["key"]
        for lang in entry.get("languages", ()):
            assert lang in {"fr", "nl"}
        for name in (*entry["name"].values(), *entry.get("short_names", ())):
            # Straight apostrophes only: the matching copes with the others, but the
            # data stays plain.
            assert not set(name) & set("’‘`´ʼ"), name


def test_registry_file_names_are_unambiguous() -> None:
    owners: dict[str, set[str]] = {}
    for entry in load_entries():
        for name in (*entry["name"].values(), *entry.get("short_names", ())):
            owners.setdefault(normalise_name(name), set()).add(entry["key"])
    shared = {name: keys for name, keys in owners.items() if len(keys) > 1}
    assert shared == {}


def test_registry_file_enterprise_numbers_are_valid_if_any() -> None:
    for entry in load_entries():
        number = entry.get("enterprise_number")
        if number is not None:
            assert isinstance(number, str), entry["key"]
            assert check_enterprise_number(number) == number, entry["key"]


def test_registry_file_communes() -> None:
    entries = load_entries()
    communes = [e for e in entries if e["kind"] == "commune"]
    assert [e["nis_code"] for e in communes] == [str(code) for code in range(21001, 21020)]
    for commune in communes:
        assert commune["key"].startswith("commune-")
        assert isinstance(commune["postal_code"], str)
        assert len(commune["postal_code"]) == 4
        assert commune["postal_code"].isdigit()
    commune_keys = {c["key"] for c in communes}
    for entry in entries:
        assert set(entry.get("communes", ())) <= commune_keys, entry["key"]


def test_registry_file_is_plain_yaml() -> None:
    """No anchors, aliases, tags or duplicate keys: what a reader sees is what loads."""
    text = REGISTRY_YAML.read_text(encoding="utf-8")
    events = list(yaml.parse(text, Loader=yaml.SafeLoader))
    assert not [e for e in events if isinstance(e, yaml.AliasEvent)]
    assert not [e for e in events if getattr(e, "anchor", None)]
    assert not [e for e in events if getattr(e, "tag", None) is not None]

    def walk(node: yaml.Node) -> None:
        if isinstance(node, yaml.MappingNode):
            keys = [key.value for key, _ in node.value]
            duplicates = [k for k, n in Counter(keys).items() if n > 1]
            assert not duplicates, f"line {node.start_mark.line + 1}: duplicate {duplicates}"
            for key, value in node.value:
                walk(key)
                walk(value)
        elif isinstance(node, yaml.SequenceNode):
            for item in node.value:
                walk(item)

    root = yaml.compose(text, Loader=yaml.SafeLoader)
    assert root is not None
    walk(root)


def test_registry_file_every_name_finds_its_organisation() -> None:
    registry = Registry(tuple(organisation_from(entry) for entry in load_entries()))
    for org_ in registry.organisations:
        for name in (org_.key, org_.name.fr, org_.name.nl, *org_.short_names):
            found = registry.match(name)
            assert found is not None, name
            assert found.key == org_.key, name
    assert registry.suggest("Log iri")[0] == "Log'iris"
    binhome = registry.match("Binhome", kinds={HC})
    assert binhome is not None
    assert binhome.key == "binhome"
    foyer = registry.match("Logement Bruxellois")
    assert foyer is not None
    assert foyer.key == "logement-bruxellois"
