""" "Did you mean …": a spelling from the store's own words, only for a query that finds little."""

from __future__ import annotations

from pathlib import Path

import pytest

from feedmaker import feed_document, item, to_bytes
from msguide.feed.parse import parse
from msguide.store.db import Store
from msguide.store.importer import Provenance, import_feed
from msguide.store.search import Filters
from msguide.store.suggest import better_spelling, suggestion


def test_trafiking_offers_trafficking(seed_store: Store) -> None:
    with seed_store.read() as connection:
        assert better_spelling(connection, "trafiking") == "trafficking"


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("chlid exploitation", "child exploitation"),  # two letters swapped: one edit
        ("Guardain", "guardian"),
        ("modren slavery", "modern slavery"),
        ("nrm childern", "nrm children"),
    ],
)
def test_misspelt_words_are_corrected_and_the_rest_kept(
    seed_store: Store, typed: str, meant: str
) -> None:
    with seed_store.read() as connection:
        assert better_spelling(connection, typed) == meant


@pytest.mark.parametrize(
    "text",
    [
        "trafficking",  # found plenty
        "traffick",  # a prefix of a word the content uses: the person is still typing
        "dtn",  # a feed synonym, not a misspelling
        "xqzvwk",  # nothing close enough
        "",
    ],
)
def test_no_suggestion_when_nothing_is_wrong_or_nothing_is_close(
    seed_store: Store, text: str
) -> None:
    with seed_store.read() as connection:
        assert better_spelling(connection, text) is None


def test_a_suggestion_must_find_more_within_the_filters(seed_store: Store) -> None:
    with seed_store.read() as connection:
        assert suggestion(connection, "trafiking") == "trafficking"
        news = Filters(kind="contact")
        assert better_spelling(connection, "cuckoing", news) is None
        assert better_spelling(connection, "cuckoing") == "cuckooing"


def test_suggestions_work_on_a_read_only_store(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite"
    raw = to_bytes(feed_document(items=[item("a", "Safeguarding adults", summary="Help.")]))
    with Store.open(path) as store:
        import_feed(store, parse(raw), raw, Provenance(origin="test"))
    with Store.open(path, read_only=True) as store, store.read() as connection:
        assert better_spelling(connection, "safegaurding") == "safeguarding"


def test_cli_prints_the_suggestion_on_stderr_and_keeps_json_a_list(cli) -> None:  # type: ignore[no-untyped-def]
    import json

    result = cli("search", "trafiking", "--json")
    assert result.code == 0
    assert json.loads(result.out) == []
    assert result.err == "did you mean: trafficking\n"
    plain = cli("search", "trafficking")
    assert "did you mean" not in plain.err
