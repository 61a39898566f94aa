"""A strict YAML reader for hand-written configuration.

PyYAML's ``safe_load`` still accepts things that bite officers who edit YAML by hand:
``NO`` read as ``False`` (YAML 1.1), ``0012345`` read as an octal number, duplicate keys
silently overwritten, and anchors/aliases that can expand exponentially ("billion
laughs"). This module composes the YAML node tree itself and builds plain Python values
under stricter rules:

* Only ``true``/``false`` are booleans and only ``null``/``~``/empty are null.
* Integers are plain decimal digits without leading zeros; ``0012345`` stays a string.
* Decimals (``255000.50``) become :class:`~decimal.Decimal`, exactly, never a float.
  Exponents, ``.inf`` and ``.nan`` are refused: a number must read as it is meant; so
  is a number of more than :data:`MAX_DIGITS` digits.
* Duplicate keys, anchors, aliases and explicit tags (``!!python/object``) are refused.
* Dates stay strings; the schema decides what a string means.

Every problem is reported with its line and column; all problems are collected. The
messages are in the officer's language, libyaml's syntax errors too (:data:`SYNTAX`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from slrbcall.calls.source import read_source
from slrbcall.errors import InputFileError, Problem
from slrbcall.i18n import N_, _

__all__ = ["SYNTAX", "Located", "decode_source", "load_yaml", "parse_yaml"]

Path_ = tuple[str | int, ...]

_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")
_DECIMAL = re.compile(r"[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)")
_EXPONENT = re.compile(r"[-+]?(?:[0-9][0-9_]*)?(?:\.[0-9_]*)?[eE][-+]?[0-9]+")
_SPECIAL_FLOAT = re.compile(r"[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)")
_TRUE = {"true", "True", "TRUE"}
_FALSE = {"false", "False", "FALSE"}
_NULL = {"", "~", "null", "Null", "NULL"}

#: The most digits a number may have: € 1.000.000.000,00 has twelve, and Python refuses
#: to read an integer of more than 4,300.
MAX_DIGITS = 15

#: The syntax errors of libyaml (and of PyYAML's own parser, where it words them
#: otherwise) that a hand-edited file meets, in our words: what is wrong and what to
#: write. Another error keeps libyaml's words.
SYNTAX = {
    "did not find expected node content": N_(
        "a value is missing or unfinished here (a list in brackets or a mapping in braces "
        "not closed, or a value that starts with a character YAML reserves: put it in quotes)"
    ),
    "mapping values are not allowed in this context": N_(
        "a ':' where no key can start: check the indentation, and put a text that holds "
        "': ' in quotes"
    ),
    "mapping values are not allowed here": N_(
        "a ':' where no key can start: check the indentation, and put a text that holds "
        "': ' in quotes"
    ),
    "found character that cannot start any token": N_(
        "a character that cannot start a value here: indent with spaces, not tabs, and put "
        "a text that starts with '@' or '`' in quotes"
    ),
    "found unexpected end of stream": N_("the file ends inside a quoted text: close the quotes"),
    "did not find expected '-' indicator": N_(
        "a list item without its '- ', or a key at the indentation of a list: check the indentation"
    ),
    "did not find expected ',' or ']'": N_(
        "a list in brackets is not closed: add the ']' (and a ',' between its items)"
    ),
    "did not find expected ',' or '}'": N_(
        "a mapping in braces is not closed: add the closing brace (and a ',' between its items)"
    ),
    "found unknown escape character": N_(
        "an unknown escape in a text in double quotes: write a backslash as \\\\, or use "
        "single quotes"
    ),
    "did not find expected key": N_(
        "something stands after a value where a key should start: check the indentation "
        "and the quotes"
    ),
    "did not find expected <document start>": N_(
        "something stands after the end of the file's content: check the indentation, and "
        "remove what is left over"
    ),
    "did not find expected alphabetic or numeric character": N_(
        "an '&' or a '*' without a name: put a text that starts with it in quotes"
    ),
    "could not find expected ':'": N_("a key without its ':': write 'key: value'"),
}


@dataclass(frozen=True, slots=True)
class Located:
    """Plain data parsed from YAML, with the position of every value and key.

    ``positions[path]`` is the (line, column), 1-based, of the value at ``path``
    (a tuple of mapping keys and list indexes); ``key_positions[path]`` is where the
    key of that value is written. The root is at path ``()``.
    """

    data: Any
    source: str
    positions: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    key_positions: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    problems: tuple[Problem, ...] = ()
    flawed: frozenset[Path_] = frozenset()

    def position(self, path: Path_, *, key: bool = False) -> tuple[int, int]:
        """(line, col) of the closest known position at or above ``path``."""
        table = self.key_positions if key else self.positions
        probe = tuple(path)
        while probe:
            if probe in table:
                return table[probe]
            if probe in self.positions:
                return self.positions[probe]
            probe = probe[:-1]
        return self.positions.get((), (1, 1))

    def where(self, path: Path_, *, key: bool = False) -> str:
        """``file:line:col`` of the closest known position at or above ``path``."""
        return self.problem(path, "", key=key).where

    def problem(self, path: Path_, message: str, *, key: bool = False) -> Problem:
        """A problem with the value at ``path`` (with its key, when ``key``)."""
        line, col = self.position(path, key=key)
        return Problem(self.source, message, line=line, col=col)


def decode_source(raw: bytes, *, source: str) -> str:
    """UTF-8 text (a BOM is allowed, as Windows editors write one)."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputFileError(
            [
                Problem(
                    source,
                    _("is not UTF-8 text (byte {position}): save it as UTF-8").format(
                        position=exc.start
                    ),
                )
            ]
        ) from exc


def load_yaml(path: Path, *, label: str | None = None) -> Located:
    """Read and parse a YAML file; raise :class:`InputFileError` on any problem."""
    source = label or str(path)
    return parse_yaml(decode_source(read_source(path, label=source), source=source), source=source)


def parse_yaml(text: str, *, source: str, partial: bool = False) -> Located:
    """Parse YAML text under the strict rules of this module.

    Values are built straight from the parser's events (libyaml's C parser when
    PyYAML has it), so an alias is never expanded and a file of a few KB parses in a
    few milliseconds.

    With ``partial``, problems with single values (an alias, a tag, an exponent) do not
    raise: they are returned in ``Located.problems``, the values are ``None`` and their
    paths are in ``Located.flawed``, so that the caller can check the rest of the file
    and report everything at once. Syntax errors and empty files always raise.
    """
    import yaml

    loader_class: type[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    builder = _Builder(source)
    try:
        data = builder.build(yaml.parse(text, Loader=loader_class))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = _syntax(str(exc.problem or exc.context))
        builder.problems.append(
            Problem(source, message, line=mark.line + 1, col=mark.column + 1)
            if mark
            else Problem(source, message)
        )
        raise InputFileError(builder.problems) from None
    except yaml.YAMLError as exc:
        raise InputFileError([Problem(source, _syntax(str(exc)))]) from None
    problems = tuple(sorted(builder.problems, key=_problem_order))
    if problems and (not partial or data is None or builder.fatal):
        raise InputFileError(problems)
    return Located(
        data=data,
        source=source,
        positions=builder.positions,
        key_positions=builder.key_positions,
        problems=problems,
        flawed=frozenset(builder.flawed),
    )


def _syntax(problem: str) -> str:
    """A syntax error in our words (:data:`SYNTAX`), else in libyaml's."""
    words = SYNTAX.get(problem)
    return _("not valid YAML: {problem}").format(problem=_(words) if words else problem)


def _problem_order(problem: Problem) -> tuple[int, int]:
    return problem.line or 0, problem.col or 0


def _mark(event: Any) -> tuple[int, int]:
    """1-based (line, column) where an event starts."""
    return event.start_mark.line + 1, event.start_mark.column + 1


class _Builder:
    """Builds plain values from parser events, collecting problems and positions."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[Problem] = []
        self.positions: dict[Path_, tuple[int, int]] = {}
        self.key_positions: dict[Path_, tuple[int, int]] = {}
        self.flawed: set[Path_] = set()
        self.fatal = False  # a problem that makes the rest of the file meaningless

    def problem(self, event: Any, message: str) -> Problem:
        """A problem with what ``event`` starts."""
        line, col = _mark(event)
        return Problem(self.source, message, line=line, col=col)

    def build(self, events: Iterator[Any]) -> Any:
        from yaml import events as ev

        documents = 0
        data: Any = None
        for event in events:
            if isinstance(event, ev.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    self.fatal = True
                    self.problems.append(
                        self.problem(event, _("only one YAML document is allowed (remove ---)"))
                    )
                    break
                data = self._value(events, next(events), ())
        if documents == 0 or (documents == 1 and data is None and not self.positions):
            self.problems.append(Problem(self.source, _("the file is empty"), line=1, col=1))
        return data

    def _value(self, events: Iterator[Any], event: Any, path: Path_) -> Any:
        before = len(self.problems)
        value = self._value_of(events, event, path)
        if value is None and len(self.problems) > before:
            self.flawed.add(path)
        return value

    def _value_of(self, events: Iterator[Any], event: Any, path: Path_) -> Any:
        from yaml import events as ev

        self.positions[path] = _mark(event)
        if isinstance(event, ev.DocumentEndEvent):  # an empty document
            self.positions.pop(path)
            return None
        if isinstance(event, ev.AliasEvent):
            self.problems.append(
                self.problem(
                    event,
                    _("aliases are not allowed ({alias}): write the value out").format(
                        alias=f"*{event.anchor}"
                    ),
                )
            )
            return None
        refused = False
        if event.anchor is not None:
            self.problems.append(
                self.problem(
                    event,
                    _("anchors are not allowed ({anchor}): write the value out").format(
                        anchor=f"&{event.anchor}"
                    ),
                )
            )
        tag = getattr(event, "tag", None)
        if (
            tag is not None
            and tag != "!"
            and not (isinstance(event, ev.ScalarEvent) and tag == "!")
        ):
            explicit = not isinstance(event, ev.ScalarEvent) or not event.implicit[0]
            if explicit or isinstance(event, ev.CollectionStartEvent):
                shown = tag.replace("tag:yaml.org,2002:", "!!")
                self.problems.append(
                    self.problem(
                        event, _("tags are not allowed ({tag}): remove the tag").format(tag=shown)
                    )
                )
                refused = True
        result: Any
        if isinstance(event, ev.MappingStartEvent):
            result = self._mapping(events, path)
        elif isinstance(event, ev.SequenceStartEvent):
            result = self._sequence(events, path)
        else:
            result = self._scalar(event)
        return None if refused else result

    def _mapping(self, events: Iterator[Any], path: Path_) -> dict[str, Any]:
        from yaml import events as ev

        result: dict[str, Any] = {}
        for key_event in events:
            if isinstance(key_event, ev.MappingEndEvent):
                return result
            if not isinstance(key_event, ev.ScalarEvent):
                self.fatal = True
                self.problems.append(self.problem(key_event, _("a key must be plain text")))
                self._value(events, key_event, (*path, "?"))  # consume the complex key
                self._value(events, next(events), (*path, "?"))
                continue
            key = key_event.value
            value_event = next(events)
            if key == "<<" and not key_event.style:
                self.problems.append(self.problem(key_event, _("merge keys (<<) are not allowed")))
                self._value(events, value_event, (*path, "<<"))
                continue
            if key in result:
                first = self.key_positions.get((*path, key), (0, 0))
                self.problems.append(
                    self.problem(
                        key_event,
                        _("duplicate key '{key}' (first written at line {line})").format(
                            key=key, line=first[0]
                        ),
                    )
                )
                self._value(events, value_event, (*path, f"{key}#duplicate"))
                continue
            self.key_positions[(*path, key)] = _mark(key_event)
            result[key] = self._value(events, value_event, (*path, key))
        return result

    def _sequence(self, events: Iterator[Any], path: Path_) -> list[Any]:
        from yaml import events as ev

        result: list[Any] = []
        for event in events:
            if isinstance(event, ev.SequenceEndEvent):
                return result
            result.append(self._value(events, event, (*path, len(result))))
        return result

    def _scalar(self, event: Any) -> Any:
        text: str = event.value
        if event.style:  # quoted or block scalar (plain is None or ""): always a string
            return text
        if text in _NULL:
            return None
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        if _INT.fullmatch(text) or _DECIMAL.fullmatch(text):
            digits = len(text.lstrip("+-").replace(".", "").lstrip("0"))
            if digits > MAX_DIGITS:
                shown = text if len(text) <= 24 else text[:21] + "..."
                self.problems.append(
                    self.problem(
                        event,
                        _(
                            "a number of {count} digits: {number} (a call definition's numbers "
                            "have at most {most}; put a code in quotes)"
                        ).format(count=digits, number=shown, most=MAX_DIGITS),
                    )
                )
                return None
            return int(text) if _INT.fullmatch(text) else Decimal(text)
        if _EXPONENT.fullmatch(text) or _SPECIAL_FLOAT.fullmatch(text):
            self.problems.append(
                self.problem(
                    event,
                    _(
                        "number in exponent or special form: {number} (write it in full, "
                        "e.g. 255000)"
                    ).format(number=text),
                )
            )
            return None
        return text
