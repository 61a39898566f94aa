"""Allow ``python -m slrbcall``."""

from slrbcall.cli.app import main

main()
