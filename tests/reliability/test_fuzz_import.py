"""Fuzzing `msguide import FILE` (issue 14): damaged and hostile variations of a valid feed.

Each example runs the real command line against a real store. Whatever the bytes, the answer
is exit 0 (a feed that is still valid) or exit 3 with one sentence, never a traceback, and a
refused feed leaves the store byte for byte as it was. Hypothesis draws new examples on every
run; the examples that once failed are pinned with @example and stay in the suite.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from storecheck import store_at

from feedmaker import feed_bytes
from msguide.feed.text import has_control_characters

VALID = feed_bytes()
DOCUMENT: dict[str, Any] = json.loads(VALID)

# Values that once broke something, or sit at a boundary, offered alongside random ones.
EDGE_VALUES: list[Any] = [
    "0001-01-01T00:30:00+05:00",  # overflowed in UTC: OverflowError, exit 1 (issue 14)
    "9999-12-31T23:00:00-12:00",
    "2025-04-01T09:00:00Z",
    "1970-01-01T00:00:00Z",
    2**63,
    -(2**63),
    10**30,
    1e308,
    -0.0,
    "",
    " ",
    "\u202e",
    "\u200b",
    "\x00",
    "\ud800",
    "javascript:alert(1)",
    "https://[::1/feed.json",
    "https://example.org/" + "a" * 3000,
    "x" * 5000,
    [],
    {},
    None,
    True,
]
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=40)
    | st.sampled_from(EDGE_VALUES),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield prefix
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _paths(child, (*prefix, index))


PATHS = [p for p in _paths(DOCUMENT) if p]


def replaced(path: tuple[Any, ...], value: Any) -> bytes:
    document = json.loads(VALID)
    target = document
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return json.dumps(document, ensure_ascii=False).encode("utf-8", "surrogatepass")


@st.composite
def hostile_feeds(draw: st.DrawFn) -> bytes:
    """A valid feed with one value replaced, or its bytes flipped, cut or spliced."""
    how = draw(st.sampled_from(["value", "bytes", "cut", "splice"]))
    if how == "value":
        return replaced(draw(st.sampled_from(PATHS)), draw(json_values))
    raw = bytearray(VALID)
    if how == "bytes":
        for _ in range(draw(st.integers(1, 8))):
            raw[draw(st.integers(0, len(raw) - 1))] = draw(st.integers(0, 255))
        return bytes(raw)
    if how == "cut":
        return bytes(raw[: draw(st.integers(0, len(raw)))])
    at = draw(st.integers(0, len(raw)))
    return bytes(raw[:at]) + draw(st.binary(max_size=40)) + bytes(raw[at:])


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return store_at(
        tmp_path_factory.mktemp("fuzz") / "msguide.sqlite", feed_bytes(source_id="resident")
    )


def fingerprint(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(hostile_feeds())
@example(replaced(("_msguide", "published"), "0001-01-01T00:30:00+05:00"))
@example(replaced(("items", 0, "date_published"), "9999-12-31T23:00:00-12:00"))
@example(replaced(("_msguide", "expires"), "2000-01-01T00:00:00Z"))
@example(replaced(("_msguide", "sequence"), 10**30))
@example(replaced(("items", 0, "title"), "\u200b"))
def test_any_hostile_feed_file_is_imported_or_refused_in_one_sentence(
    cli,  # type: ignore[no-untyped-def]
    home: Path,
    template: Path,
    raw: bytes,
) -> None:
    folder = Path(tempfile.mkdtemp(prefix="msguide-fuzz-"))
    try:
        store = home / "data" / "msguide.sqlite"
        if store.parent.exists():
            shutil.rmtree(store.parent)
        store.parent.mkdir(parents=True)
        shutil.copyfile(template, store)
        before = fingerprint(store)
        feed = folder / "feed.json"
        feed.write_bytes(raw)
        result = cli("import", str(feed))
        assert "Traceback" not in result.out + result.err
        assert result.code in (0, 3), (result.code, result.err)
        if result.code == 3:
            assert result.err.startswith("msguide: ") and result.err.count("\n") == 1
            assert not has_control_characters(result.err.rstrip("\n"))
            assert fingerprint(store) == before
    finally:
        shutil.rmtree(folder)
