"""slrbcall: run a public grant call of the Brussels social-housing authority.

The package is a library first; the command line in :mod:`slrbcall.cli` is a thin
layer over :mod:`slrbcall.services`.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
