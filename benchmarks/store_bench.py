"""The store against its floors: import and search timed beside raw sqlite3 on the same data.

Each measurement runs in a fresh interpreter (`store_bench.py worker …`), so one cannot warm or
bloat the next and peak memory is that measurement's own. `figures()` runs them all and returns
the table's lines; `benchmarks/run` prints them.
"""

from __future__ import annotations

import argparse
import gc
import json
import shutil
import sqlite3
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import cached_feed
from measure import Figure, peak_rss_mib, percentile, run_worker
from process_bench import process_figures

from msguide.store.query import RANK_WEIGHTS

HERE = Path(__file__).resolve()
# The generated feeds are far above the default limits (20 MB); the limits are not measured.
BENCH_LIMITS = {"max_bytes": 2**31, "max_items": 10_000_000}
UPDATE_FRACTION = 0.01
PAGE = 50
UI_PAGE = 100  # msguide.ui.content.PAGE_SIZE
UI_SHOWN = 30  # msguide.ui.content.FIRST_SHOWN
# The store's share of a keystroke-to-repaint frame (16 ms): the rest is the UI's.
STORE_KEYSTROKE_BUDGET_MS = 5.0
MEMORY_BUDGET_MIB = 300.0
# A whole `msguide import` process is compared with plain Python on feeds up to this size
# (the default 20 MB limit holds about 10k generated items).
PROCESS_MAX_ITEMS = 12_000

SNIPPET = "snippet(items_fts, -1, char(2), char(3), '…', 18)"


@dataclass(frozen=True)
class Query:
    label: str
    text: str
    audience: str | None = None


QUERIES = (
    Query("one word", "exploitation"),
    Query("one rarer word", "helpline"),
    Query("two words", "child exploitation"),
    Query("two words, one plural", "referral victims"),
    Query("prefix while typing", "exp"),
    Query("prefix while typing", "expl"),
    Query("prefix while typing", "exploi"),
    Query("phrase", '"modern slavery"'),
    Query("phrase", '"national referral mechanism"'),
    Query("word + audience filter", "support", audience="children"),
    Query("prefix + audience filter", "traff", audience="police"),
)


# --- import ------------------------------------------------------------------------------------


def _limits() -> Any:
    from msguide.feed.parse import Limits

    return Limits(**BENCH_LIMITS)


def worker_import(feed: Path, store_path: Path, base: Path) -> dict[str, Any]:
    """msguide's import from the file's bytes to a committed, indexed store (a copy of `base`).

    The store is set up as the app sets it up (`services.open_user_store`): with a backups
    folder, so the copy kept before every change is part of the import's work. Both the full
    import (onto an empty store) and the update start with the write path's libraries
    (SQLAlchemy) loaded, as in the app after its first write: loading them is a cost of the
    process (the `msguide import` process row), not of the store work.
    """
    from msguide.feed.parse import parse
    from msguide.store.backup import backups
    from msguide.store.db import Store
    from msguide.store.importer import Provenance, import_feed

    shutil.copyfile(base, store_path)
    folder = store_path.with_name(store_path.stem + "-backups")
    shutil.rmtree(folder, ignore_errors=True)
    with Store.open(store_path) as ready:
        _ = ready.engine  # made on first use: loads SQLAlchemy
    baseline = peak_rss_mib()
    started = time.perf_counter()
    raw = feed.read_bytes()
    parsed = parse(raw, _limits())
    parsed_at = time.perf_counter()
    store = Store.open(store_path)
    store.backup_folder = folder
    result = import_feed(store, parsed, raw, Provenance(origin="benchmark"))
    store.close()
    # The import pauses the cycle collector; the pass it may have put off is counted here, with
    # the feed freed as the app frees it once imported.
    del parsed
    gc.collect()
    finished = time.perf_counter()
    kept = backups(folder)
    if not result.applied or len(kept) != 1:
        raise AssertionError(f"the import did not apply with one backup: {result}, {kept}")
    backup_mib = kept[0].stat().st_size / 2**20
    shutil.rmtree(folder)
    return {
        "seconds": finished - started,
        "parse_seconds": parsed_at - started,
        "apply_seconds": finished - parsed_at,
        "added": len(result.added),
        "changed": len(result.changed),
        "removed": len(result.removed),
        "backup_mib": backup_mib,
        "baseline_mib": baseline,
        "peak_mib": peak_rss_mib(),
    }


def worker_empty_store(store_path: Path) -> dict[str, Any]:
    """A new, empty store: what a full import starts from (made here, not in the timed worker,
    whose clock would otherwise start with the schema's libraries loaded)."""
    from msguide.store.db import Store

    store_path.unlink(missing_ok=True)
    Store.open(store_path).close()
    return {"bytes": store_path.stat().st_size}


def worker_import_file(feed: Path, store_path: Path) -> dict[str, Any]:
    """What `msguide import FILE` does: the file read item by item into the store."""
    from msguide.importing import import_file
    from msguide.policy import Policy
    from msguide.store.db import Store

    Store.open(store_path).close()
    baseline = peak_rss_mib()
    started = time.perf_counter()
    store = Store.open(store_path)
    result = import_file(store, feed, policy=Policy(), limits=_limits())
    store.close()
    return {
        "seconds": time.perf_counter() - started,
        "added": len(result.added),
        "baseline_mib": baseline,
        "peak_mib": peak_rss_mib(),
    }


FLOOR_TABLE = (
    "CREATE TABLE items (id INTEGER PRIMARY KEY, source_id TEXT, item_id TEXT, position INT, "
    "kind TEXT, title TEXT, url TEXT, summary TEXT, content_text TEXT, tags_text TEXT, "
    "publisher TEXT, format TEXT, date_published TEXT, date_modified TEXT, language TEXT, "
    "phone TEXT, email TEXT, hours TEXT, pinned INT)"
)
FLOOR_INSERT = "INSERT INTO items VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
FTS_COLUMNS = "title, summary, content_text, tags_text, publisher"


def worker_floor_import(feed: Path, db_path: Path, method: str) -> dict[str, Any]:
    """Raw sqlite3: the same rows into a plain table, and the same text into the same FTS5 index.

    The rows are built before the clock starts, so the floor is the database's work alone.
    `method` is how the text reaches FTS5: "rebuild" (external content, one 'rebuild'),
    "select" (INSERT … SELECT from the table) or "values" (executemany straight into FTS5).
    """
    from msguide.feed.parse import parse
    from msguide.store.db import FTS_DDL

    feed_value = parse(feed.read_bytes(), _limits())
    rows = [
        (
            n + 1,
            feed_value.source.id,
            i.id,
            n,
            i.kind,
            i.title,
            i.url,
            i.summary,
            i.content_text,
            "\n".join(i.tags),
            i.publisher,
            i.format,
            i.date_published,
            i.date_modified,
            i.language,
            i.phone,
            i.email,
            i.hours,
            i.pinned,
        )
        for n, i in enumerate(feed_value.items)
    ]
    fts_rows = [(r[0], r[5], r[7], r[8], r[9], r[10]) for r in rows]
    del feed_value
    db_path.unlink(missing_ok=True)
    connection = sqlite3.connect(db_path, isolation_level=None)
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("PRAGMA synchronous = NORMAL")
    ddl = list(FTS_DDL)
    if method == "values":
        ddl[0] = ddl[0].replace("content='items', content_rowid='id', ", "content='', ")
    started = time.perf_counter()
    connection.execute("BEGIN")
    connection.execute(FLOOR_TABLE)
    for statement in ddl:
        connection.execute(statement)
    connection.executemany(FLOOR_INSERT, rows)
    if method == "rebuild":
        connection.execute("INSERT INTO items_fts(items_fts) VALUES('rebuild')")
    elif method == "select":
        connection.execute(
            f"INSERT INTO items_fts(rowid, {FTS_COLUMNS}) SELECT id, {FTS_COLUMNS} FROM items"
        )
    else:
        connection.executemany(
            f"INSERT INTO items_fts(rowid, {FTS_COLUMNS}) VALUES (?,?,?,?,?,?)", fts_rows
        )
    connection.execute("COMMIT")
    connection.close()
    return {"seconds": time.perf_counter() - started}


# --- search ------------------------------------------------------------------------------------


# Two plain-SQLite ways to rank: FTS5's own ORDER BY rank (the index's configured bm25) and
# bm25() with the same weights sorted by SQLite. Both are measured and the faster is the floor:
# a floor that is not the fastest plain way flatters msguide.
RANKINGS = {
    "rank": ("items_fts.rank", "items_fts.rank"),
    "bm25": (f"bm25(items_fts, {RANK_WEIGHTS}) AS score", "score"),
}


def _raw_find_sql(query: Query, limit: int, ranking: str = "rank") -> tuple[str, tuple[Any, ...]]:
    column, order = RANKINGS[ranking]
    if query.audience is None:
        sql = (
            f"SELECT items_fts.rowid, {column} FROM items_fts WHERE items_fts MATCH ? "
            f"ORDER BY {order} LIMIT ?"
        )
        return sql, (limit,)
    sql = (
        f"SELECT items_fts.rowid, {column} FROM items_fts "
        "JOIN items ON items.id = items_fts.rowid WHERE items_fts MATCH ? "
        "AND items.id IN (SELECT item_rowid FROM item_audiences WHERE audience_id = ?) "
        f"ORDER BY {order} LIMIT ?"
    )
    return sql, (query.audience, limit)


def _raw_page_sql(query: Query, ranking: str = "rank") -> tuple[str, tuple[Any, ...]]:
    """The least a first page needs: the page's display columns and snippets, best first.

    SQLite sorts by rank and computes the snippet only for the rows the LIMIT keeps.
    """
    column, order = RANKINGS[ranking]
    sql = (
        "SELECT items.id, items.source_id, items.item_id, items.kind, items.title, items.url, "
        "items.publisher, items.format, COALESCE(items.date_modified, items.date_published), "
        f"items.pinned, items.phone, {SNIPPET}, {column} "
        "FROM items_fts JOIN items ON items.id = items_fts.rowid WHERE items_fts MATCH ? "
    )
    params: tuple[Any, ...] = ()
    if query.audience is not None:
        sql += "AND items.id IN (SELECT item_rowid FROM item_audiences WHERE audience_id = ?) "
        params = (query.audience,)
    return sql + f"ORDER BY {order} LIMIT ?", (*params, PAGE)


def _timed(action: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    value = action()
    return (time.perf_counter() - started) * 1000, value


def _check_same_page(query: Query, ours: list[int], raw: sqlite3.Connection, match: str) -> None:
    """Same data, same answer, or the comparison means nothing.

    msguide ranks pinned items higher among the matches, so each pinned match may push one
    item out of its first page: every other item it shows must be among raw FTS5's best
    (page + pinned matches), ties at the edge included.
    """
    sql, params = _raw_find_sql(query, -1)
    ranked = raw.execute(sql, (match, *params)).fetchall()
    pinned = {r[0] for r in raw.execute("SELECT id FROM items WHERE pinned")}
    room = min(len(ranked), PAGE + sum(1 for rowid, _ in ranked if rowid in pinned))
    edge = ranked[room - 1][1] if room else 0.0
    best = {rowid for rowid, rank in ranked if rank <= edge}
    stray = [rowid for rowid in ours if rowid not in best and rowid not in pinned]
    if len(ours) != min(PAGE, len(ranked)) or stray:
        raise AssertionError(f"msguide and raw sqlite3 disagree on {query.text!r}: {stray}")


def _narrowed(listed: list[int], matching: set[int], exact_below: int) -> tuple[int, int, bool]:
    """What `narrowed_page` over `listed` must return (count, rows, exact) for a query whose
    matches are `matching`: the listed rows still matching, or the exact page when few items
    match or none of the listed rows does."""
    count = len(matching)
    still = len(set(listed) & matching)
    if count <= exact_below or not still:
        return count, min(UI_PAGE, count), True
    return count, min(UI_PAGE, still), False


def worker_search(store_path: Path, iterations: int) -> dict[str, Any]:
    """Latencies (ms) of msguide's search and of raw sqlite3 FTS5, query by query, interleaved."""
    from msguide.store.db import Store
    from msguide.store.query import fts_query
    from msguide.store.search import EXACT_BELOW, Filters, find, first_page, hits, narrowed_page

    store = Store.open(store_path)
    raw = sqlite3.connect(f"file:{store_path.as_posix()}?mode=ro", uri=True, isolation_level=None)
    results: list[dict[str, Any]] = []
    with store.read() as connection:

        def page(query: Query) -> list[tuple[int, float]]:
            filters = Filters(audience=query.audience)
            found = find(connection, query.text, filters, limit=PAGE)
            shown = hits(connection, [r for r, _ in found], query.text, dict(found))
            return [(h.rowid, h.score) for h in shown]

        def exact_page(query: Query) -> int:
            # The exactly ranked first page (msguide.ui.content.ContentService.search without
            # a list to narrow, and what follows a narrowed page): a pooled read connection,
            # the best page ranked, all matches counted, display rows (summaries, no snippets
            # yet) for the top of the list. Snippets follow once the list is painted; ranking
            # the rest, once it is scrolled.
            with store.read() as own:
                shown = first_page(
                    own,
                    query.text,
                    Filters(audience=query.audience),
                    rows=UI_PAGE,
                    shown=UI_SHOWN,
                    snippets=False,
                )
                return shown.total

        def typed_over(query: Query, listed: list[int]) -> tuple[int, int, bool]:
            # What the app does per keystroke (msguide.ui.content.ContentService.search): the
            # listed rows that still match, every match counted, display rows for the top;
            # the exact page follows unless typing goes on (or comes at once: few matches,
            # or no listed row matches).
            with store.read() as own:
                shown = narrowed_page(
                    own,
                    query.text,
                    Filters(audience=query.audience),
                    listed,
                    rows=UI_PAGE,
                    shown=UI_SHOWN,
                )
                return shown.total, len(shown.found), shown.exact

        def snippets(query: Query, rowids: list[int]) -> int:
            # After the paint (msguide.ui.content.ContentService.snippets).
            with store.read() as own:
                return len(hits(own, rowids, query.text))

        def find_all(query: Query) -> int:
            return len(find(connection, query.text, Filters(audience=query.audience)))

        def raw_page(query: Query, match: str, ranking: str) -> list[tuple[int, float]]:
            sql, params = _raw_page_sql(query, ranking)
            return [(row[0], -row[-1]) for row in raw.execute(sql, (match, *params))]

        def raw_all(query: Query, match: str, ranking: str) -> int:
            sql, params = _raw_find_sql(query, -1, ranking)
            return len(raw.execute(sql, (match, *params)).fetchall())

        def raw_matches(query: Query, match: str) -> set[int]:
            sql, params = _raw_find_sql(query, -1)
            return {row[0] for row in raw.execute(sql, (match, *params))}

        for query in QUERIES:
            match = fts_query(query.text)
            assert match is not None
            # Same data, same answer: otherwise the comparison means nothing.
            _check_same_page(query, [r for r, _ in page(query)], raw, match)
            count = raw_all(query, match, "rank")
            assert count > 0, f"{query.text!r} matches nothing: nothing would be timed"
            on_page = min(PAGE, count)
            # The list before the first key: every item browsed, in list order.
            browsed = [r for r, _ in find(connection, "", Filters(audience=query.audience),
                                          limit=UI_PAGE)]  # fmt: skip
            # The page one letter earlier, as typing would have shown it.
            shorter = query.text[:-1]
            last_page = (
                [r for r, _ in find(connection, shorter, Filters(audience=query.audience),
                                    limit=UI_PAGE)]
                if query.text[-1:].isalnum() and shorter.strip() else []
            )  # fmt: skip
            top = [r for r, _ in find(connection, query.text, Filters(audience=query.audience),
                                      limit=UI_SHOWN)]  # fmt: skip
            # The listed rows that still match, by plain SQLite: what a key typed over a
            # list must show (unless the exact page comes at once).
            matching = raw_matches(query, match)
            # What each timed action must return: proof that it did the work timed.
            expected: dict[str, Any] = {
                "page": on_page,
                "raw_page": on_page,
                "raw_page_bm25": on_page,
                "all": count,
                "raw_all": count,
                "raw_all_bm25": count,
                "exact_page": count,
                "keystroke": _narrowed(browsed, matching, EXACT_BELOW),
                "snippets": min(UI_SHOWN, count),
                "typed_on": _narrowed(last_page, matching, EXACT_BELOW),
            }
            del matching  # (up to 100k rowids: not the searching process's memory)
            samples: dict[str, list[float]] = {name: [] for name in expected}
            for n in range(iterations):
                pairs: list[tuple[str, Callable[[], Any]]] = [
                    ("page", lambda q=query: len(page(q))),
                    ("raw_page", lambda q=query, m=match: len(raw_page(q, m, "rank"))),
                    ("raw_page_bm25", lambda q=query, m=match: len(raw_page(q, m, "bm25"))),
                    ("all", lambda q=query: find_all(q)),
                    ("raw_all", lambda q=query, m=match: raw_all(q, m, "rank")),
                    ("raw_all_bm25", lambda q=query, m=match: raw_all(q, m, "bm25")),
                    ("exact_page", lambda q=query: exact_page(q)),
                    ("keystroke", lambda q=query, b=browsed: typed_over(q, b)),
                    ("snippets", lambda q=query, t=top: snippets(q, t)),
                ]
                if last_page:
                    pairs.append(("typed_on", lambda q=query, p=last_page: typed_over(q, p)))
                if n % 2:
                    pairs.reverse()
                for name, action in pairs:
                    elapsed, value = _timed(action)
                    if value != expected[name]:
                        raise AssertionError(
                            f"{name} on {query.text!r} gave {value}, not {expected[name]}"
                        )
                    samples[name].append(elapsed)
            results.append(
                {"label": query.label, "text": query.text, "audience": query.audience,
                 "matches": count, "samples": samples}
            )  # fmt: skip
    raw.close()
    store.close()
    return {"queries": results, "peak_mib": peak_rss_mib()}


# --- the whole run -----------------------------------------------------------------------------


def _best(runs: Sequence[dict[str, Any]], key: str = "seconds") -> dict[str, Any]:
    return min(runs, key=lambda r: float(r[key]))


def _size_name(count: int) -> str:
    return f"{count // 1000}k" if count >= 1000 and count % 1000 == 0 else str(count)


FLOOR_METHODS = ("rebuild", "select", "values")


def choose_floor_method(
    count: int, work: Path, feeds: Path | None, log: Callable[[str], None]
) -> str:
    """The fastest way to give FTS5 the text, tried once each at `count` items.

    Chosen once per run, then measured afresh beside msguide: keeping the luckiest of three
    noisy samples as the floor would favour the floor.
    """
    feed = cached_feed(count, folder=feeds)
    db = work / "floor-pilot.sqlite"
    seconds = {}
    for method in FLOOR_METHODS:
        seconds[method] = run_worker(HERE, "floor-import", str(feed), str(db), method)["seconds"]
        db.unlink()
    log(
        f"floor pilot at {_size_name(count)}: "
        + ", ".join(f"{m} {t:.2f}s" for m, t in seconds.items())
    )
    return min(seconds, key=lambda m: seconds[m])


def import_figures(
    count: int,
    work: Path,
    feeds: Path | None,
    floor_method: str,
    repeats: int,
    log: Callable[[str], None],
) -> tuple[list[Figure], Path]:
    size = _size_name(count)
    feed = cached_feed(count, folder=feeds)
    update = cached_feed(count, changed=UPDATE_FRACTION, folder=feeds)
    log(f"import {size}: feed {feed.stat().st_size / 1e6:.0f} MB, best of {repeats}")
    store = work / f"store-{count}.sqlite"
    empty = work / "empty.sqlite"
    run_worker(HERE, "empty-store", str(empty))
    floors: list[float] = []
    ours: list[dict[str, Any]] = []
    # Alternate floor and msguide, the same number of times each, so load from others on a
    # shared machine falls on both alike.
    for _ in range(repeats):
        db = work / f"floor-{count}.sqlite"
        floors.append(run_worker(HERE, "floor-import", str(feed), str(db), floor_method)["seconds"])
        db.unlink()
        store.unlink(missing_ok=True)
        ours.append(run_worker(HERE, "import", str(feed), str(store), "--base", str(empty)))
    floor = min(floors)
    full = _best(ours)
    store.unlink(missing_ok=True)
    streamed = run_worker(HERE, "import-file", str(feed), str(store))
    log(f"  msguide import FILE (streamed) {streamed['seconds']:.2f}s")
    log(
        f"  msguide {full['seconds']:.2f}s (parse {full['parse_seconds']:.2f}s, "
        f"apply {full['apply_seconds']:.2f}s, backup {full['backup_mib']:.1f} MiB); "
        f"floor ({floor_method}) {floor:.2f}s"
    )
    updates = []
    for _ in range(repeats):
        target = work / f"update-{count}.sqlite"
        updates.append(run_worker(HERE, "import", str(update), str(target), "--base", str(store)))
        target.unlink()
    upd = _best(updates)
    log(
        f"  update {upd['seconds']:.2f}s (parse {upd['parse_seconds']:.2f}s, apply "
        f"{upd['apply_seconds']:.2f}s, backup {upd['backup_mib']:.0f} MiB): "
        f"+{upd['added']} ~{upd['changed']} -{upd['removed']}"
    )
    figures = [
        Figure(
            f"import {size} items (parse, validate, diff, write, index)",
            full["seconds"],
            "s",
            floor,
            max_ratio=3.0,
            note=f"floor: executemany + FTS5 '{floor_method}'",
        ),
        Figure(
            f"update import {size}, {UPDATE_FRACTION:.0%} changed, vs full import",
            upd["seconds"],
            "s",
            full["seconds"],
            max_ratio=0.5,
            note=f"reading the feed: {upd['parse_seconds']:.2f} s of it, which any import must do",
        ),
        Figure(
            f"update import {size}: store work after parsing, vs full import's",
            upd["apply_seconds"],
            "s",
            full["apply_seconds"],
            max_ratio=0.25,
            note="backup, diff, write, index and save the revision: should follow the change",
        ),
        Figure(
            f"peak RSS, import {size} from a file (streamed)",
            streamed["peak_mib"],
            "MiB",
            streamed["baseline_mib"],
            max_value=MEMORY_BUDGET_MIB,
            note="what `msguide import FILE` does; floor: the same process before reading",
        ),
    ]
    return figures, store


@dataclass(frozen=True)
class SearchSummary:
    figures: list[Figure]
    detail: list[str]


def search_figures(count: int, store: Path, iterations: int) -> SearchSummary:
    size = _size_name(count)
    data = run_worker(HERE, "search", str(store), str(iterations))
    pooled: dict[str, list[float]] = {}
    detail = [
        f"search at {size} ({iterations} runs each; ms):",
        f"  {'query':44} {'matches':>7} {'p50':>7} {'raw':>7} {'p95':>7} {'raw':>7} "
        f"{'ratio95':>7} {'all p95':>8} {'raw':>7} {'key p95':>7} {'typed':>7}",
    ]
    worst = 0.0
    for q in data["queries"]:
        for name, values in q["samples"].items():
            pooled.setdefault(name, []).extend(values)
    # The floor is the faster plain-SQLite way to rank (FTS5's ORDER BY rank or bm25()
    # sorted by SQLite), chosen on the whole run's time, for the page and for all matches.
    page_floor = min(("raw_page", "raw_page_bm25"), key=lambda k: sum(pooled[k]))
    all_floor = min(("raw_all", "raw_all_bm25"), key=lambda k: sum(pooled[k]))
    pooled["raw_page"], pooled["raw_all"] = pooled[page_floor], pooled[all_floor]
    ways = {"raw_page": "ORDER BY rank", "raw_page_bm25": "ORDER BY bm25()"}
    ways |= {"raw_all": "ORDER BY rank", "raw_all_bm25": "ORDER BY bm25()"}
    detail.insert(
        1, f"  floors: first page {ways[page_floor]}, all matches {ways[all_floor]} (the faster)"
    )
    for q in data["queries"]:
        s = q["samples"]
        p95 = percentile(s["page"], 0.95)
        raw95 = percentile(s[page_floor], 0.95)
        worst = max(worst, p95 / raw95)
        shown = q["text"] + (f" [audience={q['audience']}]" if q["audience"] else "")
        detail.append(
            f"  {shown:44} {q['matches']:7d} {percentile(s['page'], 0.5):7.2f} "
            f"{percentile(s[page_floor], 0.5):7.2f} {p95:7.2f} {raw95:7.2f} {p95 / raw95:6.2f}x "
            f"{percentile(s['all'], 0.95):8.2f} {percentile(s[all_floor], 0.95):7.2f} "
            f"{percentile(s['keystroke'], 0.95):7.2f} "
            + (f"{percentile(s['typed_on'], 0.95):7.2f}" if s.get("typed_on") else f"{'—':>7}")
        )
    total = sum(pooled["page"]) / 1000
    raw_total = sum(pooled["raw_page"]) / 1000
    n = len(pooled["page"])
    figures = [
        Figure(
            f"search {size}: first page p50",
            percentile(pooled["page"], 0.5),
            "ms",
            percentile(pooled["raw_page"], 0.5),
            max_ratio=1.5,
            note=f"find + hits for {PAGE} rows vs one raw FTS5 query ({ways[page_floor]})",
        ),
        Figure(
            f"search {size}: first page p95",
            percentile(pooled["page"], 0.95),
            "ms",
            percentile(pooled["raw_page"], 0.95),
            max_ratio=1.5,
        ),
        Figure(
            f"search {size}: worst query's p95 ratio",
            worst,
            "x",
            max_value=1.5,
        ),
        Figure(
            f"search {size}: throughput (mean time per query)",
            total / n * 1000,
            "ms",
            raw_total / n * 1000,
            max_ratio=1.5,
            note=f"{n / total:.0f} vs {n / raw_total:.0f} queries/s",
        ),
        Figure(
            f"search {size}: all matches ranked p95",
            percentile(pooled["all"], 0.95),
            "ms",
            percentile(pooled["raw_all"], 0.95),
            max_ratio=1.5,
            note=f"floor: raw FTS5 MATCH {ways[all_floor]}, the faster of two",
        ),
        Figure(
            f"search {size}: keystroke, first key p95 (the {UI_PAGE} browsed rows narrowed)",
            percentile(pooled["keystroke"], 0.95),
            "ms",
            max_value=STORE_KEYSTROKE_BUDGET_MS if count <= 10_000 else None,
            note="the store's part of a keystroke in msguide.ui.content.search",
        ),
        Figure(
            f"search {size}: keystroke typed on p95 (the last page's {UI_PAGE} rows narrowed)",
            percentile(pooled["typed_on"], 0.95),
            "ms",
            max_value=STORE_KEYSTROKE_BUDGET_MS if count <= 10_000 else None,
            note="a key that extends the query; the exact page follows (the row below)",
        ),
        Figure(
            f"search {size}: exact first page p95 (best {UI_PAGE} ranked, {UI_SHOWN} rows shown)",
            percentile(pooled["exact_page"], 0.95),
            "ms",
            note="follows a narrowed page on the search lane, unless another key comes",
        ),
        Figure(
            f"search {size}: snippets after the paint p95 ({UI_SHOWN} rows)",
            percentile(pooled["snippets"], 0.95),
            "ms",
            note="msguide.ui.content.snippets, once the list is on screen",
        ),
        Figure(
            f"peak RSS, searching {size} (store only, no UI)",
            data["peak_mib"],
            "MiB",
            max_value=MEMORY_BUDGET_MIB,
        ),
    ]
    return SearchSummary(figures, detail)


def figures(
    sizes: Sequence[int],
    work: Path,
    *,
    feeds: Path | None = None,
    repeats: int | None = None,
    iterations: int | None = None,
    log: Callable[[str], None] = print,
) -> tuple[list[Figure], list[str]]:
    out: list[Figure] = []
    details: list[str] = []
    floor_method = choose_floor_method(min(sizes), work, feeds, log)
    for count in sizes:
        rounds = repeats or (2 if count <= 10_000 else 1)
        imported, store = import_figures(count, work, feeds, floor_method, rounds, log)
        if count <= PROCESS_MAX_ITEMS:
            feed = cached_feed(count, folder=feeds)
            size = _size_name(count)
            imported += process_figures(feed, size, work / f"process-{size}", rounds + 1, log)
        runs = iterations or (60 if count <= 10_000 else 20)
        log(f"search {_size_name(count)}: {runs} runs of {len(QUERIES)} queries")
        searched = search_figures(count, store, runs)
        out += imported + searched.figures
        details += searched.detail
    return out, details


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="A store benchmark measurement (internal).")
    parser.add_argument("mode", choices=("worker",))
    parser.add_argument(
        "task", choices=("import", "import-file", "empty-store", "floor-import", "search")
    )
    parser.add_argument("args", nargs="+")
    parser.add_argument("--base", type=Path)
    args = parser.parse_args(argv)
    if args.task == "import":
        result = worker_import(Path(args.args[0]), Path(args.args[1]), args.base)
    elif args.task == "empty-store":
        result = worker_empty_store(Path(args.args[0]))
    elif args.task == "import-file":
        result = worker_import_file(Path(args.args[0]), Path(args.args[1]))
    elif args.task == "floor-import":
        result = worker_floor_import(Path(args.args[0]), Path(args.args[1]), args.args[2])
    else:
        result = worker_search(Path(args.args[0]), int(args.args[1]))
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
