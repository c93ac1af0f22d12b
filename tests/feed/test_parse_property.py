"""Property-based: whatever bytes arrive, the parser returns a Feed or raises FeedError."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from feedmaker import feed_document, to_bytes
from msguide.errors import FeedError
from msguide.feed.model import Feed
from msguide.feed.parse import parse
from msguide.feed.text import inert_text
from msguide.feed.write import dump_feed

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=12), children, max_size=5)
    ),
    max_leaves=40,
)


def _outcome(raw: bytes) -> Feed | None:
    try:
        return parse(raw)
    except FeedError as error:
        message = str(error)  # always a message for a person
        assert message
        return None


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(json_values)
def test_arbitrary_json_gives_feed_or_feed_error(value: Any) -> None:
    _outcome(json.dumps(value).encode())


@settings(max_examples=300)
@given(st.binary(max_size=200))
def test_arbitrary_bytes_give_feed_or_feed_error(raw: bytes) -> None:
    _outcome(raw)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(value, dict):
        for key, child in value.items():
            out += _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            out += _paths(child, (*prefix, index))
    return out


BASE = feed_document()
BASE_PATHS = _paths(BASE)[1:]


@settings(max_examples=500, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(BASE_PATHS), json_values)
def test_valid_feed_with_one_value_replaced(path: tuple[Any, ...], value: Any) -> None:
    doc = json.loads(json.dumps(BASE))
    target = doc
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    feed = _outcome(to_bytes(doc))
    if feed is not None:
        assert parse(dump_feed(feed)) == feed  # what is accepted can be written back


# Text that still shows something once made inert: a title or tag of only invisible
# characters (a lone soft hyphen) is empty and refused as such.
printable = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=40
).filter(lambda s: inert_text(s).strip() != "")


@settings(max_examples=200)
@given(title=printable, summary=st.text(max_size=200), tags=st.lists(printable, max_size=4))
def test_any_text_round_trips_through_write_and_parse(
    title: str, summary: str, tags: list[str]
) -> None:
    doc = feed_document()
    doc["items"][0].update(title=title, summary=summary, tags=tags)
    feed = _outcome(to_bytes(doc))
    assert feed is not None
    assert parse(dump_feed(feed)) == feed
