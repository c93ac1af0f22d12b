"""The app's window onto the store: every query and write runs on a worker, results come back.

`ContentService` owns the `Store` once `open()` has finished (`ready` is emitted). Reads run on
a shared pool; writes run one at a time on their own lane so they never race; searches have a
lane of their own where a newer search replaces a queued one. After anything changes content
or user state, `contentChanged` / `userStateChanged` is emitted and views refresh themselves.
SQLAlchemy is imported only on worker threads, so the first paint does not wait for it.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import QObject, QThreadPool, Signal

from msguide.store.search import EXACT_BELOW, Filters, Hit, Order
from msguide.ui.tasks import Lane, Task, TaskRunner
from msguide.ui.text import error_sentence

if TYPE_CHECKING:
    from msguide.paths import Locations
    from msguide.services import OpenedStore
    from msguide.store.browse import ItemDetail, SidebarData
    from msguide.store.db import Store
    from msguide.store.favourites import GoneFavourite
    from msguide.store.history import SourceStatus
    from msguide.store.reader import ReadConnection

T = TypeVar("T")
PAGE_SIZE = 100
# Display rows made per keystroke: a screenful or two. Snippets are the costly part of a row.
FIRST_SHOWN = 30


class _RunningSearch:
    """The read connection the search lane is using, so that a newer search can stop a stale
    query at once instead of queueing behind it (sqlite3 allows interrupt from any thread)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._raw: sqlite3.Connection | None = None

    @contextmanager
    def using(self, connection: ReadConnection) -> Iterator[None]:
        with self._lock:
            self._raw = connection.raw
        try:
            yield
        finally:
            with self._lock:
                self._raw = None

    def interrupt(self) -> None:
        with self._lock:
            if self._raw is not None:
                self._raw.interrupt()


@dataclass(frozen=True, slots=True)
class SearchResult:
    """Ranked rowids for a query (the best PAGE_SIZE first, all of them once `complete`),
    how many match in all, and display rows for the top of the list."""

    text: str
    filters: Filters
    rowids: tuple[int, ...]
    scores: dict[int, float]
    first_page: tuple[Hit, ...]
    total: int
    order: Order = "relevance"
    # Whether `first_page` shows highlighted snippets yet (search as you type paints without
    # them; `ContentService.snippets` brings them once the list is on screen).
    snippets: bool = True
    # False while the page is the shown list's rows that still match, not ranked (search as
    # you type); the exactly ranked page replaces it within a frame or two.
    exact: bool = True

    @property
    def complete(self) -> bool:
        return len(self.rowids) >= self.total


class ContentService(QObject):
    ready = Signal(object)  # OpenedStore: notices to show once
    openFailed = Signal(str)
    contentChanged = Signal()
    userStateChanged = Signal()
    failed = Signal(str)  # a background operation failed: one sentence for the person

    def __init__(self, where: Locations | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.where = where
        self.store: Store | None = None
        self.read_only = False
        self.reads = TaskRunner(QThreadPool(self), self)
        write_pool = QThreadPool(self)
        write_pool.setMaxThreadCount(1)
        self.writes = TaskRunner(write_pool, self)
        search_pool = QThreadPool(self)
        search_pool.setMaxThreadCount(1)
        self.search_lane: Lane[SearchResult] = Lane(TaskRunner(search_pool, self))
        self._running_search = _RunningSearch()
        self._search_task: Task[SearchResult] | None = None
        # The last list a search delivered (what is on screen): a key typed over it is first
        # answered with its rows that still match.
        self._shown: SearchResult | None = None
        # Searches matching at most this many items are ranked exactly at once (cheap).
        self.exact_below = EXACT_BELOW
        # Snippets for a list already painted: a lane of their own, so that asking for them
        # never holds up (or is mistaken for) the next search, which cancels and stops them.
        snippet_pool = QThreadPool(self)
        snippet_pool.setMaxThreadCount(1)
        self.snippet_lane: Lane[list[Hit]] = Lane(TaskRunner(snippet_pool, self))
        self._running_snippets = _RunningSearch()

    # --- lifecycle ------------------------------------------------------------------------

    def open(self) -> None:
        def work() -> OpenedStore:
            from msguide.services import open_user_store

            return open_user_store(self.where)

        self.writes.submit(work, self._opened, lambda e: self.openFailed.emit(error_sentence(e)))

    def _opened(self, opened: OpenedStore) -> None:
        self.store = opened.store
        self.read_only = opened.store.read_only
        self.ready.emit(opened)

    def close(self) -> None:
        self.search_lane.runner.wait()
        self.snippet_lane.runner.wait()
        self.reads.wait()
        self.writes.wait()
        if self.store is not None:
            self.store.close()
            self.store = None

    # --- reads ----------------------------------------------------------------------------

    def _read(self, fn: Callable[[Any], T], on_done: Callable[[T], None]) -> None:
        store = self.store
        if store is None:
            return

        def work() -> T:
            with store.read() as connection:
                return fn(connection)

        self.reads.submit(work, on_done, self._report)

    def search(
        self,
        text: str,
        filters: Filters,
        on_done: Callable[[SearchResult], None],
        order: Order = "relevance",
        *,
        narrow: bool = True,
    ) -> None:
        """Find matches; only the newest search's result is ever delivered: the best page
        ranked, every match counted, its rows without snippets (`snippets` brings them after
        the list is painted). A key typed over a shown list is first answered with the shown
        rows that still match (`exact` False), and the ranked page follows unless another key
        comes. `rank_rest` ranks the others when they are wanted."""
        store = self.store
        if store is None:
            return

        running = self._running_search
        running.interrupt()  # its task was replaced below, so its error is never shown
        self._drop_snippets()
        snippets = not text.strip()  # without words to highlight, rows show their summary
        shown = self._candidates(text, filters, order) if narrow else None
        exact_below = self.exact_below

        def work() -> SearchResult:
            from msguide.store.search import first_page, narrowed_page

            with store.read() as connection, running.using(connection):
                if shown is not None:
                    page = narrowed_page(
                        connection,
                        text,
                        filters,
                        shown.rowids[:PAGE_SIZE],
                        scores=shown.scores,
                        rows=PAGE_SIZE,
                        shown=FIRST_SHOWN,
                        exact_below=exact_below,
                    )
                else:
                    page = first_page(
                        connection,
                        text,
                        filters,
                        order=order,
                        rows=PAGE_SIZE,
                        shown=FIRST_SHOWN,
                        snippets=snippets,
                    )
            return SearchResult(
                text,
                filters,
                tuple(r for r, _ in page.found),
                dict(page.found),
                tuple(page.hits),
                page.total,
                order,
                snippets,
                page.exact,
            )

        def delivered(result: SearchResult) -> None:
            # Only the newest search is delivered, so nothing has been typed since.
            self._shown = result
            if not result.exact:
                # The exact page follows at once; the next key stops it.
                self.search(text, filters, on_done, order, narrow=False)
            on_done(result)

        self._search_task = self.search_lane.submit(work, delivered, self._report)

    def _candidates(self, text: str, filters: Filters, order: Order) -> SearchResult | None:
        """The list on screen, when a key typed over it can first be answered with its rows
        that still match: the same filters and relevance order, and words to search for.
        Ranking every match of a short prefix costs a frame at 10k items; keeping the shown
        rows that still match costs one pass over the matches, and the exact list follows."""
        shown = self._shown
        if (
            shown is None
            or order != "relevance"
            or (shown.filters, shown.order) != (filters, order)
            or not text.strip()
            or text == shown.text
            or not shown.rowids
        ):
            return None
        return shown

    def snippets(self, shown: SearchResult, on_done: Callable[[list[Hit]], None]) -> None:
        """`shown`'s first rows again, with highlighted snippets: asked for once the list is
        painted, dropped (and its query stopped) by the next search."""
        store = self.store
        if store is None:
            return
        rowids = [hit.rowid for hit in shown.first_page]
        running = self._running_snippets

        def work() -> list[Hit]:
            from msguide.store.search import hits

            with store.read() as connection, running.using(connection):
                return hits(connection, rowids, shown.text, shown.scores)

        # A stopped query's error is never shown: a newer search replaced this list.
        self.snippet_lane.submit(work, on_done, lambda _error: None)

    def _drop_snippets(self) -> None:
        pending = self.snippet_lane.current
        if pending is not None and not pending.finished:
            self.snippet_lane.runner.cancel(pending)
        self._running_snippets.interrupt()

    def rank_rest(self, shown: SearchResult, on_done: Callable[[SearchResult], None]) -> None:
        """Every match of `shown`'s search, ranked, for scrolling past its first page. On the
        search lane: a newer search drops it (and stops its query)."""
        store = self.store
        pending = self._search_task
        if store is None or (pending is not None and not pending.finished):
            return  # a newer search is on its way and replaces `shown`
        running = self._running_search
        self.search_lane.submit(partial(self._rank_all, store, shown, running), on_done)

    @staticmethod
    def _rank_all(store: Store, shown: SearchResult, running: _RunningSearch) -> SearchResult:
        from dataclasses import replace

        from msguide.store.search import find

        with store.read() as connection, running.using(connection):
            found = find(connection, shown.text, shown.filters, order=shown.order)
        rowids = tuple(r for r, _ in found)
        return replace(shown, rowids=rowids, scores=dict(found), total=len(rowids))

    def news(self, on_done: Callable[[SearchResult], None]) -> None:
        """All news, newest first, for the news pane (not on the search lane)."""
        store = self.store
        if store is None:
            return

        def work() -> SearchResult:
            from msguide.store.search import find, hits

            filters = Filters(kind="news")
            with store.read() as connection:
                found = find(connection, "", filters, order="newest")
                rowids = tuple(r for r, _ in found)
                page = hits(connection, rowids[:PAGE_SIZE], "", {})
            return SearchResult("", filters, rowids, {}, tuple(page), len(rowids), "newest")

        self.reads.submit(work, on_done, self._report)

    def fetch_hits(
        self,
        rowids: Sequence[int],
        text: str,
        scores: dict[int, float],
        on_done: Callable[[list[Hit]], None],
    ) -> None:
        from_ids = list(rowids)

        def fn(connection: Any) -> list[Hit]:
            from msguide.store.search import hits

            return hits(connection, from_ids, text, scores)

        self._read(fn, on_done)

    def suggest(
        self, text: str, filters: Filters, found: int, on_done: Callable[[str | None], None]
    ) -> None:
        """A better spelling of `text` (msguide.store.suggest), or None."""

        def fn(connection: Any) -> str | None:
            from msguide.store.suggest import better_spelling

            return better_spelling(connection, text, filters, found)

        self._read(fn, on_done)

    def sidebar(self, on_done: Callable[[SidebarData], None]) -> None:
        def fn(connection: Any) -> SidebarData:
            from dataclasses import replace

            from msguide.offline.status import offline_item_count
            from msguide.store.browse import sidebar_data

            return replace(sidebar_data(connection), offline=offline_item_count(connection))

        self._read(fn, on_done)

    def detail(self, rowid: int, on_done: Callable[[ItemDetail | None], None]) -> None:
        def fn(connection: Any) -> ItemDetail | None:
            from msguide.store.browse import item_detail

            return item_detail(connection, rowid)

        self._read(fn, on_done)

    def statuses(self, on_done: Callable[[list[SourceStatus]], None]) -> None:
        store = self.store
        if store is None:
            return

        def work() -> list[SourceStatus]:
            from msguide.store.history import source_statuses

            return source_statuses(store)

        self.reads.submit(work, on_done, self._report)

    def gone_favourites(self, on_done: Callable[[list[GoneFavourite]], None]) -> None:
        """Favourites whose item is no longer in the content, with the titles they last had."""
        store = self.store
        if store is None:
            return

        def work() -> list[GoneFavourite]:
            from msguide.store.favourites import gone_favourites

            return gone_favourites(store)

        self.reads.submit(work, on_done, self._report)

    # --- writes ---------------------------------------------------------------------------

    def _write(self, fn: Callable[[Store], object], signal: Any) -> None:
        store = self.store
        if store is None or self.read_only:
            return

        def work() -> object:
            return fn(store)

        self.writes.submit(work, lambda _r: signal.emit(), self._report)

    def set_favourite(self, source: str, item_id: str, favourite: bool) -> None:
        from msguide.store.userstate import set_favourite

        self._write(lambda s: set_favourite(s, source, item_id, favourite), self.userStateChanged)

    def mark_read(self, keys: list[tuple[str, str]]) -> None:
        from msguide.store.userstate import mark_read

        self._write(lambda s: mark_read(s, keys), self.userStateChanged)

    def mark_all_news_read(self) -> None:
        from msguide.store.userstate import mark_all_news_read

        self._write(mark_all_news_read, self.userStateChanged)

    def record_view(self, source: str, item_id: str) -> None:
        from msguide.store.userstate import record_view

        self._write(lambda s: record_view(s, source, item_id), self.userStateChanged)

    def _report(self, error: BaseException) -> None:
        self.failed.emit(error_sentence(error))
