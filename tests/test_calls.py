"""Call definitions: the shipped calls, and one clear line per problem for bad ones."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from slrbcall.calls.definition import call_files, load_call, load_registry, summarise_call
from slrbcall.errors import InputFileError
from slrbcall.model import (
    Aggregation,
    Anchor,
    Channel,
    Localized,
    PartialPolicy,
    Policy,
    SignatoryRole,
)

from .conftest import SHIPPED_CALLS, Invoke, empowerment_text, write_call


def test_shipped_empowerment_call_carries_the_published_facts() -> None:
    call = load_call(SHIPPED_CALLS / "empowerment-2023.yaml").call
    assert call.id == "empowerment-2023"
    assert call.budget_cents == 255_000_00
    assert (call.grant_min_cents, call.grant_max_cents) == (10_000_00, 65_000_00)
    assert call.duration_months == 12
    assert [t.label.fr for t in call.themes] == [
        "Alimentation durable",
        "Monoparentalité",
        "Fracture numérique",
        "Culture et art",
    ]
    months = {m.key: m.month for m in call.milestones}
    assert months["call-approved"] == "2023-07"
    assert months["call-sent"] == "2023-08"
    assert months["advisory-committee"] == "2023-11"
    assert months["grants-awarded"] == "2023-12"
    assert months["inter-project-meeting"] == "2024-12"
    assert sum(t.percent for t in call.tranches) == 100
    assert [s.role for s in call.signatories] == [
        SignatoryRole.AUTHORITY,
        SignatoryRole.HOUSING_COMPANY,
        SignatoryRole.PARTNER,
    ]
    final = next(d for d in call.deadlines if d.key == "final-report")
    assert (final.anchor, final.months) == (Anchor.END, 3)
    assert call.allocation.policy is Policy.GREEDY
    assert call.allocation.partial is PartialPolicy.OFF
    assert "scoring" in call.illustrative
    assert len(call.committee) == 5


def test_the_shipped_calls_say_what_their_documents_print() -> None:
    empowerment = load_call(SHIPPED_CALLS / "empowerment-2023.yaml").call
    cohesion = load_call(SHIPPED_CALLS / "cohesion-sociale-2021.yaml").call
    assert empowerment.title_in_context == Localized(
        nl="van de projectoproep Empowerment 2023", fr="de l'appel à projets Empowerment 2023"
    )
    assert cohesion.title_in_context is not None
    assert cohesion.title_in_context.fr == "des projets de cohésion sociale 2021-2026"
    for call in (empowerment, cohesion):
        assert call.appeal is not None
        assert (call.appeal.body.fr, call.appeal.days) == ("le Conseil d'État", 60)
        assert call.ombudsman is not None
        assert call.ombudsman.name.nl == "de Brusselse Ombudsman"
        registered = call.notification_rule(Channel.REGISTERED)
        assert registered is not None
        assert (registered.after, registered.working_days) == (3, True)
        assert "23 août 1948" in registered.source.fr
        assert call.beneficiary is SignatoryRole.HOUSING_COMPANY
        assert call.subsidy_rules is not None
        assert "articles 92 à 95" in call.subsidy_rules.fr
        # Placeholders, never a real person's name: marked as such.
        for key in ("authority_representative", "decision", "imputation", "contact"):
            assert key in call.illustrative
    assert empowerment.decision is not None
    assert empowerment.decision.date.isoformat() == "2023-12-05"
    assert empowerment.imputation is not None
    assert empowerment.imputation.year == 2023
    assert len(cohesion.committee) == 4


def test_shipped_cohesion_call_is_multi_year_with_optional_commune() -> None:
    call = load_call(SHIPPED_CALLS / "cohesion-sociale-2021.yaml").call
    assert call.duration_months == 60
    assert [t.percent for t in call.tranches] == [Decimal(20)] * 5
    assert [t.month for t in call.tranches] == [0, 12, 24, 36, 48]
    roles = {s.role: (s.min, s.max) for s in call.signatories}
    assert roles[SignatoryRole.HOUSING_COMPANY] == (1, 2)
    assert roles[SignatoryRole.COMMUNE] == (0, 1)
    assert call.aggregation is Aggregation.MEDIAN
    yearly = next(d for d in call.deadlines if d.key == "yearly-report")
    assert yearly.every_months == 12


def test_every_shipped_file_is_valid(cli: Invoke) -> None:
    files = [*call_files(SHIPPED_CALLS), SHIPPED_CALLS / "organisations.yaml"]
    result = cli("calls", "validate", *files)
    assert result.exit_code == 0, result
    assert result.stdout.count(": ok") == len(files)


def test_registry_of_the_shipped_calls() -> None:
    registry = load_registry(SHIPPED_CALLS)
    assert registry.get("slrb") is not None
    match = registry.match("Log’iris")
    assert match is not None
    assert match.key == "logiris"


def bad(tmp_path: Path, cli: Invoke, text: str) -> list[str]:
    """Validate ``text`` as a call file; return the problem lines (exit code 3)."""
    path = write_call(tmp_path / "calls", text)
    result = cli("--calls-dir", tmp_path / "calls", "calls", "validate", path)
    assert result.exit_code == 3, result
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[-1].endswith(" to fix.")
    assert not (tmp_path / "slrbcall.db").exists()
    return [line.replace(str(path), "call.yaml") for line in lines[:-1]]


CASES = [
    pytest.param(
        {"budget: 255000                 # euro": "budget: 255000\nbudget: 1"},
        ["call.yaml:23:1: duplicate key 'budget' (first written at line 22)"],
        id="duplicate-key",
    ),
    pytest.param(
        {"budget: 255000 ": "budget: 2.55e5 "},
        [
            "call.yaml:22:9: number in exponent or special form: 2.55e5 (write it in full, e.g. 255000)"
        ],
        id="budget-exponent",
    ),
    pytest.param(
        {"budget: 255000 ": "budget: 255000.001 "},
        [
            "call.yaml:22:9: budget: 255000.001: write whole euro, or an amount with cents"
            " in quotes, e.g. '255.000,50'"
        ],
        id="budget-three-decimals",
    ),
    pytest.param(
        {"budget: 255000 ": "budget: '255,000' "},
        [
            "call.yaml:22:9: budget: ambiguous amount: '255,000' could be thousands or decimals:"
            " 255.000 or 255,00 (write the one you mean)"
        ],
        id="budget-text",
    ),
    pytest.param(
        {"budget: 255000 ": "budget: 600.000 "},
        [
            "call.yaml:22:9: budget: 600.000 is ambiguous: YAML reads a point as decimals, a"
            " Belgian reader as thousands (€ 600.000,00); write whole euro, e.g. 600000, or"
            " quote the amount, e.g. '600.000,00'"
        ],
        id="budget-belgian-thousands-unquoted",
    ),
    pytest.param(
        {"  minimum: 10000": "  minimum: 20.000", "  maximum: 65000": "  maximum: 150.000"},
        [
            "call.yaml:24:12: grant.minimum: 20.000 is ambiguous: YAML reads a point as"
            " decimals, a Belgian reader as thousands (€ 20.000,00); write whole euro, e.g."
            " 20000, or quote the amount, e.g. '20.000,00'",
            "call.yaml:25:12: grant.maximum: 150.000 is ambiguous: YAML reads a point as"
            " decimals, a Belgian reader as thousands (€ 150.000,00); write whole euro, e.g."
            " 150000, or quote the amount, e.g. '150.000,00'",
        ],
        id="grant-range-belgian-thousands-unquoted",
    ),
    pytest.param(
        {"budget: 255000 ": "budget: 255000.50 "},
        [
            "call.yaml:22:9: budget: 255000.50: write an amount with cents in quotes, e.g. '255.000,50'"
        ],
        id="budget-cents-unquoted",
    ),
    pytest.param(
        {"  - percent: 20\n": "  - percent: 25\n"},
        ["call.yaml:137:3: the tranches sum to 105%, not 100%"],
        id="tranches-not-100",
    ),
    pytest.param(
        {'  partial: "off"\n': '  partial: "off"\n  theme_caps:\n    digital: 40%\n'},
        [
            "call.yaml:98:5: theme cap for 'digital', which is not a theme of this call"
            " (did you mean 'digital-divide'?)"
        ],
        id="cap-on-unknown-theme",
    ),
    pytest.param(
        {"  minimum: 10000": "  minimum: 70000"},
        ["call.yaml:24:12: the grant minimum (€ 70,000.00) is above the maximum (€ 65,000.00)"],
        id="minimum-above-maximum",
    ),
    pytest.param(
        {"duration_months: 12": "duration_month: 12"},
        [
            "call.yaml:9:1: missing key 'duration_months'",
            "call.yaml:27:1: unknown key 'duration_month' (did you mean 'duration_months'?)",
        ],
        id="unknown-key-did-you-mean",
    ),
    pytest.param(
        {"      weight: 30\n": "      weight: 30\n      wieght: 3\n"},
        ["call.yaml:63:7: unknown key 'wieght' (did you mean 'weight'?)"],
        id="nested-unknown-key",
    ),
    pytest.param(
        {"partner_required: true": "partner_required: NO"},
        ["call.yaml:44:21: eligibility.partner_required: write true or false, not 'NO'"],
        id="NO-is-not-false",
    ),
    pytest.param(
        {"authority: slrb": "authority: slbr"},
        ["call.yaml:20:12: 'slbr' is not an authority of the registry (did you mean 'slrb'?)"],
        id="unknown-authority",
    ),
    pytest.param(
        {"id: empowerment-2023": "id: empowerment-2024"},
        [
            "call.yaml:9:5: the id 'empowerment-2024' differs from the file name "
            "'empowerment-2023.yaml': rename one of them"
        ],
        id="id-not-file-name",
    ),
    pytest.param(
        {"      month: 2023-07\n": "      month: 2023-07\n      date: 2023-07-13\n"},
        [
            "call.yaml:101:7: milestone 'call-approved' needs either a date (2023-12-15) "
            "or a month (2023-12)"
        ],
        id="milestone-date-and-month",
    ),
    pytest.param(
        {"budget: 255000 ": "budget: &b 255000 ", "duration_months: 12": "duration_months: *b"},
        [
            "call.yaml:22:9: anchors are not allowed (&b): write the value out",
            "call.yaml:27:18: aliases are not allowed (*b): write the value out",
        ],
        id="anchor-and-alias",
    ),
    pytest.param(
        {
            "partner_required: true": "partner_required: false",
            "  - role: partner\n": "",
            "beneficiary: housing_company ": "beneficiary: partner ",
        },
        ["call.yaml:259:14: the grant goes to the partner, so the partner must sign"],
        id="beneficiary-partner-not-signing",
    ),
    pytest.param(
        {"    unit: working_days": "    unit: weekdays"},
        [
            "call.yaml:222:11: notification.registered.unit: write one of 'days', 'working_days',"
            " not 'weekdays'"
        ],
        id="notification-unit",
    ),
    pytest.param(
        {"  email: action-sociale@example.org": "  email: action-sociale"},
        [
            "call.yaml:202:10: contact.email: not an e-mail address: 'action-sociale'"
            " (write e.g. name@example.be)"
        ],
        id="contact-email",
    ),
    pytest.param(
        {"id: empowerment-2023": "id: !!python/object/new:os.system [ls]"},
        ["call.yaml:9:5: tags are not allowed (!!python/object/new:os.system): remove the tag"],
        id="python-tag",
    ),
]


@pytest.mark.parametrize(("replace", "expected"), CASES)
def test_bad_call_definitions(
    tmp_path: Path, cli: Invoke, replace: dict[str, str], expected: list[str]
) -> None:
    assert bad(tmp_path, cli, empowerment_text(**replace)) == expected


def test_alias_bomb(tmp_path: Path, cli: Invoke) -> None:
    bomb = ["lol: &a ['x','x','x','x','x','x','x','x','x']"]
    for i, name in enumerate("bcdefghi"):
        bomb.append(f"l{name}: &{name} [{','.join(['*' + 'abcdefghi'[i]] * 9)}]")
    lines = bad(tmp_path, cli, "\n".join(bomb) + "\n")
    assert "call.yaml:1:6: anchors are not allowed (&a): write the value out" in lines
    assert lines[-1].startswith("... and ")
    assert len(lines) == 51


def test_missing_file_and_directory(tmp_path: Path, cli: Invoke) -> None:
    result = cli("calls", "validate", tmp_path / "nope.yaml", tmp_path)
    assert result.exit_code == 3
    assert result.stderr.splitlines() == [
        f"{tmp_path / 'nope.yaml'}: file not found (check the path and its spelling)",
        f"{tmp_path}: is a directory, not a YAML file (name a .yaml file)",
        "2 problems to fix.",
    ]


def test_problems_of_several_files_are_reported_together(tmp_path: Path, cli: Invoke) -> None:
    first = write_call(tmp_path / "a", empowerment_text(**{"budget: 255000 ": "budget: 2.55e5 "}))
    second = write_call(
        tmp_path / "b", empowerment_text(**{"  minimum: 10000": "  minimum: 70000"})
    )
    result = cli("calls", "validate", first, second)
    assert result.exit_code == 3
    assert result.stderr.count("\n") == 3
    # A check stores nothing in any case: it does not say so.
    assert result.stderr.splitlines()[-1] == "2 problems to fix."


def test_cache_sees_an_edited_file(tmp_path: Path) -> None:
    path = write_call(tmp_path / "calls", empowerment_text())
    assert summarise_call(path).budget_cents == 255_000_00
    path.write_text(empowerment_text(**{"budget: 255000 ": "budget: 300000 "}), encoding="utf-8")
    assert summarise_call(path).budget_cents == 300_000_00
    path.write_text(empowerment_text(**{"budget: 255000 ": "budget: 2e5 "}), encoding="utf-8")
    with pytest.raises(InputFileError):
        summarise_call(path)


def test_schema_describes_every_key(cli: Invoke) -> None:
    result = cli("calls", "schema")
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema["title"] == "slrbcall call definition"
    assert schema["additionalProperties"] is False
    for key in ("id", "budget", "grant", "themes", "tranches", "timeline", "documents"):
        assert key in schema["properties"]
    assert "budget" in schema["required"]


def descriptions(node: object) -> list[str]:
    if isinstance(node, dict):
        return [
            found
            for key, value in node.items()
            for found in (
                [value]
                if key == "description" and isinstance(value, str)  # not a key so named
                else descriptions(value)
            )
        ]
    if isinstance(node, list):
        return [found for item in node for found in descriptions(item)]
    return []


@pytest.mark.parametrize(("code", "word"), [("fr", "subvention"), ("nl", "subsidie")])
def test_schema_describes_the_keys_in_the_officers_language(
    cli: Invoke, code: str, word: str
) -> None:
    """An editor shows these beside the keys: in the officer's language; the keys
    themselves stay as the files write them."""
    english = json.loads(cli("calls", "schema").stdout)
    said = json.loads(cli("--lang", code, "calls", "schema").stdout)
    assert said["properties"].keys() == english["properties"].keys()
    pairs = list(zip(descriptions(english), descriptions(said), strict=True))
    assert len(pairs) > 40
    # every description is translated but the one made of the two names it quotes
    assert [en for en, there in pairs if en == there] == [
        "'le Médiateur bruxellois' / 'de Brusselse Ombudsman'."
    ]
    assert any(word in there for _en, there in pairs)


@pytest.mark.parametrize(
    ("written", "cents"),
    [
        pytest.param("600000", 600_000_00, id="whole-euro"),
        pytest.param("'600.000,00'", 600_000_00, id="belgian-quoted"),
        pytest.param("'600.000'", 600_000_00, id="belgian-thousands-quoted"),
        pytest.param("'600 000'", 600_000_00, id="spaces-quoted"),
        pytest.param("'600000.00'", 600_000_00, id="plain-decimal-quoted"),
        pytest.param("'255.000,50'", 255_000_50, id="cents-quoted"),
    ],
)
def test_money_in_a_call_reads_as_on_the_command_line(
    tmp_path: Path, written: str, cents: int
) -> None:
    """A call's amounts follow the Belgian rules of ``--budget`` and the sheets."""
    path = write_call(
        tmp_path / "calls",
        empowerment_text(
            **{"budget: 255000 ": f"budget: {written} ", "  maximum: 65000": "  maximum: 150000"}
        ),
    )
    assert load_call(path).call.budget_cents == cents


def test_calls_show_prints_a_quoted_belgian_budget_in_full(tmp_path: Path, cli: Invoke) -> None:
    write_call(tmp_path / "calls", empowerment_text(**{"budget: 255000 ": "budget: '600.000' "}))
    result = cli("--calls-dir", tmp_path / "calls", "calls", "show", "empowerment-2023")
    assert result.exit_code == 0, result
    assert "600,000.00" in result.stdout


def test_a_cached_call_names_the_file_it_was_loaded_from(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cache is keyed by content: the same bytes in two folders are one entry, and
    each load still names its own file."""
    source = SHIPPED_CALLS / "empowerment-2023.yaml"
    first, second = tmp_path / "a" / "calls", tmp_path / "b" / "calls"
    for folder in (first, second):
        folder.mkdir(parents=True)
        (folder / source.name).write_bytes(source.read_bytes())
        (folder / "organisations.yaml").write_bytes(
            (SHIPPED_CALLS / "organisations.yaml").read_bytes()
        )
    monkeypatch.chdir(tmp_path / "a")
    assert load_call(Path("calls") / source.name).path == Path("calls") / source.name
    monkeypatch.chdir(tmp_path / "b")
    assert load_call(second / source.name).path == second / source.name


def test_the_teams_file_is_no_call(tmp_path: Path, cli: Invoke) -> None:
    """officers.yaml sits beside the calls: calls list and doctor do not read it as a
    call, and calls validate checks it as the team's file."""
    folder = tmp_path / "calls"
    write_call(folder, empowerment_text())
    officers = folder / "officers.yaml"
    officers.write_text(
        "officers:\n  - key: amina\n    name: Amina El Idrissi\n    roles: [officer]\n",
        encoding="utf-8",
    )
    listed = cli("--calls-dir", folder, "calls", "list", "--json")
    assert listed.exit_code == 0, listed
    assert [Path(c["file"]).name for c in json.loads(listed.stdout)] == ["empowerment-2023.yaml"]
    assert cli("--calls-dir", folder, "calls", "validate", officers).exit_code == 0
    officers.write_text("officers:\n  - key: amina\n    roles: [boss]\n", encoding="utf-8")
    refused = cli("--calls-dir", folder, "calls", "validate", officers)
    assert refused.exit_code == 3
    lines = refused.stderr.splitlines()
    assert lines[0] == f"{officers}:2:3: missing key 'name'"
    assert any(line.startswith(f"{officers}:3:") and "'boss'" in line for line in lines), lines
