"""Packages whose public names load on first use (PEP 562).

``slrbcall.services`` and ``slrbcall.sheets`` re-export names from their submodules,
but importing every submodule up front would cost a command its start-up time (and
an intake the time before calamine starts). Each package keeps a map from name to
home module and takes its module ``__getattr__`` from :func:`loader`.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["loader"]


def loader(package: str, homes: Mapping[str, str]) -> Callable[[str], Any]:
    """The ``__getattr__`` of ``package``: imports a name from its home on first use,
    then keeps it in the package, so that the next use is a plain lookup."""
    namespace = vars(sys.modules[package])

    def load(name: str) -> Any:
        home = homes.get(name)
        if home is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(home), name)
        namespace[name] = value
        return value

    return load
