"""The Jinja environment of the templates: sandboxed, strict, and bounded.

Officers edit the templates in Word, and a template is code: a loop nested in a loop, a
``range`` of a billion or ``10 ** 10 ** 10`` would make a render run for ever or eat the
machine's memory. The sandbox keeps Python's internals out of reach; the bounds below
keep every render finite, and a template that reaches one is refused with a line naming
the template and the tag, like any other template error:

* a render takes at most :data:`MAX_SECONDS` and :data:`MAX_STEPS` loop steps over
  ranges (the loops over the context's own lists are as long as the data);
* ``**`` takes no exponent above :data:`MAX_EXPONENT` and gives no number above
  :data:`MAX_NUMBER`; ``*`` makes no text or list longer than :data:`MAX_ITEMS`;
* a rendered part holds at most :data:`MAX_OUTPUT` characters.

Pure: nothing is read or written here.
"""

from __future__ import annotations

import contextvars
import re
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from slrbcall.i18n import _, language

if TYPE_CHECKING:
    from jinja2 import Template
    from jinja2.sandbox import SandboxedEnvironment

__all__ = [
    "MAX_EXPONENT",
    "MAX_ITEMS",
    "MAX_NUMBER",
    "MAX_OUTPUT",
    "MAX_SECONDS",
    "MAX_STEPS",
    "TemplateBudgetError",
    "jinja_environment",
    "render_bounded",
    "xml_characters",
]

#: The longest a render of one document part may run, in seconds (a convention takes
#: a few milliseconds).
MAX_SECONDS = 10.0
#: Loop steps over ranges per render: a table of tranches needs a handful.
MAX_STEPS = 1_000_000
MAX_EXPONENT = 64
MAX_NUMBER = 10**30
#: The longest text or list ``*`` may build.
MAX_ITEMS = 1_000_000
#: The most characters a rendered part may hold (a convention's body is about 100,000).
MAX_OUTPUT = 20_000_000


class TemplateBudgetError(Exception):
    """A template went past one of the bounds; ``str()`` says which and why."""


@dataclass(slots=True)
class _Budget:
    deadline: float
    steps: int = 0


_BUDGET: contextvars.ContextVar[_Budget | None] = contextvars.ContextVar(
    "slrbcall_template_budget", default=None
)


def _number(count: int) -> str:
    """A whole number grouped in thousands as the officer writes it: ``1,000,000`` in
    English, ``1 000 000`` in French, ``1.000.000`` in Dutch."""
    grouped = f"{count:,}"
    return {"fr": grouped.replace(",", "\u202f"), "nl": grouped.replace(",", ".")}.get(
        language(), grouped
    )


def _spend() -> None:
    """One loop step: counted, and every 1,024 steps the clock is read."""
    budget = _BUDGET.get()
    if budget is None:
        return
    budget.steps += 1
    if budget.steps > MAX_STEPS:
        raise TemplateBudgetError(
            _("the template loops more than {count} times: check its loops and ranges").format(
                count=_number(MAX_STEPS)
            )
        )
    if budget.steps % 1024 == 0:
        _check_time(budget)


def _check_time(budget: _Budget) -> None:
    if time.monotonic() > budget.deadline:
        raise TemplateBudgetError(
            _("the template runs longer than {seconds} s").format(seconds=f"{MAX_SECONDS:g}")
        )


class _Steps(Iterable[int]):
    """A range whose every step is counted against the render's budget."""

    __slots__ = ("_range",)

    def __init__(self, numbers: range) -> None:
        self._range = numbers

    def __iter__(self) -> Iterator[int]:
        for number in self._range:
            _spend()
            yield number

    def __len__(self) -> int:
        return len(self._range)

    def __reversed__(self) -> Iterator[int]:
        for number in reversed(self._range):
            _spend()
            yield number


def _range(*args: int) -> _Steps:
    from jinja2.sandbox import safe_range

    return _Steps(safe_range(*args))


def _size(value: Any) -> int | None:
    return len(value) if isinstance(value, str | list | tuple) else None


def _binop(operator: str, left: Any, right: Any) -> Any:
    """``**`` and ``*`` within bounds; the other operators as Jinja has them."""
    if operator == "**":
        if isinstance(right, int | float) and abs(right) > MAX_EXPONENT:
            raise TemplateBudgetError(
                _("the exponent {exponent} is above {most}").format(
                    exponent=right, most=MAX_EXPONENT
                )
            )
        result = left**right
        if isinstance(result, int | float) and abs(result) > MAX_NUMBER:
            raise TemplateBudgetError(
                _("{left} ** {right} is too large for a document").format(left=left, right=right)
            )
        return result
    if operator == "*":
        for sequence, times in ((left, right), (right, left)):
            size = _size(sequence)
            if size is not None and isinstance(times, int) and size * times > MAX_ITEMS:
                raise TemplateBudgetError(
                    _("'*' would build {count} items (at most {most})").format(
                        count=_number(size * times), most=_number(MAX_ITEMS)
                    )
                )
        return left * right
    raise AssertionError(operator)  # only ** and * are intercepted


# XML 1.0 forbids these; lxml would drop them silently (body) or fail (headers, footers).
# \a and \f stay: docxtpl turns them into a new paragraph and a page break.
_NOT_XML = re.compile("[\x00-\x06\x08\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_characters(value: Any) -> Any:
    """Every ``{{ }}`` value: Word's line break (\v, in copied text) becomes a line break."""
    if isinstance(value, str):
        cleaned = _NOT_XML.sub("", value.replace("\v", "\n"))
        return type(value)(cleaned) if cleaned != value else value
    return value


def jinja_environment(*, autoescape: bool = True) -> SandboxedEnvironment:
    """The sandboxed, strict, bounded Jinja environment of every template.

    Autoescape keeps ``Foyer & Co <SCRL>`` text in the XML. ``autoescape=False`` is
    only for the document properties, which lxml escapes itself. Its globals are
    Jinja's, but for a counted ``range`` and no ``lipsum`` (a generator of any length).
    """
    from jinja2 import StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    class Bounded(SandboxedEnvironment):
        intercepted_binops = frozenset({"**", "*"})

        def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
            return _binop(operator, left, right)

    env = Bounded(undefined=StrictUndefined, autoescape=autoescape, finalize=xml_characters)
    env.globals["range"] = _range
    env.globals.pop("lipsum", None)
    return env


def render_bounded(template: Template, values: dict[str, Any]) -> str:
    """``template`` rendered with ``values``, within the time, step and output bounds."""
    budget = _Budget(deadline=time.monotonic() + MAX_SECONDS)
    token = _BUDGET.set(budget)
    try:
        pieces: list[str] = []
        length = 0
        for piece in template.generate(values):
            length += len(piece)
            if length > MAX_OUTPUT:
                raise TemplateBudgetError(
                    _("the template writes more than {count} characters").format(
                        count=_number(MAX_OUTPUT)
                    )
                )
            _check_time(budget)
            pieces.append(piece)
        return "".join(pieces)
    finally:
        _BUDGET.reset(token)
