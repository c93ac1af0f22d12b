"""The main window: search field, sidebar, result list, detail pane, news pane and status bar."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6 import QtCore
from PySide6.QtCore import QEvent, QModelIndex, QObject, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QFont, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QSizePolicy,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from msguide.ui.handle_names import name_size_grip, name_splitter_handles
from msguide.ui.icon_size import icons_follow_text
from msguide.ui.status_bar import StatusBar
from msguide.ui.widgets import plain_label

# The Qt namespace is reached as `QtCore.Qt` at call time: building its 93 Python enums costs
# 25-45 ms, which the shell must not pay before its first paint.
# Only the search bar and status bar are built before the first paint; the panes, their
# models and the store layer load in `furnish()` (see msguide.ui.app.run).
if TYPE_CHECKING:
    from msguide.services import OpenedStore
    from msguide.settings import Settings
    from msguide.store.browse import ItemDetail, SidebarData
    from msguide.store.favourites import GoneFavourite
    from msguide.store.history import SourceStatus
    from msguide.store.search import Filters, Hit
    from msguide.ui.content import ContentService, SearchResult
    from msguide.ui.detail import DetailView
    from msguide.ui.news import NewsDock
    from msguide.ui.offlining import OfflineUi
    from msguide.ui.results import ResultListModel
    from msguide.ui.sidebar import SidebarModel
    from msguide.ui.state import UiState
    from msguide.ui.syncing import SyncUi

ZOOM_STEPS = (50, 67, 80, 90, 100, 110, 125, 150, 175, 200, 250, 300)
VIEW_RECORD_DELAY_MS = 1500
SETTLE_FALLBACK_MS = 1000
SEARCH_PLACEHOLDER = "Search guidance, contacts and news (Ctrl+F)"
CONTENT_GAP = 16  # px between the status bar's result count and its content line


class MainWindow(QMainWindow):
    """The window a practitioner uses. Talks to the store only through `ContentService`.

    Built in two steps so the search field paints at once: the constructor makes the search
    bar and status bar; `furnish(service)` adds everything else (the constructor calls it when
    given a service). `resultsShown` is emitted after each search result reaches the list
    (tests wait on it).
    """

    resultsShown = Signal()
    detailShown = Signal()
    sidebarShown = Signal()
    statusShown = Signal()
    startupSettled = Signal()

    def __init__(
        self,
        service: ContentService | None,
        state: UiState | None = None,
        settings: Settings | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.state = state
        self.settings = settings
        self.furnished = False
        self.settled = False
        self.setObjectName("mainWindow")
        # Only the app's name: Qt adds nothing to a title that ends with it, and the taskbar
        # and Alt+Tab say no more than that about what the person is reading.
        self.setWindowTitle("msguide")
        self.setAccessibleName("msguide")
        self.sidebar_key = state.text("sidebar", "all") if state else "all"
        self.base_point_size = QApplication.font().pointSizeF()
        self.zoom = 100
        self.helpline: tuple[str, str] | None = None
        self._focus_results_on_arrival = False
        self._gone_stale = True  # favourites no longer in the content: read them again
        self._view_timer = QTimer(self)
        self._view_timer.setSingleShot(True)
        self._view_timer.setInterval(VIEW_RECORD_DELAY_MS)
        self._view_timer.timeout.connect(self._record_view)

        self._build_search()
        self._build_opening()
        self._restore_geometry()
        self.set_zoom(self._saved_zoom(), save=False)
        if service is not None:
            self.furnish(service)

    def furnish(self, service: ContentService, settings: Settings | None = None) -> None:
        """Build the panes, menus and tools, and connect them to `service` (once)."""
        if self.furnished:
            return
        if settings is not None:
            self.settings = settings
        from msguide.ui.admin import install_admin_tools  # issue 5: import, history, settings…
        from msguide.ui.expiry_notice import ExpiryNotices
        from msguide.ui.focus_ring import install_focus_rings
        from msguide.ui.offlining import OfflineUi
        from msguide.ui.pane_sizes import PaneSizer
        from msguide.ui.pathways import install_pathways
        from msguide.ui.practice import install_practice_tools
        from msguide.ui.syncing import SyncUi
        from msguide.ui.tab_order import apply_tab_order

        self.service = service
        self._build_status()
        self._build_panes()
        self._register_panes()
        self._build_actions()
        self._connect()
        self._restore_panes()
        self.pane_sizer = PaneSizer(self)
        self.furnished = True
        zoom = self.zoom
        self.set_zoom(self._saved_zoom(), save=False)
        if self.sized_afresh and self.zoom > zoom:  # first start, larger text in the settings
            from msguide.ui.geometry import resize_afresh

            resize_afresh(self, self.zoom)
        if self.settings is not None:
            self.news.setVisible(bool(self.settings.get("ui.show_news")))
        self.news_toggle.triggered.connect(self._news_toggled)
        self.sync_ui: SyncUi = SyncUi(self)
        self.search_bar.addAction(self.sync_ui.action)
        # A tool bar's own buttons take no focus: Tab reached Hide beside it, never this one.
        self.sync_button = self.search_bar.widgetForAction(self.sync_ui.action)
        self.sync_button.setObjectName("syncButton")
        self.sync_button.setFocusPolicy(QtCore.Qt.FocusPolicy.TabFocus)
        self.file_menu.insertAction(self.quit_action, self.sync_ui.action)
        self.file_menu.insertSeparator(self.quit_action)
        self.offline_ui: OfflineUi = OfflineUi(self)
        self.expiry_notices = ExpiryNotices(
            self.show_notice,
            self.withdraw_notice,
            lambda: not self.service.read_only and bool(self.sync_ui.sources()),
        )
        self.pathway_ui = install_pathways(self)  # issue 17: "What to do now"
        install_admin_tools(self)
        # issue 17: spelling, favourites file, print, copy as text
        self.practice = install_practice_tools(self)
        self.focus_rings = install_focus_rings(self)
        apply_tab_order(self)  # last: panes moved into place above change the tab chain

    # --- construction ---------------------------------------------------------------------

    def _build_search(self) -> None:
        bar = QToolBar("Search")
        self.search_bar = bar
        bar.setObjectName("searchBar")
        bar.setAccessibleName("Search bar")
        bar.setMovable(False)
        bar.setFloatable(False)
        self.addToolBar(bar)
        self.search_field = QLineEdit()
        self.search_field.setObjectName("searchField")
        self.search_field.setPlaceholderText(SEARCH_PLACEHOLDER)
        self.search_field.setAccessibleName("Search")
        self.search_field.setAccessibleDescription(
            "Type words to search titles, summaries, text, tags and publishers. "
            "Press Down to move to the results, Escape to clear."
        )
        self.search_field.setClearButtonEnabled(True)
        # Qt's clear button has no text, so a screen reader met an unnamed button there; its
        # action's text is the button's name (and its tooltip).
        clear = self.search_field.findChild(QAction, "_q_qlineeditclearaction")
        if clear is not None:
            clear.setText("Clear the search")
            clear.setToolTip("Clear the search (Escape)")
        self.search_field.setMinimumWidth(280)
        bar.addWidget(self.search_field)
        self.hide_button = QToolButton()
        self.hide_button.setObjectName("quickHideButton")
        bar.addWidget(self.hide_button)

    def _build_panes(self) -> None:
        from PySide6.QtWidgets import (
            QAbstractItemView,
            QListView,
            QSplitter,
            QStackedWidget,
            QTreeView,
        )

        from msguide.ui.detail import DetailView
        from msguide.ui.gone_favourites import GoneFavourites
        from msguide.ui.news import NewsDock
        from msguide.ui.results import ResultDelegate, ResultListModel
        from msguide.ui.sidebar import SidebarModel

        # Selectable, so it takes the focus: F6 brings a screen reader to what it says (its
        # Dismiss button alone says nothing of it), and its text can be copied.
        self.notice = plain_label("noticeBar", selectable=True)
        self.notice.setFocusPolicy(QtCore.Qt.FocusPolicy.StrongFocus)
        self.notice.setAccessibleDescription("Notice")
        self.notice.setFrameShape(QLabel.Shape.StyledPanel)
        self.notice.setMargin(6)
        self.notice.hide()
        self.notice_close = QToolButton()
        self.notice_close.setObjectName("noticeClose")
        self.notice_close.setText("Dismiss")
        self.notice_close.setAccessibleName("Dismiss notice")
        self.notice_close.setAccessibleDescription("Hide the notice above the results")
        self.notice_close.hide()

        self.sidebar_model: SidebarModel = SidebarModel(self)
        self.sidebar = QTreeView()
        self.sidebar.setObjectName("sidebar")
        self.sidebar.setAccessibleName("Browse")
        self.sidebar.setAccessibleDescription(
            "Choose what to list: everything, favourites, recently viewed, contacts, news, "
            "an audience or a category. Searches look within the chosen entry."
        )
        self.sidebar.setModel(self.sidebar_model)
        self.sidebar.setHeaderHidden(True)
        self.sidebar.setRootIsDecorated(False)
        self.sidebar.setItemsExpandable(False)
        # Labels wider than the sidebar's share wrap, never cut (msguide.ui.pane_sizes makes
        # them wrap when the sidebar first turns out too narrow for them).

        self.results_model: ResultListModel = ResultListModel(self.service, self)
        self.results_view = QListView()
        self.results_view.setObjectName("resultsView")
        self.results_view.setAccessibleName("Results")
        self.results_view.setModel(self.results_model)
        self.results_view.setItemDelegate(ResultDelegate(self.results_view))
        self.results_view.setUniformItemSizes(True)
        self.results_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.results_view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.empty_state = plain_label("emptyState", selectable=True)
        self.empty_state.setAlignment(
            QtCore.Qt.AlignmentFlag.AlignTop | QtCore.Qt.AlignmentFlag.AlignLeft
        )
        self.empty_state.setMargin(12)
        self.results_stack = QStackedWidget()
        self.results_stack.setObjectName("resultsStack")
        self.results_stack.setAccessibleName("Results area")
        self.empty_state.setAccessibleDescription("No results")
        self.results_stack.addWidget(self.results_view)
        self.results_stack.addWidget(self.empty_state)

        self.detail: DetailView = DetailView()
        self.splitter = QSplitter(QtCore.Qt.Orientation.Horizontal)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.setAccessibleName("Browse, results and details")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.sidebar)
        # Under the results: favourites whose item has gone (only in the Favourites view).
        self.gone_favourites = GoneFavourites(self._remove_gone_favourite)
        self.results_column = QWidget()
        self.results_column.setObjectName("resultsColumn")
        column = QVBoxLayout(self.results_column)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.results_stack, 1)
        column.addWidget(self.gone_favourites)
        self.splitter.addWidget(self.results_column)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setStretchFactor(2, 3)
        self.splitter.setSizes([260, 420, 520])
        name_splitter_handles(self.splitter)

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        # The notice and its Dismiss button, clear of the window's edges as the news pane is
        # (the button sat on the edge); hidden, the area takes no room at all.
        self.notice_area = QWidget()
        self.notice_area.setObjectName("noticeArea")
        notice_row = QHBoxLayout(self.notice_area)
        notice_row.setContentsMargins(4, 4, 4, 4)
        notice_row.addWidget(self.notice, 1)
        notice_row.addWidget(self.notice_close)
        self.notice_area.hide()
        layout.addWidget(self.notice_area)
        layout.addWidget(self.splitter, 1)
        self.setCentralWidget(central)

        self.news: NewsDock = NewsDock(self.service, self)
        # Its height is set once the window is laid out (msguide.ui.pane_sizes).
        self.addDockWidget(QtCore.Qt.DockWidgetArea.BottomDockWidgetArea, self.news)

    def _build_opening(self) -> None:
        # Our own text only, so no plain_label (its Qt enums are not built yet) and no
        # alignment flag: stretches centre the line.
        opening = QLabel("Opening your content…")
        opening.setObjectName("openingPlaceholder")
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(opening)
        row.addStretch(1)
        placeholder = QWidget()
        column = QVBoxLayout(placeholder)
        column.addStretch(1)
        column.addLayout(row)
        column.addStretch(1)
        self.setCentralWidget(placeholder)
        status = StatusBar()  # its messages are cut with "…" where they do not fit
        status.setObjectName("statusBar")
        status.setAccessibleName("Status")
        self.setStatusBar(status)
        name_size_grip(status)

    def _build_status(self) -> None:
        from msguide.ui.elided_label import ElidedLabel

        status = self.statusBar()
        # Both give way to a narrow window (cut with "…", the whole text in the tooltip). The
        # count keeps its whole width ("Did you mean …" is part of it); the content's line
        # takes what is left, in its compact form where the whole does not fit.
        self.count_label = ElidedLabel("resultCount")
        self.count_label.setAccessibleDescription("Number of results")
        self.content_label = ElidedLabel("contentStatus")
        self.content_label.setAccessibleDescription("Content loaded")
        self.content_label.setText("Opening your content…")
        self.content_label.setSizePolicy(
            QSizePolicy.Policy.Ignored, self.content_label.sizePolicy().verticalPolicy()
        )
        self.content_label.setContentsMargins(CONTENT_GAP, 0, 0, 0)  # not run into the count
        # Neither is permanent: a message (show_message) is painted left of the first
        # permanent widget, and takes the place of these two while it shows. With the content
        # line permanent, it took the whole bar and the messages were never seen.
        status.addWidget(self.count_label)
        status.addWidget(self.content_label, 1)

    def _action(
        self,
        text: str,
        shortcuts: list[str] | QKeySequence.StandardKey,
        handler: Callable[[], Any],
        tip: str = "",
    ) -> QAction:
        action = QAction(text, self)
        if isinstance(shortcuts, QKeySequence.StandardKey):
            action.setShortcuts(shortcuts)
        else:
            action.setShortcuts([QKeySequence(s) for s in shortcuts])
        action.setShortcutContext(QtCore.Qt.ShortcutContext.WindowShortcut)
        if tip:
            action.setStatusTip(tip)
            action.setToolTip(tip)
        action.triggered.connect(handler)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        from msguide.ui.quick_hide import QuickHide

        a = self._action
        self.find_action = a(
            "&Search", ["Ctrl+F", "Ctrl+K"], self.focus_search, "Move to the search field"
        )
        self.open_action = a("&Open link", [], self.open_current, "Open the link in your browser")
        self.copy_action = a(
            "&Copy link", ["Ctrl+Shift+C"], self.copy_link, "Copy the chosen item's link"
        )
        self.favourite_action = a(
            "Toggle &favourite",
            ["Ctrl+D"],
            self.toggle_favourite,
            "Add the chosen item to Favourites, or remove it",
        )
        self.zoom_in_action = a(
            "Zoom &in", ["Ctrl+=", "Ctrl++"], lambda: self.step_zoom(1), "Make the text larger"
        )
        self.zoom_out_action = a(
            "Zoom &out", ["Ctrl+-"], lambda: self.step_zoom(-1), "Make the text smaller"
        )
        self.zoom_reset_action = a(
            "&Normal size", ["Ctrl+0"], lambda: self.set_zoom(100), "Reset the text size"
        )
        self.help_action = a(
            "&Keyboard shortcuts", ["F1"], self.show_shortcuts, "List every keyboard shortcut"
        )
        self.hide_action = a(
            "&Quick hide",
            ["Ctrl+Shift+H"],
            self.quick_hide,
            "Hide every msguide window at once and clear what it showed",
        )
        self.quick_hider = QuickHide(self, self.hide_action)
        self.quit_action = a("&Quit", ["Ctrl+Q"], self.close, "Close msguide")
        self.mark_read_action = a(
            "Mark all news &read",
            [],
            self.service.mark_all_news_read,
            "Mark every news item as read",
        )
        self.next_pane_action = a(
            "Next &pane", ["F6"], lambda: self.cycle_focus(1), "Move to the next part of the window"
        )
        self.previous_pane_action = a(
            "Pre&vious pane",
            ["Shift+F6"],
            lambda: self.cycle_focus(-1),
            "Move to the previous part of the window",
        )
        self.go_actions: list[QAction] = []
        for number, (key, label, extra) in enumerate(
            (
                ("all", "&All", []),
                ("favourites", "&Favourites", []),
                ("recent", "&Recently viewed", []),
                ("contacts", "&Contacts && helplines", ["F2"]),
                ("news", "&News", []),
            ),
            start=1,
        ):
            action = a(
                label,
                [f"Ctrl+{number}", *extra],
                self._chooser(key),
                f"Show {label.replace('&', '').lower()}",
            )
            self.go_actions.append(action)
        self.news_toggle = self.news.toggleViewAction()
        self.news_toggle.setShortcut(QKeySequence("Ctrl+Shift+N"))

        self.hide_button.setDefaultAction(self.hide_action)
        self.hide_button.setText("Hide")
        self.hide_button.setAccessibleName("Quick hide")

        menus = self.menuBar()
        menus.setObjectName("menuBar")
        menus.setAccessibleName("Menu bar")
        self.file_menu = menus.addMenu("&File")
        self.file_menu.setObjectName("fileMenu")
        self.file_menu.setAccessibleName("File menu")
        self.file_menu.addAction(self.quit_action)
        edit = menus.addMenu("&Edit")
        for action in (self.find_action, self.copy_action, self.favourite_action):
            edit.addAction(action)
        view = menus.addMenu("&View")
        for action in (self.zoom_in_action, self.zoom_out_action, self.zoom_reset_action):
            view.addAction(action)
        view.addSeparator()
        view.addAction(self.news_toggle)
        view.addAction(self.mark_read_action)
        go = menus.addMenu("&Go")
        for action in self.go_actions:
            go.addAction(action)
        go.addSeparator()
        go.addAction(self.next_pane_action)
        go.addAction(self.previous_pane_action)
        go.addAction(self.hide_action)
        self.help_menu = menus.addMenu("&Help")
        self.help_menu.setObjectName("helpMenu")
        self.help_menu.setAccessibleName("Help menu")
        self.help_menu.addAction(self.help_action)

    def _connect(self) -> None:
        from msguide.ui.current_item import CurrentItem

        service = self.service
        service.ready.connect(self._store_ready)
        service.openFailed.connect(self._store_failed)
        service.contentChanged.connect(self.refresh_all)
        service.userStateChanged.connect(self._user_state_changed)
        service.failed.connect(self.show_message)
        self.search_field.textChanged.connect(self.run_search)
        self.search_field.installEventFilter(self)
        self.results_view.installEventFilter(self)
        self.news.view.installEventFilter(self)
        self.sidebar.selectionModel().currentChanged.connect(self._sidebar_changed)
        self.current_item = CurrentItem(self)  # what the detail pane shows and actions target
        self.results_view.doubleClicked.connect(lambda _i: self.open_current())
        self.news.view.doubleClicked.connect(lambda _i: self.open_current())
        self.news.mark_all.clicked.connect(self.service.mark_all_news_read)
        self.detail.openRequested.connect(self.open_current)
        self.detail.copyRequested.connect(self.copy_link)
        self.detail.copyNumberRequested.connect(self.copy_number)
        self.detail.favouriteToggled.connect(self._favourite_toggled)
        # A number's Details: the item it comes from, which actions then act on.
        self.detail.start_card.contactChosen.connect(self.current_item.show_cited)
        self.notice_close.clicked.connect(self._dismiss_notice)

    # --- store lifecycle ------------------------------------------------------------------

    def _store_ready(self, opened: OpenedStore) -> None:
        for notice in opened.notices:
            self.show_notice(notice)
        if self.settings is not None:
            for problem in [*self.settings.policy.problems, *self.settings.problems]:
                self.show_notice(problem)
        self.refresh_all()
        # Updates and offline documents get going once the first results are on screen (or
        # after a moment if they never come): a person looks for guidance first.
        self.resultsShown.connect(self._first_results_shown)
        QTimer.singleShot(SETTLE_FALLBACK_MS, self._settle)

    def _first_results_shown(self) -> None:
        from msguide.ui.first_paint import after_first_paint

        self.resultsShown.disconnect(self._first_results_shown)
        shown = self.results_stack.currentWidget()
        target = self.results_view.viewport() if shown is self.results_view else shown
        if target is None:
            self._settle()
        else:
            after_first_paint(target, self._settle, SETTLE_FALLBACK_MS)

    def _settle(self) -> None:
        if self.settled:
            return
        self.settled = True
        self.sync_ui.store_ready()
        self.offline_ui.store_ready()
        self.startupSettled.emit()

    def _store_failed(self, message: str) -> None:
        self.empty_state.setText(
            f"msguide could not open your content.\n\n{message}\n\n"
            "Nothing has been deleted. If this keeps happening, Help ▸ Diagnostics shows what "
            "to tell your IT team."
        )
        self.results_stack.setCurrentWidget(self.empty_state)
        self.content_label.setText("No content loaded")

    def refresh_all(self) -> None:
        self._gone_stale = True
        self.service.sidebar(self._sidebar_loaded)
        self.run_search()
        self.refresh_news()
        self.service.statuses(self._statuses_loaded)

    def refresh_news(self) -> None:
        self.service.news(self._news_loaded)

    def _user_state_changed(self) -> None:
        self._gone_stale = True
        self.service.sidebar(self._sidebar_loaded)
        self.refresh_news()
        if self.sidebar_key in ("favourites", "recent"):
            self.run_search()

    # --- sidebar --------------------------------------------------------------------------

    def _sidebar_loaded(self, data: SidebarData) -> None:
        self.helpline = data.helpline
        self.detail.start_card.set_contacts(data.pinned_contacts)
        self.sidebar.selectionModel().currentChanged.disconnect(self._sidebar_changed)
        self.sidebar_model.set_data(data)
        self.sidebar.expandAll()
        index = self.sidebar_model.index_for_key(self.sidebar_key)
        if not index.isValid():
            self.sidebar_key = "all"
            index = self.sidebar_model.index_for_key("all")
        self.sidebar.setCurrentIndex(index)
        self.sidebar.selectionModel().currentChanged.connect(self._sidebar_changed)
        self.news.set_unread(data.unread_news)
        self.sidebarShown.emit()

    def _sidebar_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        from msguide.ui.sidebar import FiltersRole, KeyRole

        key = current.data(KeyRole)
        if not isinstance(key, str) or current.data(FiltersRole) is None:
            return
        self.sidebar_key = key
        self.run_search()

    def _chooser(self, key: str) -> Callable[[], None]:
        return lambda: self.choose_view(key)

    def choose_view(self, key: str) -> None:
        """F2 and Ctrl+1…5: the whole view, as a worker expects (all contacts, the helpline
        among them), so a search typed earlier is cleared, and the status bar says so."""
        typed = self.search_field.text().strip()
        if typed:
            self.search_field.blockSignals(True)
            self.search_field.clear()
            self.search_field.blockSignals(False)
        self.choose_sidebar(key, focus_results=True)
        if typed:
            self.show_message(
                f"Search “{typed}” cleared: showing all of {self.current_sidebar_label()}."
            )

    def choose_sidebar(self, key: str, *, focus_results: bool = False) -> None:
        index = self.sidebar_model.index_for_key(key)
        if index.isValid():
            # Focus moves when the new list has arrived, so no stale row gets chosen.
            self._focus_results_on_arrival = focus_results
            if key == self.sidebar_key:
                self.run_search()
            self.sidebar.setCurrentIndex(index)

    def current_filters(self) -> Filters:
        from msguide.store.search import Filters
        from msguide.ui.sidebar import FiltersRole

        index = self.sidebar_model.index_for_key(self.sidebar_key)
        filters = index.data(FiltersRole) if index.isValid() else None
        return filters if isinstance(filters, Filters) else Filters()

    def current_sidebar_label(self) -> str:
        node = self.sidebar_model.root.find(self.sidebar_key)
        return node.label if node is not None else "All"

    # --- searching ------------------------------------------------------------------------

    def run_search(self) -> None:
        self.service.search(self.search_field.text(), self.current_filters(), self._results_arrived)

    def _results_arrived(self, result: SearchResult) -> None:
        from msguide.ui.announce import set_spoken_text

        current = self.results_model.hit(self.results_view.currentIndex().row())
        self.results_model.set_result(result)
        total = self.results_model.total
        where = self.current_sidebar_label()
        typed = result.text.strip()
        found = f" for “{typed}” in {where}" if typed else f" in {where}"
        if total == 0:
            self.results_stack.setCurrentWidget(self.empty_state)
            self.empty_state.setText(self._empty_text(result.text, where))
            set_spoken_text(self.count_label, "No results" + found)
        else:
            self.results_stack.setCurrentWidget(self.results_view)
            noun = "result" if total == 1 else "results"
            set_spoken_text(self.count_label, f"{total} {noun}{found}")
            if current is not None:
                row = self.results_model.row_of(current.rowid)
                if row >= 0:
                    self.results_view.setCurrentIndex(self.results_model.index(row))
        self.results_view.setAccessibleDescription(self.count_label.text())
        if self._focus_results_on_arrival:
            self._focus_results_on_arrival = False
            # An empty list is hidden: the text saying why takes the focus, and is read out.
            shown = self.results_view if total else self.empty_state
            shown.setFocus(QtCore.Qt.FocusReason.ShortcutFocusReason)
            if total:
                self.results_view.setCurrentIndex(self.results_model.index(0))
        self.current_item.sync()
        if self.sidebar_key != "favourites":
            self.gone_favourites.show_gone([], after=self.empty_state)
            self._gone_stale = True  # read again when Favourites is chosen again
        elif self._gone_stale:  # not on every key typed: finding their titles reads feeds
            self._gone_stale = False
            self.service.gone_favourites(self._gone_favourites_loaded)
        self.resultsShown.emit()

    def _gone_favourites_loaded(self, gone: list[GoneFavourite]) -> None:
        if self.sidebar_key != "favourites":
            return  # another view was chosen while they loaded
        self.gone_favourites.show_gone(gone, after=self.empty_state)
        if gone and self.results_stack.currentWidget() is self.empty_state:
            self.empty_state.setText(
                self._empty_text(self.search_field.text(), self.current_sidebar_label())
            )

    def _remove_gone_favourite(self, gone: GoneFavourite) -> None:
        from msguide.ui.gone_favourites import shown_name

        if self.service.read_only:
            self.show_message("Favourites cannot be saved: the content is open read-only.")
            return
        self.service.set_favourite(gone.source, gone.id, False)
        self.show_message(f"Removed “{shown_name(gone)}” from Favourites.")

    def _empty_text(self, text: str, where: str) -> str:
        if text.strip():
            lines = [
                f"No results for “{text.strip()}” in {where}.",
                "Try fewer or shorter words, check the spelling, or search in All.",
            ]
        elif self.sidebar_key == "favourites" and self.gone_favourites.rows:
            lines = [
                "None of your favourites is in the current content. They are listed below, "
                "and come back if their items do."
            ]
        elif self.sidebar_key == "favourites":
            lines = [
                "You have no favourites yet.",
                "Choose an item and press Ctrl+D (or its Favourite button) to keep it here.",
            ]
        elif self.sidebar_key == "recent":
            lines = ["Nothing viewed yet. Items you open appear here."]
        else:
            lines = [f"There is nothing in {where} yet."]
        if self.helpline is not None:
            name, phone = self.helpline
            lines += ["", f"Need advice now? {name}: {phone}"]
        return "\n".join(lines)

    # --- detail ---------------------------------------------------------------------------

    def news_shown(self, hit: Hit) -> None:
        """A news item reached the detail pane: it counts as read."""
        if not hit.read:
            self.news.model.update_hit(hit.rowid, read=True)
            self.service.mark_read([(hit.source, hit.id)])

    def show_detail(self, detail: ItemDetail | None) -> None:
        self.detail.show_detail(detail)
        if detail is not None:
            self._view_timer.start()
        self.detailShown.emit()

    def _record_view(self) -> None:
        detail = self.detail.detail
        if detail is not None:
            self.service.record_view(detail.source, detail.item.id)

    # Actions read the highlighted row of the active list (see msguide.ui.current_item).

    def open_current(self) -> None:
        target = self.current_item.target()
        if target is None:
            return
        from msguide.ui.links import open_link

        if open_link(target.url, self):
            self.service.record_view(target.source, target.id)

    def copy_link(self) -> None:
        target = self.current_item.target()
        if target is not None and target.url:
            from msguide.ui.links import copy_text

            copy_text(target.url)
            self.show_message(f"Copied the link to {target.title}.")

    def copy_number(self) -> None:
        target = self.current_item.target()
        if target is not None and target.phone:
            from msguide.ui.links import copy_text

            copy_text(target.phone)
            self.show_message(f"Copied {target.phone} ({target.title}).")

    def toggle_favourite(self) -> None:
        target = self.current_item.target()
        if target is not None:
            self._favourite_toggled(not target.favourite)

    def _favourite_toggled(self, favourite: bool) -> None:
        target = self.current_item.target()
        if target is None:
            return
        detail = self.detail.detail
        shown = detail is not None and detail.rowid == target.rowid
        if self.service.read_only:
            self.show_message("Favourites cannot be saved: the content is open read-only.")
            if shown:
                self.detail.set_favourite(target.favourite)
            return
        if shown:
            self.detail.set_favourite(favourite)
        self.results_model.update_hit(target.rowid, favourite=favourite)
        self.news.model.update_hit(target.rowid, favourite=favourite)
        self.service.set_favourite(target.source, target.id, favourite)
        self.show_message(
            f"{'Added' if favourite else 'Removed'} “{target.title}” "
            f"{'to' if favourite else 'from'} Favourites."
        )

    # --- news and status ------------------------------------------------------------------

    def _news_loaded(self, result: SearchResult) -> None:
        current = self.news.model.hit(self.news.view.currentIndex().row())
        self.news.model.set_result(result)
        row = self.news.model.row_of(current.rowid) if current is not None else -1
        if row >= 0:
            self.news.view.setCurrentIndex(self.news.model.index(row))
        self.current_item.sync()
        unread = sum(1 for h in result.first_page if not h.read)
        if len(result.rowids) <= len(result.first_page):
            self.news.set_unread(unread)

    def _statuses_loaded(self, statuses: list[SourceStatus]) -> None:
        from msguide.ui.content_status import content_status

        text, compact = content_status(statuses, read_only=self.service.read_only)
        self.content_label.setText(text, compact=compact)
        self.expiry_notices.update(statuses)
        self.statusShown.emit()

    def show_message(self, message: str) -> None:
        from msguide.ui.announce import announce

        self.statusBar().showMessage(message, 8000)
        announce(self.statusBar(), message)  # a status-bar message alone is never read out

    def show_notice(self, message: str) -> None:
        from msguide.ui.announce import announce

        existing = self.notice.text()
        self.notice.setText(f"{existing}\n{message}" if existing else message)
        announce(self.notice, message)
        self.notice.show()
        self.notice_close.show()
        self.notice_area.show()

    def withdraw_notice(self, message: str) -> None:
        """Take one notice away (what it said is no longer true); the rest stay."""
        lines = self.notice.text().split("\n")
        if message not in lines:
            return
        lines.remove(message)
        if lines:
            self.notice.setText("\n".join(lines))
        else:
            self._dismiss_notice()

    def _dismiss_notice(self) -> None:
        self.notice.clear()
        self.notice.hide()
        self.notice_close.hide()
        self.notice_area.hide()

    # --- keyboard -------------------------------------------------------------------------

    def focus_search(self) -> None:
        self.search_field.setFocus(QtCore.Qt.FocusReason.ShortcutFocusReason)
        self.search_field.selectAll()

    def quick_hide(self) -> None:
        self.quick_hider.hide_now()

    def cycle_focus(self, step: int) -> None:
        """F6 (step 1) and Shift+F6 (step -1): the next or previous part of the window. What
        the detail area shows stays (msguide.ui.current_item)."""
        with self.current_item.focus_passing():
            self.panes.move(step)

    def _register_panes(self) -> None:
        from msguide.ui.pane_cycle import PaneCycle, first_focusable

        self.panes = PaneCycle()
        self.panes.register("search", self.search_bar, lambda: self.search_field)
        # Its text first, then Dismiss (Tab); hidden, it is skipped.
        self.panes.register(
            "notice", self.notice_area, lambda: first_focusable([self.notice, self.notice_close])
        )
        self.panes.register("sidebar", self.sidebar, lambda: self.sidebar)
        self.panes.register("results", self.results_column, self.results_stack.currentWidget)
        self.panes.register("details", self.detail, self.detail.focus_target)
        news = self.news
        self.panes.register(
            "news",
            news,
            lambda: first_focusable([news.view, news.list_toggle]) if news.isVisible() else None,
        )

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress:
            return super().eventFilter(watched, event)
        assert isinstance(event, QKeyEvent)
        key = event.key()
        if watched is self.search_field:
            if key == QtCore.Qt.Key.Key_Escape and self.search_field.text():
                self.search_field.clear()
                return True
            if key == QtCore.Qt.Key.Key_Down and self.results_model.rowCount() > 0:
                self.results_view.setFocus(QtCore.Qt.FocusReason.TabFocusReason)
                if not self.results_view.currentIndex().isValid():
                    self.results_view.setCurrentIndex(self.results_model.index(0))
                return True
            if (
                key in (QtCore.Qt.Key.Key_Return, QtCore.Qt.Key.Key_Enter)
                and self.results_model.rowCount()
            ):
                self.results_view.setFocus(QtCore.Qt.FocusReason.TabFocusReason)
                self.results_view.setCurrentIndex(self.results_model.index(0))
                return True
        elif watched in (self.results_view, self.news.view):
            if key in (QtCore.Qt.Key.Key_Return, QtCore.Qt.Key.Key_Enter):
                self.open_current()
                return True
            if (
                watched is self.results_view
                and key == QtCore.Qt.Key.Key_Up
                and self.results_view.currentIndex().row() <= 0
            ):
                self.focus_search()
                return True
        return super().eventFilter(watched, event)

    def show_shortcuts(self) -> None:
        from msguide.ui.shortcuts import ShortcutsDialog

        ShortcutsDialog(self.shortcut_actions(), self).exec()

    def shortcut_actions(self) -> list[QAction]:
        """The window's actions, then those only in its menus (View ▸ News pane's
        Ctrl+Shift+N is the news pane's own action): F1 lists them all."""
        actions = self.actions()
        for menu in self.menuBar().findChildren(QMenu):
            actions += [a for a in menu.actions() if a not in actions]
        return actions

    def _news_toggled(self, visible: bool) -> None:
        """View ▸ News pane is the same choice as the setting, so the two never disagree."""
        settings = self.settings
        if settings is None or settings.is_locked("ui.show_news"):
            return
        from msguide.errors import MsguideError

        try:
            settings.set("ui.show_news", visible)
            settings.save()
        except MsguideError as error:
            self.show_message(str(error))

    # --- zoom -----------------------------------------------------------------------------

    def step_zoom(self, direction: int) -> None:
        steps = [z for z in ZOOM_STEPS if (z > self.zoom if direction > 0 else z < self.zoom)]
        if steps:
            self.set_zoom(steps[0] if direction > 0 else steps[-1])

    def _saved_zoom(self) -> int:
        """The text size from the settings (which IT policy may fix), else the one the window
        last showed: the shell paints before the settings are read."""
        if self.settings is not None:
            return int(self.settings.get("ui.zoom_percent"))
        return self.state.number("zoom", 100) if self.state is not None else 100

    def set_zoom(self, percent: int, *, save: bool = True) -> None:
        if self.settings is not None and self.settings.is_locked("ui.zoom_percent") and save:
            self.show_message("The text size is set by your IT policy.")
            return
        percent = max(ZOOM_STEPS[0], min(ZOOM_STEPS[-1], percent))
        self.zoom = percent
        font = QFont(QApplication.font())
        font.setPointSizeF(self.base_point_size * percent / 100)
        QApplication.setFont(font)
        if self.state is not None:
            self.state.set_number("zoom", percent)
        if self.furnished:
            self.detail.apply_fonts()
            for view in (self.results_view, self.news.view, self.sidebar):
                view.setFont(font)
                view.doItemsLayout()
            # A dock widget paints its title in the font it was built with for as long as its
            # own font equals the application's. One that differs only in style strategy
            # (rendered the same) makes the title follow the text size too.
            title_font = QFont(font)
            title_font.setStyleStrategy(QFont.StyleStrategy.PreferAntialias)
            self.news.setFont(title_font)
            # The pane lays out its title buttons by its own style's metrics; they paint by theirs.
            icons_follow_text([self.search_field, self.news, *self.news.title_buttons()], percent)
            self.pane_sizer.zoomed()
        if save:
            self.show_message(f"Text size {percent}%.")
            if self.settings is not None:
                from msguide.errors import MsguideError

                try:
                    self.settings.set("ui.zoom_percent", percent)
                    self.settings.save()
                except MsguideError as error:
                    self.show_message(str(error))

    # --- layout persistence ---------------------------------------------------------------

    def _restore_geometry(self) -> None:
        from msguide.ui.geometry import ScreenFit, place

        saved = self.state.bytes("geometry") if self.state is not None else None
        self.sized_afresh = place(self, saved, self._saved_zoom())
        self.screen_fit = ScreenFit(self)

    def _restore_panes(self) -> None:
        if self.state is None:
            return
        window_state = self.state.bytes("windowState")
        if window_state is not None:
            self.restoreState(window_state)
        splitter = self.state.bytes("splitter")
        if splitter is not None:
            self.splitter.restoreState(splitter)

    def save_layout(self) -> None:
        if self.state is None:
            return
        self.state.set_bytes("geometry", self.saveGeometry())
        if not self.furnished:  # closed before the panes existed: keep their saved layout
            self.state.sync()
            return
        self.state.set_bytes("windowState", self.saveState())
        self.state.set_bytes("splitter", self.splitter.saveState())
        self.state.set_text("sidebar", self.sidebar_key)
        self.state.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_layout()
        if self.furnished:
            self.sync_ui.shutdown()
            self.offline_ui.shutdown()
        super().closeEvent(event)
