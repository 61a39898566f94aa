"""The allocation stage: who is funded, with how much, and why, and the decisions taken.

* :mod:`.engine`: :func:`~.engine.allocate` and :func:`~.engine.reallocate`, the policies
  and their invariants (pure), built on :mod:`.inputs`, :mod:`.ranking`,
  :mod:`.policies`, :mod:`.optimal` and :mod:`.solver`, :mod:`.reserve`, :mod:`.result`
  and :mod:`.explain`;
* :mod:`.codes`: the decisions and reason codes, and their labels;
* :mod:`.standing`: where a decision in force stands (withdrawals, reserve);
* :mod:`.decisions`: the stored runs and adoptions of a call, read;
* :mod:`.service` and :mod:`.reallocation`: the use cases the CLI calls.

Importing this package loads none of them: ``slrbcall history`` and ``slrbcall report``
read the decisions and their codes without the engine (bench/workspace.py).
"""
