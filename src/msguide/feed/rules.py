"""Declarative field rules: one definition both validates a feed and produces its JSON Schema.

Each rule checks one JSON value and returns it cleaned (text made inert, dates normalised to
UTC). Errors carry the JSON path; rules add their own step to it on the way out, so the happy
path builds no path strings at all.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from msguide.errors import FeedError
from msguide.feed.links import MAX_URL_LENGTH, link_problem
from msguide.feed.text import has_control_characters, inert_text

JsonSchema = dict[str, Any]


class RuleError(FeedError):
    """A FeedError whose path is assembled step by step as it travels outwards."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self._steps: list[str] = []

    def add_step(self, step: str) -> RuleError:
        self._steps.append(step)
        self.path = "".join(reversed(self._steps)).lstrip(".")
        return self


def describe(value: object) -> str:
    """How a JSON value looks, in words, for error messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"{'true' if value else 'false'} (true/false)"
    if isinstance(value, int | float):
        return f"a number ({value})" if len(repr(value)) < 30 else "a number"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "…"
        return f'text ("{inert_text(shown)}")'
    if isinstance(value, list):
        return f"a list of {len(value)}"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


class Rule:
    """Checks one JSON value; `json_schema` describes the same rule for publishers' tools."""

    expected = "a value"

    def check(self, value: Any) -> Any:
        raise NotImplementedError

    def json_schema(self) -> JsonSchema:
        raise NotImplementedError

    def wrong_type(self, value: object) -> RuleError:
        return RuleError(f"expected {self.expected}, found {describe(value)}")


@dataclass(frozen=True)
class Text(Rule):
    max_length: int
    multiline: bool = False
    pattern: str | None = None
    pattern_hint: str = ""
    min_length: int = 0
    doc: str = ""
    expected = "text"
    # Compiled once: a feed checks the same few patterns hundreds of thousands of times.
    _fullmatch: Callable[[str], object] | None = field(
        init=False, repr=False, compare=False, default=None
    )

    def __post_init__(self) -> None:
        if self.pattern is not None:
            object.__setattr__(self, "_fullmatch", re.compile(self.pattern).fullmatch)

    def check(self, value: Any) -> str:
        if type(value) is not str:
            raise self.wrong_type(value)
        if len(value) > self.max_length:
            raise RuleError(
                f"is {len(value)} characters long; the most allowed is {self.max_length}"
            )
        if self._fullmatch is not None:
            if not self._fullmatch(value):
                raise RuleError(
                    f'"{inert_text(value[:60])}" is not allowed here; {self.pattern_hint}'
                )
            return value
        text: str = inert_text(value, multiline=self.multiline)
        if self.min_length and len(text.strip()) < self.min_length:
            raise RuleError("is empty; give it some text")
        return text

    def json_schema(self) -> JsonSchema:
        out: JsonSchema = {"type": "string", "maxLength": self.max_length}
        if self.min_length:
            out["minLength"] = self.min_length
        if self.pattern is not None:
            out["pattern"] = f"^(?:{self.pattern})$"
        if self.doc:
            out["description"] = self.doc
        return out


_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class SearchWords(Rule):
    """A few words a person might type into search: one line, at least one letter or digit."""

    max_length: int
    max_words: int
    doc: str = ""
    expected = "text"

    def check(self, value: Any) -> str:
        if type(value) is not str:
            raise self.wrong_type(value)
        if len(value) > self.max_length:
            raise RuleError(
                f"is {len(value)} characters long; the most allowed is {self.max_length}"
            )
        text = inert_text(value).strip()
        words = len(_WORD.findall(text))
        if not words:
            raise RuleError(f'"{text[:40]}" holds no letters or digits; give a word to search for')
        if words > self.max_words:
            raise RuleError(f"has {words} words; the most allowed is {self.max_words}")
        return text

    def json_schema(self) -> JsonSchema:
        out: JsonSchema = {"type": "string", "minLength": 1, "maxLength": self.max_length}
        if self.doc:
            out["description"] = self.doc
        return out


@dataclass(frozen=True)
class Identifier(Rule):
    """A stable id: any text without control characters (JSON Feed item ids are often URLs)."""

    max_length: int = 256
    doc: str = ""
    expected = "text"

    def check(self, value: Any) -> str:
        if type(value) is not str:
            raise self.wrong_type(value)
        if not value.strip():
            raise RuleError("is empty; every id must be a non-empty text")
        if len(value) > self.max_length:
            raise RuleError(
                f"is {len(value)} characters long; the most allowed is {self.max_length}"
            )
        if has_control_characters(value):
            raise RuleError("contains control or direction-changing characters; ids must be plain")
        return value

    def json_schema(self) -> JsonSchema:
        out: JsonSchema = {"type": "string", "minLength": 1, "maxLength": self.max_length}
        if self.doc:
            out["description"] = self.doc
        return out


@dataclass(frozen=True)
class Link(Rule):
    schemes: frozenset[str] = frozenset({"https", "http", "mailto", "tel"})
    doc: str = ""
    expected = "a link"

    def check(self, value: Any) -> str:
        if type(value) is not str:
            raise self.wrong_type(value)
        problem = link_problem(value, self.schemes)
        if problem is not None:
            raise RuleError(problem)
        return value

    def json_schema(self) -> JsonSchema:
        alternatives = "|".join(sorted(self.schemes))
        out: JsonSchema = {
            "type": "string",
            "format": "uri",
            "maxLength": MAX_URL_LENGTH,
            "pattern": f"^(?i:{alternatives}):",
        }
        if self.doc:
            out["description"] = self.doc
        return out


_RFC3339 = re.compile(
    r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:[Zz]|[+-]\d{2}:\d{2})"
)


def normalise_timestamp(value: str) -> str:
    """An RFC 3339 date-time as UTC ``YYYY-MM-DDTHH:MM:SSZ``; raises ValueError if it is not one."""
    if not _RFC3339.fullmatch(value):
        raise ValueError(value)
    text = value.replace("z", "Z").replace("t", "T").replace(" ", "T")
    fraction = re.search(r"\.\d+", text)
    if fraction:
        text = text.replace(fraction.group(0), fraction.group(0)[:7])
    parsed = datetime.fromisoformat(text)
    try:
        utc = parsed.astimezone(UTC)
    except OverflowError:
        # Valid as written, but its UTC time falls before year 1 or after 9999.
        edge = "before the year 1" if parsed.year == 1 else "after the year 9999"
        raise DateOutOfRangeError(f"the date {inert_text(value)} is {edge} in UTC") from None
    # Not strftime: its %Y drops the leading zeros of years before 1000 on some platforms.
    return (
        f"{utc.year:04d}-{utc.month:02d}-{utc.day:02d}"
        f"T{utc.hour:02d}:{utc.minute:02d}:{utc.second:02d}Z"
    )


class DateOutOfRangeError(ValueError):
    """A well-formed date-time that cannot be turned into UTC (it overflows the calendar)."""


@dataclass(frozen=True)
class Timestamp(Rule):
    doc: str = ""
    expected = "a date-time"

    def check(self, value: Any) -> str:
        if type(value) is not str:
            raise self.wrong_type(value)
        try:
            return normalise_timestamp(value)
        except DateOutOfRangeError as error:
            raise RuleError(f"{error}; no feed needs such a date") from None
        except ValueError:
            raise RuleError(
                f'"{inert_text(value[:40])}" is not an RFC 3339 date-time such as '
                "2025-04-01T09:00:00Z"
            ) from None

    def json_schema(self) -> JsonSchema:
        out: JsonSchema = {"type": "string", "format": "date-time"}
        if self.doc:
            out["description"] = self.doc
        return out


@dataclass(frozen=True)
class Integer(Rule):
    minimum: int = 0
    maximum: int = 2**53 - 1
    doc: str = ""
    expected = "a whole number"

    def check(self, value: Any) -> int:
        if type(value) is not int:
            raise self.wrong_type(value)
        if not self.minimum <= value <= self.maximum:
            raise RuleError(f"{value} is out of range; use {self.minimum} to {self.maximum}")
        return value

    def json_schema(self) -> JsonSchema:
        out: JsonSchema = {"type": "integer", "minimum": self.minimum, "maximum": self.maximum}
        if self.doc:
            out["description"] = self.doc
        return out


@dataclass(frozen=True)
class Boolean(Rule):
    doc: str = ""
    expected = "true or false"

    def check(self, value: Any) -> bool:
        if type(value) is not bool:
            raise self.wrong_type(value)
        return value

    def json_schema(self) -> JsonSchema:
        out: JsonSchema = {"type": "boolean"}
        if self.doc:
            out["description"] = self.doc
        return out


@dataclass(frozen=True)
class Choice(Rule):
    values: tuple[str | int, ...]
    doc: str = ""
    hint: str = ""

    @property
    def expected(self) -> str:  # type: ignore[override]
        return "one of " + ", ".join(str(v) for v in self.values)

    def check(self, value: Any) -> str | int:
        if type(value) not in (str, int) or value not in self.values:
            shown = f'"{inert_text(value[:40])}"' if isinstance(value, str) else describe(value)
            hint = f"; {self.hint}" if self.hint else ""
            raise RuleError(f"{shown} is not one of {', '.join(map(str, self.values))}{hint}")
        return value  # type: ignore[no-any-return]

    def json_schema(self) -> JsonSchema:
        out: JsonSchema = {"enum": list(self.values)}
        if self.doc:
            out["description"] = self.doc
        return out


@dataclass(frozen=True)
class ListOf(Rule):
    item: Rule
    max_items: int
    unique: bool = False
    doc: str = ""
    expected = "a list"

    def check(self, value: Any) -> tuple[Any, ...]:
        if type(value) is not list:
            raise self.wrong_type(value)
        if len(value) > self.max_items:
            raise RuleError(f"has {len(value)} entries; the most allowed is {self.max_items}")
        out = []
        check = self.item.check
        for index, element in enumerate(value):
            try:
                out.append(check(element))
            except RuleError as error:
                raise error.add_step(f"[{index}]") from None
        if self.unique and len(set(out)) != len(out):
            seen: set[Any] = set()
            for index, element in enumerate(out):
                if element in seen:
                    raise RuleError(f"{describe(element)} is listed twice").add_step(f"[{index}]")
                seen.add(element)
        return tuple(out)

    def json_schema(self) -> JsonSchema:
        out: JsonSchema = {
            "type": "array",
            "items": self.item.json_schema(),
            "maxItems": self.max_items,
        }
        if self.unique:
            out["uniqueItems"] = True
        if self.doc:
            out["description"] = self.doc
        return out


@dataclass(frozen=True)
class MapOf(Rule):
    """A JSON object used as a dictionary: any keys (checked by `key`), each with a value
    checked by `value`. Returned as (key, value) pairs in the document's order."""

    key: Rule
    value: Rule
    max_entries: int
    doc: str = ""
    expected = "an object"

    def check(self, value: Any) -> tuple[tuple[Any, Any], ...]:
        if type(value) is not dict:
            raise self.wrong_type(value)
        if len(value) > self.max_entries:
            raise RuleError(f"has {len(value)} entries; the most allowed is {self.max_entries}")
        out = []
        for name, element in value.items():
            step = f'["{inert_text(name[:40])}"]'
            try:
                out.append((self.key.check(name), self.value.check(element)))
            except RuleError as error:
                raise error.add_step(step) from None
        return tuple(out)

    def json_schema(self) -> JsonSchema:
        out: JsonSchema = {
            "type": "object",
            "propertyNames": self.key.json_schema(),
            "additionalProperties": self.value.json_schema(),
            "maxProperties": self.max_entries,
        }
        if self.doc:
            out["description"] = self.doc
        return out


@dataclass(frozen=True)
class Field:
    rule: Rule
    required: bool = False


@dataclass(frozen=True)
class Record(Rule):
    """A JSON object with known fields; unknown keys are ignored (forward compatibility)."""

    fields: Mapping[str, Field]
    build: Callable[[dict[str, Any]], Any] | None = None
    doc: str = ""
    required_note: Mapping[str, str] = field(default_factory=dict)
    expected = "an object"
    # (name, check, required) per field, looked up once rather than for every object checked.
    _checks: tuple[tuple[str, Callable[[Any], Any], bool], ...] = field(
        init=False, repr=False, compare=False, default=()
    )

    def __post_init__(self) -> None:
        checks = tuple((name, spec.rule.check, spec.required) for name, spec in self.fields.items())
        object.__setattr__(self, "_checks", checks)

    def check(self, value: Any) -> Any:
        if type(value) is not dict:
            raise self.wrong_type(value)
        out: dict[str, Any] = {}
        get = value.get
        for name, check, required in self._checks:
            raw = get(name)
            if raw is None:
                if required:
                    note = self.required_note.get(name, "")
                    raise RuleError(f"is missing{'; ' + note if note else ''}").add_step(f".{name}")
                continue
            try:
                out[name] = check(raw)
            except RuleError as error:
                raise error.add_step(f".{name}") from None
        return self.build(out) if self.build is not None else out

    def json_schema(self) -> JsonSchema:
        out: JsonSchema = {
            "type": "object",
            "properties": {name: spec.rule.json_schema() for name, spec in self.fields.items()},
        }
        required = [name for name, spec in self.fields.items() if spec.required]
        if required:
            out["required"] = required
        if self.doc:
            out["description"] = self.doc
        return out


def note_first_use(
    first: dict[str, int],
    key: str,
    index: int,
    *,
    listed: str,
    what: str,
    path: str,
    shown: int | None = None,
) -> None:
    """Remember that `key` is used at `listed[index]`; refuse it (located at `path`, the key
    cut to `shown` characters) if it was used before: ids name one item, pathway or step each."""
    if key in first:
        raise FeedError(
            f'"{key[:shown]}" is used twice (first at {listed}[{first[key]}]); '
            f"every {what} needs its own id",
            path=path,
        )
    first[key] = index
