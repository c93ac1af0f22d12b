"""Turn feed bytes into a `Feed`, or refuse them with a located, plain-words `FeedError`."""

from __future__ import annotations

import gc
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from msguide.errors import FeedError
from msguide.feed.format import ITEM, TOP_LEVEL
from msguide.feed.model import Feed, Item
from msguide.feed.pathway import check_pathways
from msguide.feed.rules import RuleError, describe, note_first_use

MEGABYTE = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Limits:
    """What a single feed may hold. The defaults fit a national feed with room to spare."""

    max_bytes: int = 20 * MEGABYTE
    max_items: int = 100_000
    # Objects in the whole document, on average: an item, its _msguide and one attachment with
    # its _msguide. Bounding this stops a flood of tiny objects before it is all in memory.
    objects_per_item: int = 4
    # Lists per item (tags, audiences, categories, attachments) with room for "[" in text:
    # counted in the bytes before parsing, because json.loads has no hook for lists and a
    # flood of 6 million empty lists in 20 MB would take seconds and 400 MB to build.
    lists_per_item: int = 8
    max_number_digits: int = 19

    @property
    def max_objects(self) -> int:
        return self.max_items * self.objects_per_item + 10_000


DEFAULT_LIMITS = Limits()


class _TooManyObjectsError(Exception):
    def __init__(self, what: str = "objects") -> None:
        super().__init__(what)
        self.what = what


class _StrictJson:
    """json.loads with the refusals DESIGN.md §2 asks for and a bound on the number of objects."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.budget = limits.max_objects
        # Every number passes through a Python hook (slow): a flood of them is bounded too.
        # A feed's numbers are a few per item (sequence, format, attachment sizes).
        self.numbers = limits.max_objects

    def object_pairs(self, pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        self.budget -= 1
        if self.budget < 0:
            raise _TooManyObjectsError
        result = dict(pairs)
        if len(result) != len(pairs):
            seen: set[str] = set()
            for key, _ in pairs:
                if key in seen:
                    raise FeedError(
                        f'the key "{key[:40]}" appears twice in one object; '
                        "each key may appear once"
                    )
                seen.add(key)
        return result

    def constant(self, name: str) -> Any:
        raise FeedError(f"{name} is not a number JSON allows; use a plain number")

    def integer(self, text: str) -> int:
        self._count_number()
        if len(text) > self.limits.max_number_digits:
            raise FeedError(
                f"a number with {len(text)} digits is too long; "
                f"the most allowed is {self.limits.max_number_digits}"
            )
        return int(text)

    def real(self, text: str) -> float:
        self._count_number()
        if len(text) > 40:
            raise FeedError(f"a number written with {len(text)} characters is too long")
        value = float(text)
        if value in (float("inf"), float("-inf")):
            raise FeedError(f"the number {text[:20]} is too large")
        return value

    def _count_number(self) -> None:
        self.numbers -= 1
        if self.numbers < 0:
            raise _TooManyObjectsError("numbers")

    def loads(self, text: str) -> Any:
        return json.loads(
            text,
            object_pairs_hook=self.object_pairs,
            parse_constant=self.constant,
            parse_int=self.integer,
            parse_float=self.real,
        )


def _decode(raw: bytes) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    elif raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise FeedError("the file is UTF-16 text; save the feed as UTF-8")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        raise FeedError(
            f"the file is not valid UTF-8 text (bad byte at offset {error.start}, line {line}); "
            "save the feed as UTF-8"
        ) from None


def load_json(raw: bytes, limits: Limits = DEFAULT_LIMITS) -> Any:
    """Strictly decode JSON bytes within `limits`."""
    if len(raw) > limits.max_bytes:
        raise FeedError(
            f"the feed is {len(raw) / MEGABYTE:.1f} MB; the most allowed is "
            f"{limits.max_bytes / MEGABYTE:.0f} MB"
        )
    if not raw.strip():
        raise FeedError("the file is empty; a feed is a JSON object")
    if raw.count(b"[") > limits.max_items * limits.lists_per_item + 10_000:
        raise _too_many("lists", limits)
    text = _decode(raw)
    try:
        return _StrictJson(limits).loads(text)
    except json.JSONDecodeError as error:
        if error.msg.startswith("Unterminated string") or error.pos >= len(text.rstrip()):
            raise FeedError(
                f"the JSON ends too early (line {error.lineno}, column {error.colno}); "
                "the file may be truncated: download or copy it again"
            ) from None
        raise FeedError(
            f"not valid JSON at line {error.lineno}, column {error.colno}: {error.msg}"
        ) from None
    except RecursionError:
        raise FeedError("the JSON is nested too deeply to be a feed") from None
    except _TooManyObjectsError as error:
        raise _too_many(error.what, limits) from None
    except ValueError as error:  # int() refusing a huge literal, and the like
        raise FeedError(f"not valid JSON: {error}") from None


def _too_many(what: str, limits: Limits) -> FeedError:
    return FeedError(
        f"the feed holds far more {what} than {limits.max_items} items can; "
        "it is too large or not a feed"
    )


def parse(raw: bytes, limits: Limits = DEFAULT_LIMITS) -> Feed:
    """Parse and validate feed bytes. Raises `FeedError` (with `.path`) and nothing else."""
    with collector_paused():
        document = load_json(raw, limits)
        return validate(document, limits)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector while a feed's objects are built (they form no cycles).

    Otherwise it walks the growing document again and again: for a 100k-item feed that made
    parsing 1.6x slower. Reference counting frees everything as usual meanwhile.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def validate(document: Any, limits: Limits = DEFAULT_LIMITS) -> Feed:
    if type(document) is not dict:
        raise FeedError(f"a feed is a JSON object, but this file holds {describe(document)}")
    head = TOP_LEVEL.check(document)
    raw_items = document.get("items")
    if raw_items is None:
        raise FeedError("is missing; a feed needs a list of items (it may be empty)", path="items")
    if type(raw_items) is not list:
        raise FeedError(f"expected a list, found {describe(raw_items)}", path="items")
    if len(raw_items) > limits.max_items:
        raise FeedError(
            f"has {len(raw_items)} items; the most allowed is {limits.max_items}", path="items"
        )
    items = _check_items(raw_items)
    extension = head["_msguide"]
    check_unique([t.id for t in extension.get("audiences", ())], "_msguide.audiences")
    check_unique([t.id for t in extension.get("categories", ())], "_msguide.categories")
    feed = feed_from_head(head, items)
    audiences = {t.id for t in feed.audiences}
    categories = {t.id for t in feed.categories}
    for index, item in enumerate(items):
        check_item_references(item, index, audiences, categories)
    check_pathways(feed.pathways, (item.id for item in items))
    return feed


def feed_from_head(head: dict[str, Any], items: tuple[Item, ...]) -> Feed:
    """The feed from its checked top-level fields (`TOP_LEVEL.check`) and its checked items."""
    extension = head["_msguide"]
    expires = extension.get("expires")
    # Both are normalised UTC text (YYYY-MM-DDTHH:MM:SSZ), so text order is time order.
    if expires is not None and expires <= extension["published"]:
        raise FeedError(
            f"is {expires}, not after _msguide.published ({extension['published']}); a feed "
            "cannot expire before it is published: fix either date",
            path="_msguide.expires",
        )
    return Feed(
        source=extension["source"],
        sequence=extension["sequence"],
        published=extension["published"],
        expires=expires,
        title=head["title"],
        items=items,
        audiences=extension.get("audiences", ()),
        categories=extension.get("categories", ()),
        home_page_url=head.get("home_page_url"),
        feed_url=head.get("feed_url"),
        description=head.get("description", ""),
        language=head.get("language"),
        about=extension.get("about"),
        format=extension["format"],
        pathways=extension.get("pathways", ()),
        synonyms=extension.get("synonyms", ()),
    )


def _check_items(raw_items: list[Any]) -> tuple[Item, ...]:
    items: list[Item] = []
    first_index: dict[str, int] = {}
    for index, raw in enumerate(raw_items):
        try:
            items.append(check_item(raw, index, first_index))
        except RuleError as error:
            raise error.add_step(f"items[{index}]") from None
    return tuple(items)


def check_item(raw: Any, index: int, first_index: dict[str, int]) -> Item:
    """The `index`-th item, checked; `first_index` (id -> index) is updated to find reused ids.

    Raises `RuleError` for the item's own fields (the caller adds "items[index]") and a located
    `FeedError` otherwise.
    """
    item: Item = ITEM.check(raw)
    where = f"items[{index}]"
    note_first_use(
        first_index, item.id, index, listed="items", what="item", path=f"{where}.id", shown=60
    )
    if item.kind == "contact":
        if not (item.phone or item.email or item.url):
            raise FeedError(
                "a contact needs a phone number, an e-mail address or a link",
                path=f"{where}._msguide",
            )
    elif item.url is None:
        raise FeedError(f"is missing; every {item.kind} item needs a link", path=f"{where}.url")
    return item


def check_unique(ids: list[str], path: str) -> None:
    seen: dict[str, int] = {}
    for index, value in enumerate(ids):
        if value in seen:
            raise FeedError(
                f'"{value}" is used twice (first at {path}[{seen[value]}])',
                path=f"{path}[{index}].id",
            )
        seen[value] = index


def check_item_references(
    item: Item, index: int, audiences: set[str], categories: set[str]
) -> None:
    """Every audience and category an item names must be one the feed defines."""
    for field_name, known, noun in (
        ("audiences", audiences, "an audience"),
        ("categories", categories, "a category"),
    ):
        for position, ref in enumerate(getattr(item, field_name)):
            if ref not in known:
                listing = ", ".join(sorted(known)[:12]) or "none are defined"
                raise FeedError(
                    f'"{ref}" is not {noun} of this feed (known: {listing}); '
                    f"add it to _msguide.{field_name} or fix the id",
                    path=f"items[{index}]._msguide.{field_name}[{position}]",
                )
