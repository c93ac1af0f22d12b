"""How the window's height and width are shared: guidance first.

The sidebar, results and detail get most of the height; the news pane is a strip of a few
items, or folded to one row (its unread count still showing) when the window is too short for
both. Sizes are set after the first layout pass, when the real heights are known (a dock's
size asked for before that is ignored), again whenever the news pane is shown or unfolded,
and a restored layout is checked the same way, so no pane is ever restored too small to use.
On a first start and whenever the text size changes, the sidebar is given the width its labels
need, up to SIDEBAR_CAP of the width (beyond that they wrap: main_window sets word wrap), so
"Contacts & helplines (18)" is not cut to "Contacts & helplines (…" at 200% text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, QTimer
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QApplication, QListView, QStyleOptionViewItem

if TYPE_CHECKING:
    from msguide.ui.main_window import MainWindow

MIN_RESULT_ROWS = 5  # results a person sees at once, at the least
NEWS_ROWS = 3  # the news strip's usual height, in news items
MIN_NEWS_ROWS = 2  # fewer than this and the list is folded away instead
NEWS_SHARE = 0.3  # the most of the shared height the news pane takes when sized by msguide
# The sidebar, results and detail share the width in these proportions. On a first start none
# is narrower than FIRST_CHARS average characters; a layout a person made is kept unless a
# pane is narrower than USABLE_CHARS.
SPLIT = (260, 420, 520)
FIRST_CHARS = (26, 24, 28)
USABLE_CHARS = (12, 20, 24)
SIDEBAR_CAP = 0.36  # the most of the width the sidebar takes to show its labels whole


def row_height(view: QListView) -> int:
    """The height of one row of `view` (its rows are all one height), with or without rows."""
    option = QStyleOptionViewItem()
    option.font = view.font()
    return max(view.itemDelegate().sizeHint(option, QModelIndex()).height(), 1)


class PaneSizer(QObject):
    """Sizes the news pane and the three panes of `window` (made once, in `furnish`)."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.arranged = False
        # Whether the split is msguide's own fit (not one a person dragged or one restored):
        # then it follows the sidebar's labels as they arrive and change.
        self.fitted = False
        window.splitter.splitterMoved.connect(self._moved_by_hand)
        window.sidebar_model.modelReset.connect(self._sidebar_changed)
        window.news.collapsedChanged.connect(lambda _c: self._later(self.size_news))
        window.news.visibilityChanged.connect(self._news_visibility)
        if window.isVisible():
            self._later(self.arrange)
        else:
            window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window and event.type() == QEvent.Type.Show:
            self.window.removeEventFilter(self)
            self._later(self.arrange)
        return False

    def _later(self, job: object) -> None:
        # With this sizer as the context: a window closed and deleted before the next turn of
        # the event loop drops the job, instead of it reaching for a deleted splitter.
        QTimer.singleShot(0, self, job)  # type: ignore[call-overload]

    def _moved_by_hand(self, _pos: int, _index: int) -> None:
        self.fitted = False
        self._wrap_if_narrow()

    def _wrap_if_narrow(self) -> None:
        """Once the sidebar is narrower than its widest label, its labels wrap from then on."""
        from msguide.ui.sidebar_delegate import WrappingDelegate, wrap_labels

        sidebar = self.window.sidebar
        if isinstance(sidebar.itemDelegate(), WrappingDelegate):
            return
        if self.window.splitter.sizes()[0] < self.sidebar_width():
            wrap_labels(sidebar)

    def _sidebar_changed(self) -> None:
        if self.arranged and self.fitted:
            self._later(lambda: self.check_splitter(fit_sidebar=True))
        elif self.arranged:  # a split a person made: labels that no longer fit wrap
            self._later(self._wrap_if_narrow)

    def _news_visibility(self, visible: bool) -> None:
        if visible and self.arranged:
            self._later(self.size_news)

    def arrange(self) -> None:
        """The first layout pass is done: check the splitter, then size the news pane."""
        window = self.window
        layout = window.layout()
        if layout is not None:
            layout.activate()
        self.arranged = True
        self.check_splitter(fit_sidebar=not self._restored_splitter())
        self.size_news(starting=True)

    def zoomed(self) -> None:
        """The text size changed: rows and names take more or less room."""
        if self.arranged:
            self._later(lambda: self.check_splitter(fit_sidebar=True))
            self._later(self.size_news)

    # --- widths ---------------------------------------------------------------------------

    def minimum_widths(self, chars: tuple[int, ...] = USABLE_CHARS) -> list[int]:
        # The application's font: the window's own follows a new text size only later.
        average = max(QFontMetrics(QApplication.font()).averageCharWidth(), 1)
        return [count * average for count in chars]

    def _restored_splitter(self) -> bool:
        state = self.window.state
        return state is not None and state.bytes("splitter") is not None

    def check_splitter(self, *, fit_sidebar: bool = False) -> None:
        """A first split, or a restored one that leaves a pane too narrow to use, is shared
        out again in the usual proportions; with `fit_sidebar`, the sidebar gets the width
        its labels need (up to SIDEBAR_CAP) and the results and details share the rest."""
        splitter = self.window.splitter
        sizes = splitter.sizes()
        width = sum(sizes)
        minimum = self.minimum_widths(USABLE_CHARS if self._restored_splitter() else FIRST_CHARS)
        fits = all(s >= m for s, m in zip(sizes, minimum, strict=True))
        if len(sizes) == len(SPLIT) and fits and not fit_sidebar:
            self._wrap_if_narrow()
            return
        if fit_sidebar:
            cap = min(int(width * SIDEBAR_CAP), width - minimum[1] - minimum[2])
            sidebar = max(min(self.sidebar_width(), cap), minimum[0])
            rest = width - sidebar
            results = max(rest * SPLIT[1] // (SPLIT[1] + SPLIT[2]), minimum[1])
            shares = [sidebar, results, max(rest - results, minimum[2])]
            self.fitted = True
        else:
            shares = [width * part // sum(SPLIT) for part in SPLIT]
            shares = [max(share, m) for share, m in zip(shares, minimum, strict=True)]
            shares[-1] = max(width - sum(shares[:-1]), minimum[-1])
        splitter.setSizes(shares)
        self._wrap_if_narrow()

    def sidebar_width(self) -> int:
        """The sidebar's width with every label whole: its widest row (indent included),
        its frame, and room for the scroll bar it shows when its rows outgrow it."""
        sidebar = self.window.sidebar
        sidebar.doItemsLayout()  # the rows as the new text size lays them out
        scroll_bar = sidebar.style().pixelMetric(sidebar.style().PixelMetric.PM_ScrollBarExtent)
        return sidebar.sizeHintForColumn(0) + 2 * sidebar.frameWidth() + scroll_bar + 4

    # --- heights --------------------------------------------------------------------------

    def size_news(self, *, starting: bool = False) -> None:
        """Give the news pane a strip of about NEWS_ROWS items, never so much that fewer than
        MIN_RESULT_ROWS results show; on a window too short for both, fold its list away
        (only when starting: a person who unfolds it gets the best strip there is)."""
        window, news = self.window, self.window.news
        if not news.isVisible() or news.isFloating():
            return
        vertical = Qt.Orientation.Vertical
        if news.collapsed:
            window.resizeDocks([news], [news.minimumSizeHint().height()], vertical)
            return
        central = window.centralWidget()
        if central is None:
            return
        shared = central.height() + news.height()
        results = window.results_stack
        # What the central area needs beyond the results list itself: the notice, frames.
        central_extra = central.height() - results.height()
        needed = central_extra + MIN_RESULT_ROWS * row_height(window.results_view) + 8
        news_row = row_height(news.view)
        chrome = news.minimumSizeHint().height() - news.view.minimumSizeHint().height()
        chrome += 2 * news.view.frameWidth() + 4
        wanted = min(chrome + NEWS_ROWS * news_row, int(shared * NEWS_SHARE))
        room = shared - needed
        if starting and self._keep_restored(news.height(), wanted, room):
            return
        target = min(wanted, room)
        if target < chrome + MIN_NEWS_ROWS * news_row and starting:
            news.set_collapsed(True)  # resized by the collapsedChanged handler
            return
        window.resizeDocks([news], [max(target, chrome + news_row)], vertical)

    def _keep_restored(self, height: int, wanted: int, room: int) -> bool:
        """Whether the news pane's current (restored) height is one to keep: a person made it
        and it still leaves the results their rows. On a first start it is never kept."""
        if self.window.state is None or self.window.state.bytes("windowState") is None:
            return False
        return wanted // 2 <= height <= max(room, 0)
