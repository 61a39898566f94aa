"""The committee, the third stage of a call: marks and weighted scores.

* :mod:`.marks`: the scores workbook read into marks;
* :mod:`.scoring`: conflicts of interest, checks, weighted scores and the ranking;
* :mod:`.service`: the use cases the CLI calls (the marking workbook, score, ranking).

Imports run down the life of a call: this slice imports :mod:`slrbcall.intake`,
:mod:`slrbcall.calls`, the adapters and the kernel.
"""
