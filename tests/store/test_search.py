"""Search: prefix matching as you type, ranking, filters, snippets, and any text a person types."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from feedmaker import feed_document, item, to_bytes
from msguide.feed.parse import parse
from msguide.store.db import Store
from msguide.store.importer import Provenance, import_feed
from msguide.store.query import fts_query
from msguide.store.search import (
    MARK_END,
    MARK_START,
    Filters,
    count,
    find,
    first_page,
    hits,
    narrowed_page,
    search,
)
from msguide.store.userstate import record_view, set_favourite

ITEMS = [
    item(
        "nrm-adult",
        "National referral mechanism guidance: adult",
        summary="How first responders refer adults into the NRM.",
        tags=["NRM"],
        publisher="Home Office",
    ),
    item(
        "nrm-child",
        "NRM guidance for child first responders",
        audiences=["children"],
        summary="Referring children: no consent is needed.",
        publisher="Home Office",
    ),
    item(
        "ceraf",
        "Child exploitation risk assessment framework (CERAF)",
        audiences=["children"],
        categories=["toolkits"],
        publisher="HIPS",
        summary="A child-exploitation toolkit for multi-agency professionals.",
    ),
    item(
        "agency-guide",
        "Council guide for agencies",
        summary="Tackling modern slavery.",
        content_text="Local agencies share information about exploitation cases.",
    ),
    item(
        "stats",
        "NRM statistics 2024 published",
        kind="news",
        date_published="2025-03-06T00:00:00Z",
        summary="19,125 potential victims referred.",
    ),
    item("old-news", "Older announcement", kind="news", date_published="2024-01-01T00:00:00Z"),
    item(
        "helpline",
        "Modern Slavery & Exploitation Helpline",
        kind="contact",
        phone="08000 121 700",
        categories=[],
        summary="Call 24 hours a day.",
    ),
    item("café", "Café workers’ rights", summary="Rights at work for café staff."),
]


@pytest.fixture
def filled(store: Store) -> Store:
    raw = to_bytes(feed_document(items=ITEMS))
    import_feed(store, parse(raw), raw, Provenance(origin="test"))
    return store


def ids(store: Store, text: str, **filters: object) -> list[str]:
    with store.read() as connection:
        return [h.id for h in search(connection, text, Filters(**filters), limit=100)]  # type: ignore[arg-type]


QUERIES = [
    ("nrm adult", ["nrm-adult"]),
    ("nrm adults", ["nrm-adult"]),  # plural finds singular
    ("refer", ["nrm-adult", "stats", "nrm-child"]),  # prefix: refer, referral, referred
    ("exploita", ["ceraf", "helpline", "agency-guide"]),  # while typing
    ('"child exploitation"', ["ceraf"]),
    ("child-exploitation", ["ceraf"]),
    ("agencies", ["agency-guide", "ceraf"]),  # agencies → agency, prefix agencies → agencies
    ("cafe", ["café"]),
    ("CAFÉ", ["café"]),
    ("nrm -child", ["nrm-adult", "stats"]),
    ("nrm NOT child", ["nrm-adult", "stats"]),
    ("ceraf OR helpline", ["ceraf", "helpline"]),
    ("zzzz", []),
]


@pytest.mark.parametrize(("text", "expected"), QUERIES)
def test_queries_find_what_a_person_means(filled: Store, text: str, expected: list[str]) -> None:
    found = ids(filled, text)
    assert sorted(found) == sorted(expected)


def test_title_matches_rank_above_body_matches(filled: Store) -> None:
    found = ids(filled, "exploitation")
    assert found[0] in ("ceraf", "helpline")
    assert found[-1] == "agency-guide"  # only in the body


def test_nrm_adult_ranks_adult_guidance_first(filled: Store) -> None:
    assert ids(filled, "nrm adult")[0] == "nrm-adult"


WEIRD_INPUT = [
    '"',
    '""',
    '"unbalanced',
    'a"b',
    "*",
    "**",
    "-",
    "--",
    "AND",
    "OR",
    "NOT",
    "AND OR NOT",
    "nrm AND",
    "OR nrm",
    "(",
    ")",
    "((nrm",
    "nrm)",
    "NEAR(a b)",
    "title:nrm",
    "^nrm",
    "nrm*",
    "😀",
    "😀 nrm",
    "\x00",
    "'; DROP TABLE items; --",
    "a" * 5000,
    "   ",
    "",
    "\u202e",
    "ß",
    "İ",
    "日本語",
    "s.49",
    "+",
    "&",
    "|",
]


@pytest.mark.parametrize("text", WEIRD_INPUT)
def test_any_typed_text_is_safe(filled: Store, text: str) -> None:
    found = ids(filled, text)
    assert isinstance(found, list)
    if fts_query(text) is None:
        assert len(found) == len(ITEMS)  # nothing searchable: everything, in list order


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_property_search_never_raises(shared_store: Store, text: str) -> None:
    with shared_store.read() as connection:
        found = search(connection, text, limit=5)
    assert len(found) <= 5


_TYPED_WORDS = ["nrm", "n", "child", "guid", "g", "exploitation", "-nrm", '"modern', "OR", "NOT"]


@settings(max_examples=80, deadline=None)
@given(
    st.one_of(
        st.text(max_size=40),
        st.lists(st.sampled_from(_TYPED_WORDS), min_size=1, max_size=4).map(" ".join),
    ),
    st.lists(st.integers(min_value=-1, max_value=12), max_size=12),
)
def test_property_a_narrowed_page_keeps_the_shown_rows_that_match_and_counts_all(
    shared_store: Store, text: str, shown: list[int]
) -> None:
    # Whatever is typed over whatever list is shown: the count is every match's, and the
    # page is the shown rows that match, in their order, or the exact page.
    with shared_store.read() as connection:
        page = narrowed_page(connection, text, Filters(), shown, exact_below=0)
        exact = first_page(connection, text, rows=100, shown=40, snippets=False)
        matching = {r for r, _ in find(connection, text)}
    assert page.total == exact.total == (len(matching) if fts_query(text) else page.total)
    if page.exact:
        assert (page.found, page.hits) == (exact.found, exact.hits)
    else:
        assert [r for r, _ in page.found] == [r for r in dict.fromkeys(shown) if r in matching]
        assert [h.rowid for h in page.hits] == [r for r, _ in page.found][:40]


@pytest.fixture(scope="module")
def shared_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """One filled store for the module's property tests (hypothesis does not mix with
    function-scoped fixtures); removed with pytest's other temporary folders."""
    with Store.open(tmp_path_factory.mktemp("search") / "store.sqlite") as store:
        raw = to_bytes(feed_document(items=ITEMS))
        import_feed(store, parse(raw), raw, Provenance(origin="test"))
        yield store


def test_filters_combine_with_text(filled: Store) -> None:
    assert ids(filled, "nrm", audience="children") == ["nrm-child"]
    assert sorted(ids(filled, "", audience="children")) == ["ceraf", "nrm-child"]
    assert ids(filled, "", category="toolkits") == ["ceraf"]
    assert ids(filled, "", kind="contact") == ["helpline"]
    assert ids(filled, "nrm", kind="news") == ["stats"]
    assert ids(filled, "", source="nope") == []


def test_news_without_text_is_newest_first(filled: Store) -> None:
    assert ids(filled, "", kind="news") == ["stats", "old-news"]


def test_favourites_and_recent_filters(filled: Store) -> None:
    set_favourite(filled, "test-source", "ceraf", True)
    assert ids(filled, "", favourites=True) == ["ceraf"]
    record_view(filled, "test-source", "stats")
    record_view(filled, "test-source", "helpline")
    assert ids(filled, "", recent=True) == ["helpline", "stats"]


def test_snippets_mark_the_matched_words(filled: Store) -> None:
    with filled.read() as connection:
        [hit] = search(connection, "consent", limit=5)
    assert f"{MARK_START}consent{MARK_END}" in hit.snippet
    assert hit.plain_snippet() == "Referring children: no consent is needed."
    start, end = hit.to_json()["highlights"][0]
    assert hit.plain_snippet()[start:end] == "consent"


def test_find_then_hits_keeps_order_and_scores(filled: Store) -> None:
    with filled.read() as connection:
        ranked = find(connection, "nrm")
        rows = hits(connection, [r for r, _ in ranked], "nrm", dict(ranked))
    assert [h.rowid for h in rows] == [r for r, _ in ranked]
    assert all(h.score > 0 for h in rows)
    assert rows == sorted(rows, key=lambda h: -h.score)


def test_hit_json_shape(filled: Store) -> None:
    with filled.read() as connection:
        [hit] = search(connection, "helpline", limit=1)
    data = hit.to_json()
    for key in ("id", "source", "kind", "title", "url", "publisher", "snippet", "score", "offline"):
        assert key in data
    assert data["kind"] == "contact" and data["phone"] == "08000 121 700"


@pytest.mark.parametrize(
    ("text", "filters"),
    [
        ("nrm", Filters()),
        ("refer", Filters()),
        ("nrm", Filters(audience="children")),
        ("", Filters()),
        ("", Filters(kind="news")),
        ("zzzz", Filters()),
        ("nrm -child", Filters()),
    ],
)
def test_count_agrees_with_find(filled: Store, text: str, filters: Filters) -> None:
    with filled.read() as connection:
        assert count(connection, text, filters) == len(find(connection, text, filters))


def test_first_page_is_the_top_of_the_full_ranking(filled: Store) -> None:
    with filled.read() as connection:
        ranked = find(connection, "nrm")
        page = first_page(connection, "nrm", rows=2, shown=1)
    assert len(ranked) == 3
    assert page.found == ranked[:2]
    assert page.total == 3 and not page.complete
    assert [h.rowid for h in page.hits] == [ranked[0][0]]
    assert page.hits[0].score == ranked[0][1]


def test_a_first_page_without_snippets_is_the_same_page_showing_summaries(
    filled: Store,
) -> None:
    with filled.read() as connection:
        marked = first_page(connection, "nrm", rows=3, shown=3)
        plain = first_page(connection, "nrm", rows=3, shown=3, snippets=False)
        later = hits(connection, [h.rowid for h in plain.hits], "nrm", dict(plain.found))
    assert plain.found == marked.found and plain.total == marked.total
    assert [h.rowid for h in plain.hits] == [h.rowid for h in marked.hits]
    assert any(MARK_START in h.snippet for h in marked.hits)
    assert not any(MARK_START in h.snippet for h in plain.hits)
    assert all(h.snippet for h in plain.hits)  # each row shows its summary meanwhile
    assert later == marked.hits


def test_a_key_typed_over_a_shown_list_keeps_its_rows_that_still_match(filled: Store) -> None:
    # While typing, the shown rows that still match are the first answer, in their shown
    # order with their shown scores, unranked; every match is counted, not just those rows.
    with filled.read() as connection:
        ranked = [r for r, _ in find(connection, "nrm")]
        others = [r for r, _ in find(connection, "") if r not in ranked]
        # Shown in neither the ranking's order nor rowid order, one row twice, one row gone.
        shown = [others[0], ranked[2], others[1], ranked[0], ranked[2], ranked[1], 10_000]
        shown_scores = {r: float(n) for n, r in enumerate(dict.fromkeys(shown))}
        page = narrowed_page(
            connection, "nrm", Filters(), shown, scores=shown_scores, shown=2, exact_below=0
        )
        one = narrowed_page(connection, "nrm", Filters(), [ranked[1]], exact_below=0)
        every = [*shown, *ranked]
        filtered = narrowed_page(
            connection, "nrm", Filters(audience="children"), every, exact_below=0
        )
        exact_children = [r for r, _ in find(connection, "nrm", Filters(audience="children"))]
    assert len(ranked) == 3
    in_shown_order = [ranked[2], ranked[0], ranked[1]]
    assert in_shown_order not in (ranked, sorted(ranked))
    assert page.found == [(r, shown_scores[r]) for r in in_shown_order] and not page.exact
    assert [h.rowid for h in page.hits] == in_shown_order[:2]
    # Every match is counted, not just the shown rows that still match.
    assert (one.found, one.total, one.exact) == ([(ranked[1], 0.0)], 3, False)
    # The filters still apply to the shown rows and to the count.
    assert [r for r, _ in filtered.found] == [
        r for r in dict.fromkeys(every) if r in exact_children
    ]
    assert not filtered.exact and filtered.total == len(exact_children) < 3


def test_a_narrowed_page_is_the_exact_page_when_ranking_is_cheap_or_no_shown_row_matches(
    filled: Store,
) -> None:
    with filled.read() as connection:
        ranked = find(connection, "nrm")
        others = [r for r, _ in find(connection, "") if r not in dict(ranked)]
        exact = first_page(connection, "nrm", rows=100, shown=2, snippets=False)
        few = narrowed_page(connection, "nrm", Filters(), [ranked[-1][0]], shown=2)
        none_shown = narrowed_page(connection, "nrm", Filters(), others, shown=2, exact_below=0)
    assert exact.exact and exact.total == 3
    for page in (few, none_shown):
        assert page.exact
        assert (page.found, page.total, page.hits) == (exact.found, exact.total, exact.hits)


def test_a_first_page_holding_every_match_is_complete(filled: Store) -> None:
    with filled.read() as connection:
        page = first_page(connection, "consent", rows=100, shown=40)
    assert page.total == 1 and page.complete
    assert [h.id for h in page.hits] == ["nrm-child"]


def test_a_damaged_byte_inside_a_title_shows_garbled_not_fatal(filled: Store) -> None:
    import sqlite3

    # Damage inside a text value passes SQLite's integrity check (it does not check UTF-8).
    raw = sqlite3.connect(filled.path)
    raw.execute(
        "UPDATE items SET title = CAST(x'4e524d2061647580' AS TEXT) WHERE item_id = 'nrm-adult'"
    )
    raw.commit()
    raw.close()
    with filled.read() as connection:
        [hit] = search(connection, "nrm adult", limit=5)
    assert hit.title == "NRM adu\ufffd"
