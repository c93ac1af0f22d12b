"""One current item: the highlighted row of the list the person is working in.

The window has two lists (results and news) and one detail pane. Actions (Enter, Open, Copy
link, Copy number, Ctrl+D) act on the highlighted row of the *active* list: the list that has
focus, or had it last when focus is elsewhere (the search field, the detail pane's buttons).
The detail pane always shows that row, and only the active list shows a highlight, so what a
person sees highlighted, what the detail pane shows and what an action targets are one item.

Detail loads on a worker thread; an action reads the row itself, never the detail pane, so an
Enter pressed before the detail arrives still opens the highlighted row.

An item can also reach the detail pane from outside the lists (a pathway cites it): then no
list is active, neither shows a highlight, and actions act on the item the detail pane shows.
While a pathway fills the detail area, nothing is current and actions do nothing.

F6 moves between the parts of the window without changing what the detail area shows: a list
it passes through while nothing is current (the start card, a pathway) takes the focus with no
row chosen, so the next part still shows what it showed. A key that moves in the list (Down,
Home…) or a click then chooses a row, as usual.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, QObject, Qt
from PySide6.QtGui import QFocusEvent
from PySide6.QtWidgets import QListView

if TYPE_CHECKING:
    from msguide.store.browse import ItemDetail
    from msguide.store.search import Hit
    from msguide.ui.main_window import MainWindow
    from msguide.ui.results import ResultListModel


@dataclass(frozen=True)
class Target:
    """What an action needs of the current item."""

    rowid: int
    source: str
    id: str
    title: str
    url: str | None
    phone: str
    favourite: bool


class CurrentItem(QObject):
    """Keeps the detail pane on the active list's highlighted row (objectName `currentItem`)."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.setObjectName("currentItem")
        self.window = window
        self.results = window.results_view
        self.news = window.news.view
        self._active: QListView | None = self.results  # None: no list (a cited item, a pathway)
        self._cited: int | None = None  # the rowid shown from outside the lists
        self._hit: Hit | None = None  # the row whose detail is shown or on its way
        self._wanted: int | None = None  # the rowid whose detail is on its way
        self._passing = False  # F6 is moving the focus through a list: choose nothing
        # Hiding the news pane hands the detail pane back to the results.
        window.news.visibilityChanged.connect(lambda _visible: self.sync())
        for view in (self.results, self.news):
            view.installEventFilter(self)
            view.selectionModel().currentChanged.connect(
                lambda current, _previous, v=view: self._current_changed(v, current)
            )

    # --- what the person acts on ----------------------------------------------------------

    @property
    def active(self) -> QListView | None:
        """The list actions act on; the news list only while its pane is shown."""
        if self._active is self.news and not self.news.isVisibleTo(self.window):
            return self.results
        return self._active

    def hit(self) -> Hit | None:
        """The highlighted row of the active list, or None when nothing is highlighted."""
        view = self.active
        if view is None:
            return None
        index = view.currentIndex()
        if not index.isValid() or not view.selectionModel().isSelected(index):
            return None
        return _model(view).hit(index.row())

    def target(self) -> Target | None:
        """What Enter, Open, Copy link, Copy number and Ctrl+D act on, or None."""
        hit = self.hit()
        if hit is not None:
            return Target(
                hit.rowid, hit.source, hit.id, hit.title, hit.url, hit.phone, hit.favourite
            )
        shown = self.window.detail.detail
        if self._active is None and shown is not None and shown.rowid == self._cited:
            item = shown.item
            return Target(
                shown.rowid,
                shown.source,
                item.id,
                item.title,
                item.url,
                item.phone,
                shown.favourite,
            )
        return None

    def show_cited(self, rowid: int) -> None:
        """Show an item that is in no list (a pathway cites it); actions then act on it."""
        self.release()
        self._cited = self._wanted = rowid
        self.window.service.detail(rowid, lambda detail: self._loaded(rowid, detail))

    def release(self) -> None:
        """Nothing is current: no list is active and neither shows a highlight (a pathway
        fills the detail area). Focus in a list makes it active again."""
        self._active = None
        self._hit = self._wanted = self._cited = None
        self.sync()

    def forget(self) -> None:
        """Start again from the results list with nothing current (quick hide)."""
        self._active = self.results
        self._hit = self._wanted = self._cited = None

    @contextmanager
    def focus_passing(self) -> Iterator[None]:
        """F6 moves the focus inside this block: when nothing is current, a list that takes
        the focus is left with no current row (Qt would make its first row current, and that
        row would replace the start card or the pathway)."""
        if self.target() is not None:
            yield  # an item is current: the list reached shows its own row, as Tab does
            return
        self._passing = True
        try:
            yield
            for view in (self.results, self.news):
                if view.hasFocus():
                    view.selectionModel().clear()  # no current row, no highlight
        finally:
            self._passing = False

    # --- keeping the detail pane and the highlights in step -------------------------------

    def sync(self) -> None:
        """Highlight the active list's current row (and nothing in the other list) and show it
        in the detail pane; clear the detail pane when no row is current."""
        active = self.active
        for view in (self.results, self.news):
            if view is not active:
                view.selectionModel().clearSelection()  # its current row is kept for later
        if active is None:
            return  # the detail pane shows a cited item, or a pathway covers it
        self._cited = None
        index = active.currentIndex()
        if index.isValid() and not active.selectionModel().isSelected(index):
            active.selectionModel().select(index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        hit = self.hit()
        if hit is None:
            self._hit = self._wanted = None
            if self.window.detail.detail is not None:
                self.window.show_detail(None)
            return
        if hit is self._hit:
            return  # shown, or on its way
        if self._hit is not None and replace(hit, snippet=self._hit.snippet) == self._hit:
            # Only its highlighted snippet arrived (msguide.ui.content.snippets): the detail
            # shown is still the row's, and reloading it could undo a change on its way.
            self._hit = hit
            return
        # A new row, or the same row after its list was refreshed (its text may have changed).
        self._hit = hit
        self._wanted = rowid = hit.rowid
        self.window.service.detail(rowid, lambda detail: self._loaded(rowid, detail))
        if active is self.news:
            self.window.news_shown(hit)

    def _loaded(self, rowid: int, detail: ItemDetail | None) -> None:
        if rowid != self._wanted:
            return  # another row became current (or none) while this one loaded
        self._wanted = None
        hit = self.hit()
        if (hit is not None and hit.rowid == rowid) or (
            self._active is None and rowid == self._cited
        ):
            self.window.show_detail(detail)
        else:
            self.sync()

    def _current_changed(self, view: QListView, current: QModelIndex) -> None:
        if self._passing:
            return
        if view.hasFocus():
            self._active = view
        if view is self.active:
            self.sync()
        elif current.isValid():
            view.selectionModel().clearSelection()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.FocusIn
            and isinstance(watched, QListView)
            and not self._passing
        ):
            assert isinstance(event, QFocusEvent)
            self._active = watched
            first_visit = not watched.currentIndex().isValid() and _model(watched).hits
            if first_visit and event.reason() != Qt.FocusReason.MouseFocusReason:
                # Qt would make the first row current without highlighting it. (A click makes
                # the clicked row current right after this event.)
                watched.setCurrentIndex(_model(watched).index(0))  # and so syncs
            else:
                self.sync()
        return super().eventFilter(watched, event)


def _model(view: QListView) -> ResultListModel:
    from msguide.ui.results import ResultListModel

    model = view.model()
    assert isinstance(model, ResultListModel)
    return model
