"""Read a feed file item by item, so memory follows the largest item rather than the feed.

The same decoder as `msguide.feed.parse` (Python's JSON scanner with the strict hooks: no
NaN/Infinity, no key twice in one object, bounded objects, numbers and lists) reads one value
at a time from a window of the file, and the same rules check it, so limits, refusals and their
sentences are the same. Only the common layout is streamed: one JSON object whose `items` list
comes after every other top-level field (as `msguide.feed.write` and publishers' tools write
it). Anything else, or a head that is not valid, raises `NotStreamable` before any item is
read (or, for a top-level field after the items, once they are read): the caller then parses
the whole file with `parse`, which gives the same answer or the same error as ever.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Iterator
from typing import Any, BinaryIO, Protocol

from msguide.errors import FeedError
from msguide.feed.format import TOP_LEVEL, TOP_LEVEL_FIELDS
from msguide.feed.model import Feed, Item
from msguide.feed.parse import (
    MEGABYTE,
    Limits,
    _StrictJson,
    _too_many,
    _TooManyObjectsError,
    check_item,
    check_item_references,
    check_unique,
    feed_from_head,
)
from msguide.feed.pathway import check_pathways
from msguide.feed.rules import RuleError

CHUNK = 256 * 1024
_WHITESPACE = " \t\n\r"
# A value that fails this close to the end of the window may just be cut by it.
_CUT_MARGIN = 16


def survey(handle: BinaryIO, limits: Limits) -> tuple[str, int]:
    """The file's SHA-256 and size, after the checks `load_json` makes before parsing.

    Reads the whole file once, a chunk at a time; a flood of lists is refused here, as it is
    before `json.loads`, rather than halfway through the items.
    """
    digest = hashlib.sha256()
    size = lists = 0
    while chunk := handle.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
        lists += chunk.count(b"[")
    if size > limits.max_bytes:
        raise FeedError(
            f"the feed is {size / MEGABYTE:.1f} MB; the most allowed is "
            f"{limits.max_bytes / MEGABYTE:.0f} MB"
        )
    if lists > limits.max_items * limits.lists_per_item + 10_000:
        raise _too_many("lists", limits)
    return digest.hexdigest(), size


class Readable(Protocol):
    """A file, or anything read like one (a SQLite blob)."""

    def read(self, size: int = -1, /) -> bytes: ...


class NotStreamable(Exception):  # noqa: N818 (a signal, not an error a person sees)
    """The file is not in the layout that can be streamed; parse it whole instead."""


class _Window:
    """The decoded text of the file from the current value on, read a chunk at a time."""

    def __init__(self, handle: Readable, limits: Limits, chunk: int) -> None:
        self.handle = handle
        self.limits = limits
        self.chunk = chunk
        self.text = ""
        self.pos = 0
        self.line = 1  # line of text[0]
        self.column = 1  # column of text[0]
        self.eof = False
        self.size = 0
        self.lists = 0
        self.sha256 = hashlib.sha256()
        self._carry = b""
        self._bytes_before = 0  # bytes decoded before the carry (BOM excluded)
        self._lines_before = 0
        self._first = True

    # --- reading ---------------------------------------------------------------------------

    def more(self, wanted: int = 0) -> bool:
        """Append at least `wanted` more bytes' worth of text; False at the end of the file."""
        if self.eof:
            return False
        data = self.handle.read(max(wanted, self.chunk, 4))  # 4: a byte order mark is whole
        self.sha256.update(data)
        self.size += len(data)
        if self.size > self.limits.max_bytes:
            raise FeedError(
                f"the feed grew past {self.limits.max_bytes / MEGABYTE:.0f} MB while it was read; "
                f"the most allowed is {self.limits.max_bytes / MEGABYTE:.0f} MB"
            )
        self.lists += data.count(b"[")
        if self.lists > self.limits.max_items * self.limits.lists_per_item + 10_000:
            raise _too_many("lists", self.limits)
        if self._first:
            self._first = False
            if data.startswith(b"\xef\xbb\xbf"):
                data = data[3:]
            elif data[:2] in (b"\xff\xfe", b"\xfe\xff"):
                raise FeedError("the file is UTF-16 text; save the feed as UTF-8")
        chunk = self._carry + data
        if not data:
            self.eof = True
            self.text += self._decode(chunk, len(chunk))
            self._carry = b""
            return False
        cut = _complete_utf8(chunk)
        self.text += self._decode(chunk, cut)
        self._carry = chunk[cut:]
        return True

    def _decode(self, chunk: bytes, cut: int) -> str:
        try:
            text = chunk[:cut].decode("utf-8")
        except UnicodeDecodeError as error:
            offset = self._bytes_before + error.start
            line = self._lines_before + chunk.count(b"\n", 0, error.start) + 1
            raise FeedError(
                f"the file is not valid UTF-8 text (bad byte at offset {offset}, line {line}); "
                "save the feed as UTF-8"
            ) from None
        self._bytes_before += cut
        self._lines_before += chunk.count(b"\n", 0, cut)
        return text

    def compact(self) -> None:
        """Forget the text already read, keeping line and column right."""
        done = self.text[: self.pos]
        newlines = done.count("\n")
        if newlines:
            self.line += newlines
            self.column = len(done) - done.rfind("\n")
        else:
            self.column += len(done)
        self.text = self.text[self.pos :]
        self.pos = 0

    # --- tokens ----------------------------------------------------------------------------

    def peek(self) -> str:
        """The next character that is not whitespace ('' at the end of the file)."""
        while True:
            text, pos = self.text, self.pos
            while pos < len(text) and text[pos] in _WHITESPACE:
                pos += 1
            self.pos = pos
            if pos < len(text):
                return text[pos]
            self.compact()
            if not self.more():
                return ""

    def expect(self, wanted: str, message: str) -> str:
        found = self.peek()
        if not found or found not in wanted:  # '' (the end) is "in" every string
            raise self.error(message)
        self.pos += 1
        return found

    def value(self, decoder: _Decoder) -> Any:
        """The JSON value at the current position, reading more of the file as it needs."""
        self.peek()
        while True:
            budget = decoder.hooks.budget, decoder.hooks.numbers
            try:
                value, end = decoder.raw_decode(self.text, self.pos)
            except _Cut:
                decoder.hooks.budget, decoder.hooks.numbers = budget
                self.compact()
                self.more()
                continue
            except json.JSONDecodeError as error:
                if not self.eof and (
                    error.msg.startswith("Unterminated string")
                    or error.pos >= len(self.text) - _CUT_MARGIN
                ):
                    decoder.hooks.budget, decoder.hooks.numbers = budget
                    self.compact()
                    self.more(len(self.text))
                    continue
                raise self.json_error(error) from None
            if end >= len(self.text) - _CUT_MARGIN and not self.eof:  # "1." may be "1.5"
                decoder.hooks.budget, decoder.hooks.numbers = budget
                self.compact()
                self.more()
                continue
            self.pos = end
            return value

    def near_the_end(self, text: str) -> bool:
        """Whether `text` was read from the last few characters, where the window may cut it."""
        found = self.text.rfind(text)
        return found != -1 and found + len(text) >= len(self.text) - _CUT_MARGIN

    # --- errors ----------------------------------------------------------------------------

    def _where(self, pos: int) -> tuple[int, int]:
        before = self.text[:pos]
        newlines = before.count("\n")
        if newlines:
            return self.line + newlines, pos - before.rfind("\n")
        return self.line, self.column + pos

    def json_error(self, error: json.JSONDecodeError) -> FeedError:
        """The sentence `msguide.feed.parse.load_json` gives for the same mistake."""
        line, column = self._where(error.pos)
        if error.msg.startswith("Unterminated string") or (
            self.eof and error.pos >= len(self.text.rstrip())
        ):
            return FeedError(
                f"the JSON ends too early (line {line}, column {column}); "
                "the file may be truncated: download or copy it again"
            )
        return FeedError(f"not valid JSON at line {line}, column {column}: {error.msg}")

    def error(self, message: str) -> FeedError:
        return self.json_error(json.JSONDecodeError(message, self.text, self.pos))


class _Cut(Exception):  # noqa: N818 (a signal)
    """A number near the end of the window: it may go on in the next chunk."""


class _Hooks(_StrictJson):
    """The strict hooks, except that a number the window may have cut is read again whole."""

    def __init__(self, limits: Limits) -> None:
        super().__init__(limits)
        self.window: _Window | None = None

    def integer(self, text: str) -> int:
        self._whole(text)
        return super().integer(text)

    def real(self, text: str) -> float:
        self._whole(text)
        return super().real(text)

    def _whole(self, text: str) -> None:
        window = self.window
        if window is not None and not window.eof and window.near_the_end(text):
            raise _Cut


class _Decoder(json.JSONDecoder):
    def __init__(self, strict: _Hooks) -> None:
        super().__init__(
            object_pairs_hook=strict.object_pairs,
            parse_constant=strict.constant,
            parse_int=strict.integer,
            parse_float=strict.real,
        )
        self.hooks = strict


@contextlib.contextmanager
def _feed_errors(limits: Limits) -> Iterator[None]:
    """What the scanner raises, as the sentences `parse` gives for the same mistakes."""
    try:
        yield
    except _TooManyObjectsError as error:
        raise _too_many(error.what, limits) from None
    except RecursionError:
        raise FeedError("the JSON is nested too deeply to be a feed") from None
    except ValueError as error:
        if isinstance(error, FeedError):
            raise
        raise FeedError(f"not valid JSON: {error}") from None


class FeedStream:
    """A feed file opened for streaming: `head` is known, `items()` reads the rest.

    `head` is the feed with no items. `items()` yields every item, checked, in feed order,
    and afterwards `sha256` and `size` describe the bytes read and `count` the items.
    """

    def __init__(self, handle: Readable, limits: Limits, *, chunk: int = CHUNK) -> None:
        self._window = _Window(handle, limits, chunk)
        hooks = _Hooks(limits)
        hooks.window = self._window
        self._decoder = _Decoder(hooks)
        self._limits = limits
        self._keys: set[str] = set()
        self.count = 0
        self.head = self._read_head()

    @property
    def sha256(self) -> str:
        return self._window.sha256.hexdigest()

    @property
    def size(self) -> int:
        return self._window.size

    def _read_head(self) -> Feed:
        window = self._window
        with _feed_errors(self._limits):
            if window.peek() != "{":
                raise NotStreamable
            window.pos += 1
            fields: dict[str, Any] = {}
            while True:
                if window.peek() == "}":
                    raise NotStreamable  # no items at all: let `parse` say so
                key = self._key()
                if key == "items":
                    if window.peek() != "[":
                        raise NotStreamable
                    window.pos += 1
                    return self._checked_head(fields)
                fields[key] = window.value(self._decoder)
                if window.expect(",}", "Expecting ',' delimiter") == "}":
                    raise NotStreamable  # no items at all: let `parse` say so

    def _key(self) -> str:
        window = self._window
        if window.peek() != '"':
            raise window.error("Expecting property name enclosed in double quotes")
        key: str = window.value(self._decoder)
        if key in self._keys:
            raise FeedError(
                f'the key "{key[:40]}" appears twice in one object; each key may appear once'
            )
        self._keys.add(key)
        window.expect(":", "Expecting ':' delimiter")
        return key

    def _checked_head(self, fields: dict[str, Any]) -> Feed:
        try:
            head = TOP_LEVEL.check(fields)
        except FeedError:
            raise NotStreamable from None  # `parse` reports it, after any JSON error
        feed = feed_from_head(head, ())
        try:
            check_unique([t.id for t in feed.audiences], "_msguide.audiences")
            check_unique([t.id for t in feed.categories], "_msguide.categories")
        except FeedError:
            raise NotStreamable from None  # `parse` reports it after any invalid item
        return feed

    def items(self) -> Iterator[Item]:
        """Every item, checked; raises `FeedError`, or `NotStreamable` after the last item.

        A feed with several mistakes is refused for the one `parse` names: a JSON mistake
        anywhere, then the first invalid item, then the first unknown audience or category,
        then a pathway's mistake (its cited items are known only at the end).
        So after a mistake the rest is still read (not checked). Too many items are left to
        `parse` (`NotStreamable`), which counts them all for its sentence.
        """
        with _feed_errors(self._limits):
            yield from self._items()

    def item_ids(self) -> set[str]:
        """The `id` of every item, read without the rules: a quick first pass over bytes that
        were accepted before (a rollback's), where a second stream checks every item."""
        with _feed_errors(self._limits):
            return self._item_ids()

    def _item_ids(self) -> set[str]:
        window, decoder = self._window, self._decoder
        ids: set[str] = set()
        more = window.peek() != "]"
        if not more:
            window.pos += 1
        while more:
            raw = window.value(decoder)
            if isinstance(raw, dict) and isinstance(raw.get("id"), str):
                ids.add(raw["id"])
            del raw
            more = window.expect(",]", "Expecting ',' delimiter") == ","
        return ids

    def _items(self) -> Iterator[Item]:
        window, decoder, limits = self._window, self._decoder, self._limits
        audiences = {t.id for t in self.head.audiences}
        categories = {t.id for t in self.head.categories}
        first_index: dict[str, int] = {}
        invalid: FeedError | None = None
        unknown: FeedError | None = None
        index = 0
        more = window.peek() != "]"
        if not more:
            window.pos += 1
        while more:
            if index == limits.max_items:
                # `parse` counts them all in C, quickly, to say how many there are.
                raise NotStreamable
            raw = window.value(decoder)
            if invalid is None:
                try:
                    item = check_item(raw, index, first_index)
                except RuleError as error:
                    invalid = error.add_step(f"items[{index}]")
                except FeedError as error:
                    invalid = error
                else:
                    if unknown is None:
                        try:
                            check_item_references(item, index, audiences, categories)
                        except FeedError as error:
                            unknown = error
                    if unknown is None:
                        yield item
            del raw
            index += 1
            self.count = index
            more = window.expect(",]", "Expecting ',' delimiter") == ","
        self._rest()
        if invalid is not None:
            raise invalid
        if unknown is not None:
            raise unknown
        check_pathways(self.head.pathways, first_index)

    def _rest(self) -> None:
        """The top-level fields after `items`; a head field there means the head was partial."""
        window = self._window
        late = False
        while window.expect(",}", "Expecting ',' delimiter") == ",":
            key = self._key()
            window.value(self._decoder)
            late = late or key in TOP_LEVEL_FIELDS
        if window.peek() != "":
            raise window.error("Extra data")
        if late:
            raise NotStreamable


def _complete_utf8(chunk: bytes) -> int:
    """Where the last complete UTF-8 character of `chunk` ends (a character may be cut)."""
    for back in range(1, min(4, len(chunk)) + 1):
        byte = chunk[-back]
        if byte < 0x80:
            return len(chunk)
        if byte >= 0xC0:
            needed = 2 if byte < 0xE0 else 3 if byte < 0xF0 else 4
            return len(chunk) - back if needed > back else len(chunk)
    return len(chunk)
