"""The parser accepts the format of DESIGN.md §2 and refuses anything else with a located error."""

from __future__ import annotations

import json
import time
import tracemalloc
from typing import Any

import pytest

from feedmaker import feed_bytes, feed_document, item, to_bytes
from msguide.errors import FeedError
from msguide.feed.model import Feed
from msguide.feed.parse import Limits, parse


def test_valid_feed_parses_into_values() -> None:
    feed = parse(feed_bytes())
    assert isinstance(feed, Feed)
    assert feed.source.id == "test-source"
    assert feed.sequence == 1
    assert [i.id for i in feed.items] == ["nrm-adult", "ceraf", "stats-2024", "helpline"]
    assert feed.items[0].tags == ("NRM", "referral")
    assert feed.items[3].kind == "contact"
    assert feed.items[3].phone == "08000 121 700"
    assert [a.id for a in feed.audiences] == ["adults", "children"]
    assert feed.items[2].date_published == "2025-03-06T00:00:00Z"


def test_unknown_keys_are_ignored_and_html_content_is_not_used() -> None:
    doc = feed_document()
    doc["x_future"] = {"anything": [1, 2]}
    doc["items"][0]["content_html"] = "<script>alert(1)</script>"
    doc["items"][0]["_msguide"]["future_field"] = True
    feed = parse(to_bytes(doc))
    assert "script" not in feed.items[0].content_text


def test_timestamps_are_normalised_to_utc() -> None:
    doc = feed_document()
    doc["items"][0]["date_published"] = "2025-03-06T10:00:00+01:00"
    assert parse(to_bytes(doc)).items[0].date_published == "2025-03-06T09:00:00Z"
    # The year keeps four digits (strftime's %Y wrote "100-..." on Linux: not RFC 3339).
    doc["items"][0]["date_published"] = "0100-01-01T01:00:00+01:00"
    assert parse(to_bytes(doc)).items[0].date_published == "0100-01-01T00:00:00Z"


def _broken(path: str, value: Any) -> bytes:
    """The base feed with the value at a dotted path replaced (`...` deletes it)."""
    doc = feed_document()
    target: Any = doc
    steps = path.replace("[", ".").replace("]", "").split(".")
    for step in steps[:-1]:
        target = target[int(step)] if step.isdigit() else target[step]
    last = steps[-1]
    key: Any = int(last) if last.isdigit() else last
    if value is ...:
        del target[key]
    else:
        target[key] = value
    return to_bytes(doc)


BAD_FIELDS = [
    ("version", "https://jsonfeed.org/version/1", "version", "is not one of"),
    ("version", ..., "version", "is missing"),
    ("_msguide", ..., "_msguide", "not an msguide feed"),
    ("_msguide.sequence", -1, "_msguide.sequence", "out of range"),
    ("_msguide.sequence", "7", "_msguide.sequence", "expected a whole number"),
    ("_msguide.sequence", 1.5, "_msguide.sequence", "expected a whole number"),
    ("_msguide.format", 2, "_msguide.format", "update msguide"),
    ("_msguide.source.id", "Bad Id!", "_msguide.source.id", "lower-case letters"),
    ("_msguide.published", "yesterday", "_msguide.published", "RFC 3339"),
    # Published 2025-04-01T09:00:00Z: an expiry before (or at) that is a contradiction.
    ("_msguide.expires", "2025-03-01T00:00:00Z", "_msguide.expires", "cannot expire before"),
    ("_msguide.expires", "2025-04-01T10:00:00+01:00", "_msguide.expires", "not after"),
    ("items", {"a": 1}, "items", "expected a list"),
    (
        "items[1].url",
        "javascript:alert(1)",
        "items[1].url",
        '"javascript:alert(1)" is not an allowed link; use an https:// address',
    ),
    ("items[1].url", "file:///etc/passwd", "items[1].url", "not an allowed link"),
    ("items[1].url", "data:text/html,hi", "items[1].url", "not an allowed link"),
    ("items[1].url", "ms-msdt:/id", "items[1].url", "not an allowed link"),
    ("items[1].url", "https://user:pw@example.org/", "items[1].url", "user name or password"),
    ("items[1].url", "https://exa mple.org/", "items[1].url", "not allowed in a link"),
    ("items[1].url", ..., "items[1].url", "needs a link"),
    ("items[1].title", "x" * 301, "items[1].title", "the most allowed is 300"),
    ("items[1].title", 42, "items[1].title", "expected text, found a number (42)"),
    ("items[1].title", "   ", "items[1].title", "is empty"),
    ("items[1].tags", ["ok", 5], "items[1].tags[1]", "expected text"),
    ("items[1]._msguide.kind", "blog", "items[1]._msguide.kind", "is not one of"),
    (
        "items[1]._msguide.audiences",
        ["kids"],
        "items[1]._msguide.audiences[0]",
        '"kids" is not an audience of this feed',
    ),
    (
        "items[1]._msguide.categories",
        ["nope"],
        "items[1]._msguide.categories[0]",
        "is not a category",
    ),
    ("items[1]._msguide.pinned", "yes", "items[1]._msguide.pinned", "true or false"),
    ("items[1]._msguide", ..., "items[1]._msguide", 'needs "_msguide"'),
    ("items[2].id", "nrm-adult", "items[2].id", "is used twice (first at items[0])"),
    ("items[2].id", "", "items[2].id", "is empty"),
    ("items[2].id", "a\u202eb", "items[2].id", "direction-changing"),
    ("items[3]._msguide.phone", ..., None, None),  # still has a url: valid
]


@pytest.mark.parametrize(("path", "value", "error_path", "words"), BAD_FIELDS)
def test_bad_fields_are_refused_with_their_location(
    path: str, value: Any, error_path: str | None, words: str | None
) -> None:
    raw = _broken(path, value)
    if error_path is None:
        parse(raw)
        return
    with pytest.raises(FeedError) as caught:
        parse(raw)
    assert caught.value.path == error_path
    assert words is not None and words in caught.value.message
    assert str(caught.value).startswith(f"{error_path}: ")


def test_contact_without_any_way_to_reach_it_is_refused() -> None:
    doc = feed_document(items=[item("c", "Line", kind="contact", categories=[])])
    with pytest.raises(FeedError, match="phone number, an e-mail address or a link") as caught:
        parse(to_bytes(doc))
    assert caught.value.path == "items[0]._msguide"


def test_duplicate_audience_ids_are_refused() -> None:
    doc = feed_document()
    doc["_msguide"]["audiences"].append({"id": "adults", "label": "Again"})
    with pytest.raises(FeedError, match="used twice") as caught:
        parse(to_bytes(doc))
    assert caught.value.path == "_msguide.audiences[2].id"


HOSTILE_JSON = [
    (b'{"a": NaN}', "NaN is not a number JSON allows"),
    (b'{"a": Infinity}', "Infinity is not a number JSON allows"),
    (b'{"a": -Infinity}', "not a number JSON allows"),
    (b'{"a": 1, "a": 2}', 'the key "a" appears twice'),
    (b"[" * 10_000 + b"]" * 10_000, "nested too deeply"),
    (b'{"a": ' + b"9" * 5000 + b"}", "5000 digits is too long"),
    (b'{"a": 1e999}', "too large"),
    (b'{"title": "\xff\xfe broken"}', "not valid UTF-8"),
    (b"\xff\xfe{\x00}\x00", "UTF-16"),
    (b"", "empty"),
    (b"   \n", "empty"),
    (b"[1, 2, 3]", "a feed is a JSON object"),
    (b'"just text"', "a feed is a JSON object"),
    (b'{"version": "https://jsonfeed.org/version/1.1", "items": [', "may be truncated"),
    (b'{"a": 1,, "b": 2}', "not valid JSON at line 1"),
]


@pytest.mark.parametrize(("raw", "words"), HOSTILE_JSON)
def test_hostile_json_is_refused_in_words(raw: bytes, words: str) -> None:
    with pytest.raises(FeedError) as caught:
        parse(raw)
    assert words in str(caught.value)


def test_truncated_feed_is_reported_as_truncated() -> None:
    raw = feed_bytes()
    for cut in (len(raw) // 3, len(raw) // 2, len(raw) - 3):
        with pytest.raises(FeedError, match="truncated"):
            parse(raw[:cut])


def test_oversized_document_is_refused_before_parsing() -> None:
    raw = feed_bytes()
    with pytest.raises(FeedError, match="the most allowed is 0 MB"):
        parse(raw, Limits(max_bytes=len(raw) - 1))


def test_item_count_limit() -> None:
    with pytest.raises(FeedError, match="has 4 items; the most allowed is 3") as caught:
        parse(feed_bytes(), Limits(max_items=3))
    assert caught.value.path == "items"


def test_million_item_feed_is_refused_quickly_without_eating_memory() -> None:
    raw = (
        b'{"version":"https://jsonfeed.org/version/1.1","items":['
        + b",".join([b'{"id":"x"}'] * 1_000_000)
        + b"]}"
    )
    started = time.process_time()  # CPU time: a busy machine stretches only the wall clock
    with pytest.raises(FeedError, match="far more objects"):
        parse(raw)
    assert time.process_time() - started < 2.0
    tracemalloc.start()
    with pytest.raises(FeedError, match="far more objects"):
        parse(raw)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 120 * 1024 * 1024, f"{peak / 2**20:.0f} MB at the peak"  # docs/reliability.md


def test_control_and_bidi_characters_become_visible_symbols() -> None:
    doc = feed_document()
    doc["items"][0]["title"] = "Safe\u202etxt.exe\x07 <b>bold</b>"
    doc["items"][0]["content_text"] = "line one\r\nline two\x00\tend"
    feed = parse(to_bytes(doc))
    title = feed.items[0].title
    assert "\u202e" not in title and "\x07" not in title
    assert "\ufffd" in title and "\u2407" in title
    assert "<b>bold</b>" in title  # kept as literal text; the UI never renders it
    assert feed.items[0].content_text == "line one\nline two\u2400\tend"


def test_lone_surrogates_cannot_reach_the_store() -> None:
    raw = to_bytes(feed_document()).replace(b"How to refer", b"How \\ud800 to refer")
    feed = parse(raw)
    summary = feed.items[0].summary
    summary.encode("utf-8")  # would raise on a lone surrogate
    assert "\ufffd" in summary


def test_utf8_byte_order_mark_is_accepted() -> None:
    assert parse(b"\xef\xbb\xbf" + feed_bytes()).sequence == 1


def test_error_messages_never_echo_control_characters() -> None:
    doc = feed_document()
    doc["items"][0]["_msguide"]["kind"] = "bad\x1b[31mred"
    with pytest.raises(FeedError) as caught:
        parse(json.dumps(doc).encode())
    assert "\x1b" not in str(caught.value)


@pytest.mark.parametrize(
    ("title", "shown"),
    [
        ("Home\u200bOffice guidance", "HomeOffice guidance"),  # zero-width space
        ("NRM\u200e guidance\u200f", "NRM guidance"),  # direction marks
        ("\ufeffReferral\u2060 form", "Referral form"),  # BOM, word joiner
        ("Duty\u00ad to notify", "Duty to notify"),  # soft hyphen
        ("Help\u200dline\u200c", "Helpline"),  # joiners next to Latin letters
        ("Flag\U000e0067\U000e0062", "Flag"),  # tag characters
        # Joiners that scripts and emoji need stay: Persian, Devanagari, an emoji sequence.
        ("\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645", None),
        ("\u0915\u094d\u200d\u0937", None),
        ("Team \U0001f469\u200d\U0001f4bb", None),
    ],
)
def test_invisible_characters_that_make_look_alike_titles_are_removed(
    title: str, shown: str | None
) -> None:
    """Issue 14: two titles that differ only by an invisible character looked identical."""
    doc = feed_document()
    doc["items"][0]["title"] = title
    doc["items"][0]["tags"] = [title]
    doc["title"] = title
    feed = parse(to_bytes(doc))
    expected = title if shown is None else shown
    assert feed.items[0].title == feed.items[0].tags[0] == feed.title == expected
