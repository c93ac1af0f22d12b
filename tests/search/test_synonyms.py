"""Feed synonyms: validated and bounded in the feed, stored with the content, and widening a
query both ways at search time (matches rank and are highlighted like any match)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from feedmaker import feed_document, item, to_bytes
from msguide.errors import FeedError
from msguide.feed.format import MAX_EQUIVALENTS, MAX_SYNONYM_TERMS, MAX_SYNONYM_WORDS
from msguide.feed.parse import parse
from msguide.store.db import SCHEMA_VERSION, Store
from msguide.store.export import current_feed
from msguide.store.importer import Provenance, import_feed
from msguide.store.search import MARK_END, MARK_START, search

ITEMS = [
    item(
        "dtn",
        "Reporting adults who do not consent",
        summary="Make an anonymous Duty to Notify report instead.",
        content_text="Public bodies must notify the Home Office.",
    ),
    item("nrm", "NRM referrals for first responders", summary="How to refer."),
    item("other", "Council guide", summary="Tackling modern slavery locally."),
]
SYNONYMS = {"DtN": ["Duty to Notify"], "NRM": ["National Referral Mechanism"]}


def _document(synonyms: Any = SYNONYMS, sequence: int = 1) -> dict[str, Any]:
    document = feed_document(items=ITEMS, sequence=sequence)
    if synonyms is not None:
        document["_msguide"]["synonyms"] = synonyms
    return document


def _load(store: Store, document: dict[str, Any]) -> None:
    raw = to_bytes(document)
    import_feed(store, parse(raw), raw, Provenance(origin="test"))


def _ids(store: Store, text: str) -> list[str]:
    with store.read() as connection:
        return [hit.id for hit in search(connection, text)]


def test_the_feed_carries_its_synonyms_in_order() -> None:
    feed = parse(to_bytes(_document()))
    assert feed.synonyms == (
        ("DtN", ("Duty to Notify",)),
        ("NRM", ("National Referral Mechanism",)),
    )


@pytest.mark.parametrize(
    ("synonyms", "path", "words"),
    [
        (["NRM"], "_msguide.synonyms", "expected an object"),
        ({"NRM": "National Referral Mechanism"}, '_msguide.synonyms["NRM"]', "expected a list"),
        ({"NRM": [""]}, '_msguide.synonyms["NRM"][0]', "no letters or digits"),
        ({"--": ["dash"]}, '_msguide.synonyms["--"]', "no letters or digits"),
        ({"NRM": ["a", "a"]}, '_msguide.synonyms["NRM"][1]', "listed twice"),
        ({"NRM": [7]}, '_msguide.synonyms["NRM"][0]', "expected text"),
        (
            {"NRM": [" ".join(["word"] * (MAX_SYNONYM_WORDS + 1))]},
            '_msguide.synonyms["NRM"][0]',
            "words",
        ),
        ({"NRM": ["x" * 65]}, '_msguide.synonyms["NRM"][0]', "characters long"),
        (
            {"NRM": [f"e{n}" for n in range(MAX_EQUIVALENTS + 1)]},
            '_msguide.synonyms["NRM"]',
            "most",
        ),
        ({f"t{n}": ["x"] for n in range(MAX_SYNONYM_TERMS + 1)}, "_msguide.synonyms", "most"),
    ],
)
def test_bad_synonyms_are_refused_where_they_are(synonyms: Any, path: str, words: str) -> None:
    with pytest.raises(FeedError) as caught:
        parse(to_bytes(_document(synonyms)))
    assert caught.value.path == path
    assert words in caught.value.message


def test_synonym_text_is_made_inert() -> None:
    feed = parse(to_bytes(_document({"NRM\u202e": ["National\x00Referral"]})))
    term, equivalents = feed.synonyms[0]
    assert "\u202e" not in term and "\x00" not in equivalents[0]


def test_an_abbreviation_finds_the_words_it_stands_for(store: Store) -> None:
    _load(store, _document())
    assert _ids(store, "dtn") == ["dtn"]
    with store.read() as connection:
        (hit,) = search(connection, "dtn")
    assert f"{MARK_START}Duty to Notify{MARK_END}" in hit.snippet


def test_the_words_find_the_abbreviation(store: Store) -> None:
    _load(store, _document())
    assert _ids(store, "national referral mechanism") == ["nrm"]


def test_synonyms_widen_within_a_longer_query(store: Store) -> None:
    _load(store, _document())
    assert _ids(store, "dtn anonymous") == ["dtn"]
    assert _ids(store, "dtn council") == []


def test_without_synonyms_an_abbreviation_finds_nothing(store: Store) -> None:
    _load(store, _document(synonyms=None))
    assert _ids(store, "dtn") == []


def test_a_new_revision_replaces_the_synonyms(store: Store) -> None:
    _load(store, _document())
    _load(store, _document({"NRM": ["National Referral Mechanism"]}, sequence=2))
    assert _ids(store, "dtn") == []
    assert _ids(store, "national referral mechanism") == ["nrm"]


def test_a_file_import_read_item_by_item_stores_the_synonyms(store: Store, tmp_path: Path) -> None:
    from msguide.importing import import_file
    from msguide.policy import Policy

    path = tmp_path / "feed.json"
    path.write_bytes(to_bytes(_document()))
    import_file(store, path, policy=Policy())
    assert _ids(store, "dtn") == ["dtn"]
    assert _ids(store, "national referral mechanism") == ["nrm"]


def test_export_keeps_the_synonyms(store: Store) -> None:
    _load(store, _document())
    assert current_feed(store, "test-source").synonyms == parse(to_bytes(_document())).synonyms


def _as_before_synonyms(path: Path) -> None:
    """Make `path` the schema 2 store an msguide before synonyms wrote."""
    old = sqlite3.connect(path)
    old.execute("DROP TABLE synonyms")
    old.execute("PRAGMA user_version = 2")
    old.commit()
    old.close()


def test_an_upgrade_finds_the_synonyms_in_the_feed_it_holds(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    with Store.open(path) as store:
        _load(store, _document())
    _as_before_synonyms(path)
    with Store.open(path, read_only=True) as old:  # read-only: shown as it is, plain search
        assert _ids(old, "dtn") == []
        assert _ids(old, "anonymous") == ["dtn"]
    with Store.open(path) as store:
        assert store.schema_version() == SCHEMA_VERSION == 3
        assert _ids(store, "dtn") == ["dtn"]
        assert current_feed(store, "test-source").synonyms == parse(to_bytes(_document())).synonyms


@pytest.fixture(scope="module")
def synonyms_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """One store with synonyms for the module (hypothesis does not mix with function
    fixtures); removed with pytest's other temporary folders."""
    path = tmp_path_factory.mktemp("synonyms") / "s.sqlite"
    with Store.open(path) as store:
        _load(store, _document({**SYNONYMS, "county lines": ["county line", "c l"]}))
        yield store


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(["dtn", "nrm", "duty", "to", "notify", "county", "lines", "-nrm", "OR"])
        | st.text(max_size=12),
        max_size=8,
    )
)
def test_property_any_query_with_synonyms_is_safe(synonyms_store: Store, words: list[str]) -> None:
    with synonyms_store.read() as connection:
        found = search(connection, " ".join(words), limit=5)
    assert len(found) <= 5


def test_the_upgraded_table_is_the_one_a_new_store_has(tmp_path: Path) -> None:
    fresh, upgraded = tmp_path / "fresh.sqlite", tmp_path / "upgraded.sqlite"
    Store.open(fresh).close()
    Store.open(upgraded).close()
    _as_before_synonyms(upgraded)
    Store.open(upgraded).close()

    def table_sql(path: Path) -> str:
        connection = sqlite3.connect(path)
        try:
            row = connection.execute("SELECT sql FROM sqlite_master WHERE name = 'synonyms'")
            return str(row.fetchone()[0])
        finally:
            connection.close()

    assert table_sql(upgraded) == table_sql(fresh)
