"""The house's import rules: stages import down the life of a call, one lazy seam."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from .conftest import REPO

PACKAGE = REPO / "slrbcall"

#: The life of a call, top to bottom: a module may import its own part and the parts
#: before it, never one after it.
ORDER = (
    "i18n",  # first: the kernel's messages (errors) are in the officer's language too
    "errors",
    "money",
    "model",
    "records",  # the workspace's tables as the officer reads them: the store's and the CLI's
    "resources",
    "settings",
    "scratch",
    "files",
    "sheets",
    "store",
    "calls",
    "intake",
    "committee",
    "allocation",
    "documents",
    "followup",
    "reports",
    "workspace",
    "doctor",
    "demo",
    "cli",
    "__main__",
)


def part_of(module: str) -> str:
    """``slrbcall.intake.service`` -> ``intake``."""
    return module.split(".")[1]


def modules() -> list[tuple[str, Path]]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(REPO).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found.append((".".join(parts), path))
    return found


def imported(tree: ast.AST) -> list[tuple[str, ast.stmt]]:
    """(module, statement) for every slrbcall module a tree imports by absolute name."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
            if node.module == "slrbcall":
                names = [f"slrbcall.{alias.name}" for alias in node.names]
            found += [(name, node) for name in names if name.startswith("slrbcall.")]
        elif isinstance(node, ast.Import):
            found += [(a.name, node) for a in node.names if a.name.startswith("slrbcall.")]
    return found


def test_every_part_of_the_package_has_its_place_in_the_order() -> None:
    parts = {part_of(name) for name, _ in modules() if name != "slrbcall"}
    assert parts <= set(ORDER), sorted(parts - set(ORDER))


@pytest.mark.parametrize(("module", "path"), modules(), ids=lambda v: str(v))
def test_imports_run_down_the_life_of_a_call(module: str, path: Path) -> None:
    if module == "slrbcall":
        return
    mine = ORDER.index(part_of(module))
    for name, node in imported(ast.parse(path.read_text(encoding="utf-8"))):
        if name == "slrbcall.__version__":
            continue
        theirs = ORDER.index(part_of(name))
        assert theirs <= mine, f"{module} (line {node.lineno}) imports {name}, a later stage"


def heavy_libraries() -> list[str]:
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    tidy = config["tool"]["ruff"]["lint"]["flake8-tidy-imports"]
    return list(tidy["banned-module-level-imports"])


@pytest.mark.parametrize(("module", "path"), modules(), ids=lambda v: str(v))
def test_an_import_inside_a_function_is_a_heavy_library_or_says_why(
    module: str, path: Path
) -> None:
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    heavy = tuple(heavy_libraries())
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for inner in ast.walk(node):
            if not isinstance(inner, ast.Import | ast.ImportFrom):
                continue
            names = (
                [a.name for a in inner.names]
                if isinstance(inner, ast.Import)
                else [inner.module or ""]
            )
            if all(any(name == h or name.startswith(f"{h}.") for h in heavy) for name in names):
                continue  # a heavy library of pyproject.toml, or a module of one
            line = lines[inner.lineno - 1]
            assert re.search(r"# noqa: [A-Z0-9, ]*PLC0415 \(.+\)", line), (
                f"{module}, line {inner.lineno}: an import inside a function names a "
                f"heavy library of pyproject.toml, or says why: {line.strip()}"
            )


def test_the_root_help_loads_no_command_and_no_heavy_library() -> None:
    code = (
        "import sys\n"
        "from slrbcall.cli.app import app\n"
        "try:\n"
        "    app(['--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(' '.join(sorted(m for m in sys.modules if m.startswith('slrbcall.cli.'))))\n"
        "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO
    )
    cli_modules, loaded = done.stdout.strip().splitlines()[-2:]
    # the root's --lang is parsed by the same option types as every command's options
    assert cli_modules.split() == [
        "slrbcall.cli.app",
        "slrbcall.cli.options",
        "slrbcall.cli.output",
    ]
    assert set(loaded.split()) & set(heavy_libraries()) == set()


def test_calls_list_loads_neither_the_store_nor_pydantic(tmp_path: Path) -> None:
    """``calls list`` is the lightest command an officer runs (bench/startup.py holds it
    to twice a bare typer): it reads the calls' cached summaries, with no workspace, no
    validation of a file the cache has already seen, and no domain model (its thirty
    frozen classes cost a sixth of the command)."""
    code = (
        "import sys\n"
        "from slrbcall.cli.app import app\n"
        "try:\n"
        "    app(['calls', 'list'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(' '.join(sorted(sys.modules)))\n"
    )
    env = {**os.environ, "SLRBCALL_CACHE_DIR": str(tmp_path)}
    for _ in range(2):  # the first run fills the cache, the second reads it
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO,
            env=env,
        )  # fmt: skip
    loaded = set(done.stdout.strip().splitlines()[-1].split())
    assert not {
        m
        for m in loaded
        if m.startswith(("slrbcall.store", "pydantic", "sqlite3", "slrbcall.model"))
        or m
        in (
            "slrbcall.calls.registry",
            "slrbcall.calls.parties",
            "slrbcall.calls.yamlstrict",  # the parser: the list reads bytes, parses none
            "slrbcall.calls.renew",  # the drafting of calls renew
            "slrbcall.allocation.codes",  # the words calls show gives the tie-break keys
        )
    }


#: What a command that only reads never loads, beside the heavy libraries but Rich: the
#: PostgreSQL driver for a file, what those libraries used to bring along (the e-mail
#: package, a process pool, the installed packages' metadata, HTTP), the schema of a
#: call file (pydantic), the documents' renderer, and the machine's checks.
NOT_FOR_READING = (
    "psycopg",
    "email",
    "multiprocessing",
    "concurrent.futures",
    "importlib.metadata",
    "urllib.request",
    "slrbcall.calls.spec",
    "slrbcall.documents.render",
    "slrbcall.doctor",
)

_LOADED = (
    "import sys\n"
    "from slrbcall.cli.app import main\n"
    "sys.argv = ['slrbcall', *sys.argv[1:]]\n"
    "try:\n"
    "    main()\n"
    "except SystemExit as exc:\n"
    "    assert exc.code in (0, None), exc.code\n"
    "print('loaded:', ' '.join(sorted(sys.modules)), file=sys.stderr)\n"
)


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(("status",), id="status"),
        pytest.param(("ranking",), id="ranking"),
        pytest.param(("report",), id="report"),
        pytest.param(("timeline", "--today", "2024-06-01"), id="timeline"),
        pytest.param(("history", "EMP23-03"), id="history"),
    ],
)
def test_a_read_command_loads_only_what_it_reads_with(demo_db: Path, args: tuple[str, ...]) -> None:
    """The commands an officer runs all day start in a fraction of a second on a
    workspace of years (bench/workspace.py); loading what they do not use would undo it."""
    command = [sys.executable, "-c", _LOADED, "--db", str(demo_db), *args]
    for _run in range(2):  # the first may fill the cache of call definitions
        done = subprocess.run(command, capture_output=True, text=True, check=True, cwd=REPO)
    line = next(x for x in done.stderr.splitlines() if x.startswith("loaded: "))
    loaded = set(line.removeprefix("loaded: ").split())
    printing = {"rich"}  # the tables they show
    unwanted = (*(set(heavy_libraries()) - printing), *NOT_FOR_READING)
    assert sorted(m for m in loaded if any(m == u or m.startswith(f"{u}.") for u in unwanted)) == []


#: The store's query modules, mixed into ``Workspace`` and ``Transaction`` by core.py.
STORE_MIXINS = ("applications", "decisions", "followup")


def store_imports(name: str) -> set[str]:
    """The modules of slrbcall.store that store/<name>.py imports, by any name."""
    tree = ast.parse((PACKAGE / "store" / f"{name}.py").read_text(encoding="utf-8"))
    found = {module for module, _ in imported(tree)}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level:
            found.add("slrbcall.store." + (node.module or ""))
    return {module.rstrip(".") for module in found if module.startswith("slrbcall.store")}


def test_store_core_imports_its_query_modules() -> None:
    assert {f"slrbcall.store.{name}" for name in STORE_MIXINS} <= store_imports("core")


@pytest.mark.parametrize("name", STORE_MIXINS)
def test_no_query_module_imports_store_core(name: str) -> None:
    """core.py imports the query modules, so none of them imports core (or the package,
    which imports core), not even for type checking: a circle stays out of the store."""
    assert store_imports(name) & {"slrbcall.store", "slrbcall.store.core"} == set()
