"""Reading a feed item by item gives what parsing it whole gives: the same feed, or the same
sentence, wherever the file's chunks happen to be cut."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from feedmaker import feed_bytes, feed_document, item, pathway_feed, to_bytes
from msguide.errors import FeedError
from msguide.feed.model import Feed
from msguide.feed.parse import DEFAULT_LIMITS, Limits, parse
from msguide.feed.stream import FeedStream, NotStreamable
from msguide.feed.write import dump_feed

HOSTILE = Path(__file__).resolve().parents[1] / "hostile"
SMALL_FILES = sorted(
    p for p in (HOSTILE / "refused").glob("*.json") if p.stat().st_size < 200_000
) + sorted((HOSTILE / "inert").glob("*.json"))


def streamed(raw: bytes, chunk: int, limits: Limits = DEFAULT_LIMITS) -> Feed | str | None:
    """The feed or the sentence; None when the layout is left to `parse`."""
    try:
        stream = FeedStream(io.BytesIO(raw), limits, chunk=chunk)
        items = tuple(stream.items())
    except NotStreamable:
        return None
    except FeedError as error:
        return str(error)
    return replace(stream.head, items=items)


def whole(raw: bytes, limits: Limits = DEFAULT_LIMITS) -> Feed | str:
    try:
        return parse(raw, limits)
    except FeedError as error:
        return str(error)


def unicode_feed() -> bytes:
    items = [
        item(f"i{n}", f"Título {n} — 安全 🛟", summary="Ünïcödé\nline two " * n, tags=[f"t{n}"])
        for n in range(12)
    ]
    items[3]["size_hint"] = 12345678901234  # a long number at a top level of an item
    items[4]["ratios"] = [1.5, 12345678901234567890.5, 2e-3, -0.25]  # "1." may be "1.5"
    document = feed_document(items=items)
    document = {"ratio": 12.75, **document}  # a number between top-level fields
    return to_bytes(document)


def test_numbers_as_items_give_the_same_sentence() -> None:
    document = feed_document()
    document["items"] = [1.5, 22.25]  # read one by one: "1." must not pass for 1
    raw = to_bytes(document)
    assert "items[0]: expected an object" in str(whole(raw))
    for chunk in range(4, 64):  # (at least 4 bytes are read at a time) every alignment
        assert streamed(raw, chunk) == whole(raw), chunk


@pytest.mark.parametrize("chunk", [1, 2, 3, 5, 7, 64, 1024])
def test_a_feed_streamed_in_any_chunks_equals_the_parsed_feed(chunk: int) -> None:
    for raw in (feed_bytes(), unicode_feed(), dump_feed(parse(unicode_feed()))):
        assert streamed(raw, chunk) == parse(raw)


def test_every_cut_near_the_end_gives_the_same_sentence() -> None:
    raw = unicode_feed()
    for cut in [*range(0, len(raw) - 300, 23), *range(len(raw) - 300, len(raw))]:
        for chunk in (1, 64):
            outcome = streamed(raw[:cut], chunk)
            assert outcome is None or outcome == whole(raw[:cut]), (cut, chunk)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cut=st.integers(min_value=0), chunk=st.integers(min_value=1, max_value=300))
def test_a_cut_file_gives_the_same_sentence(cut: int, chunk: int) -> None:
    raw = unicode_feed()
    part = raw[: cut % len(raw)]
    outcome = streamed(part, chunk)
    assert outcome is None or outcome == whole(part)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    where=st.integers(min_value=0),
    byte=st.sampled_from(list(b'{}[]",:\\ 0-e.tnfa\x00\x80\xff\n')),
    chunk=st.integers(min_value=1, max_value=200),
)
def test_a_damaged_byte_gives_the_same_feed_or_sentence(where: int, byte: int, chunk: int) -> None:
    raw = bytearray(unicode_feed())
    raw[where % len(raw)] = byte
    outcome = streamed(bytes(raw), chunk)
    assert outcome is None or outcome == whole(bytes(raw))


@pytest.mark.parametrize("path", SMALL_FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_every_hostile_file_gives_the_same_outcome(path: Path) -> None:
    raw = path.read_bytes()
    for chunk in (3, 4096):
        outcome = streamed(raw, chunk)
        assert outcome is None or outcome == whole(raw), path.name


def test_several_mistakes_are_reported_as_parse_reports_them() -> None:
    items = [
        item("a", "A", audiences=["nobody"]),  # unknown audience, first in the file
        item("b", "B", url="javascript:alert(1)"),  # an invalid item after it wins
    ]
    raw = to_bytes(feed_document(items=items))
    assert (
        streamed(raw, 16)
        == whole(raw)
        == 'items[1].url: "javascript:alert(1)" is not an '
        + (
            whole(raw).split("is not an ", 1)[1]  # type: ignore[union-attr]
        )
    )
    broken_later = raw.rstrip()[:-1] + b", }"  # and a JSON mistake at the end wins over both
    assert streamed(broken_later, 16) == whole(broken_later)
    assert "not valid JSON" in str(whole(broken_later))


def test_layouts_it_cannot_stream_are_left_to_parse() -> None:
    document = feed_document()
    items_first = {"items": document.pop("items"), **document}
    assert streamed(to_bytes(items_first), 64) is None
    late_head = {k: v for k, v in feed_document().items() if k != "description"}
    late_head["description"] = "after the items"
    assert streamed(to_bytes(late_head), 64) is None
    assert streamed(b"[1, 2]", 64) is None
    no_items = feed_document()
    no_items["item"] = no_items.pop("items")
    assert streamed(to_bytes(no_items), 64) is None
    assert "items: is missing" in str(whole(to_bytes(no_items)))
    too_many = feed_bytes()
    assert streamed(too_many, 64, Limits(max_items=2)) is None


def test_pathways_are_checked_against_every_item_as_parse_checks_them() -> None:
    valid = to_bytes(pathway_feed())
    parsed = parse(valid)
    assert parsed.pathways and streamed(valid, 32) == parsed
    citing_nothing = pathway_feed()
    citing_nothing["items"] = citing_nothing["items"][:1]  # the pathway's cited items are gone
    raw = to_bytes(citing_nothing)
    assert "_msguide.pathways[0]" in str(whole(raw))
    assert streamed(raw, 32) == whole(raw)
