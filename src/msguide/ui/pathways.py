"""Pathways in the window: the sidebar's "What to do now" entries open in the detail pane.

`install_pathways(window)` puts a `PathwayView` beside the detail view (one shows at a time),
opens a pathway when its sidebar entry is chosen, shows a cited item in the detail view with a
"Back to the pathway" button above it, and copies contacts' numbers. Go ▸ What to do now
(Ctrl+6) opens the first pathway with the focus on its first step.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QMenu,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from msguide.ui.pathway_view import PathwayView
from msguide.ui.sidebar import PathwayRole
from msguide.ui.text import error_sentence

if TYPE_CHECKING:
    from msguide.store.pathways import StoredPathway
    from msguide.ui.main_window import MainWindow


class PathwayUi(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.view = PathwayView()
        self.showing: tuple[str, str] | None = None  # (source, id) of the pathway on show
        self._item_from_pathway = False
        self._focus_when_shown = False
        # Loads run on the read pool and may finish out of order: only the newest is shown,
        # so a late answer never resets a walk the person has already begun.
        self._latest_load = 0
        self.loading: tuple[str, str] | None = None

        self.return_button = QPushButton("Back to the &pathway")
        self.return_button.setObjectName("pathwayReturnButton")
        self.return_button.setAccessibleName("Back to the pathway")
        self.return_button.hide()
        self.stack = QStackedWidget()
        self.stack.setObjectName("detailStack")
        self.stack.setAccessibleName("Details")
        # Held here: PySide does not hand a widget given to QSplitter.replaceWidget to Qt, so
        # without this reference Python would delete it (and the views in it) at once.
        self.container = QWidget()
        self.container.setObjectName("detailArea")
        self.container.setAccessibleName("Details area")
        column = QVBoxLayout(self.container)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.return_button)
        column.addWidget(self.stack, 1)
        splitter = window.splitter
        # The splitter's stretch factor lives in the size policy: the area keeps the detail's.
        self.container.setSizePolicy(window.detail.sizePolicy())
        splitter.replaceWidget(splitter.indexOf(window.detail), self.container)
        self.stack.addWidget(window.detail)
        self.stack.addWidget(self.view)
        window.panes.register("details", self.container, self.focus_target)  # in its place

        self.action = QAction("What to &do now", window)
        self.action.setObjectName("pathwaysAction")
        self.action.setShortcut(QKeySequence("Ctrl+6"))
        self.action.setStatusTip("Open the first 'What to do now' pathway")
        self.action.triggered.connect(self.open_first)
        window.addAction(self.action)
        for menu in window.menuBar().findChildren(QMenu):
            if menu.title() == "&Go" and menu.actions():
                menu.insertAction(menu.actions()[0], self.action)

        window.sidebar.selectionModel().currentChanged.connect(self._sidebar_changed)
        window.sidebar.installEventFilter(self)
        window.detailShown.connect(self._detail_shown)
        window.service.contentChanged.connect(self._content_changed)
        window.hide_action.triggered.connect(self._quick_hidden)
        self.view.itemRequested.connect(self._item_requested)
        self.view.copyNumberRequested.connect(self._copy_number)
        self.return_button.clicked.connect(self._return_to_pathway)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            # A bound slot of the view: Qt disconnects it when the view is deleted.
            app.fontChanged.connect(self.view.apply_fonts)

    def focus_target(self) -> QWidget | None:
        """Where F6 puts the focus in the details area: the pathway's step (read out when
        focused), or whatever the detail view shows."""
        if self.stack.currentWidget() is self.view:
            return self.view.step_text
        return self.window.detail.focus_target()

    # --- opening --------------------------------------------------------------------------

    def _sidebar_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        chosen = current.data(PathwayRole)
        if isinstance(chosen, tuple):
            self.open(chosen[0], chosen[1])

    def open(self, source: str, pathway_id: str, *, keep_trail: bool = False) -> None:
        store = self.window.service.store
        if store is None:
            return

        def work() -> StoredPathway | None:
            from msguide.store.pathways import load_pathway

            with store.read() as connection:
                return load_pathway(connection, source, pathway_id)

        self._latest_load += 1
        load = self._latest_load
        self.loading = (source, pathway_id)

        def done(stored: StoredPathway | None) -> None:
            if load == self._latest_load:
                self.loading = None
                self._loaded(stored, (source, pathway_id), keep_trail)

        self.window.service.reads.submit(work, done, self._failed)

    def _loaded(
        self, stored: StoredPathway | None, wanted: tuple[str, str], keep_trail: bool
    ) -> None:
        if stored is None:
            self.window.show_message("That pathway is no longer in the content.")
            self.showing = None
            self.view.show_pathway(None)
            return
        trail = list(self.view.trail)
        self.showing = wanted
        self.view.show_pathway(stored)
        if keep_trail and all(stored.pathway.step(step_id) for step_id, _ in trail):
            self.view.trail = trail
            self.view.show_step()
        self.return_button.hide()
        self.stack.setCurrentWidget(self.view)
        self.window.current_item.release()  # no list row stays the target behind the pathway
        if self._focus_when_shown:
            self._focus_when_shown = False
            self.view.focus_step()

    def open_first(self) -> None:
        root = self.window.sidebar_model.root
        section = root.find("section:pathways")
        if section is None or not section.children:
            self.window.show_message("The content holds no pathways.")
            return
        index = self.window.sidebar_model.index_for_key(section.children[0].key)
        self._focus_when_shown = True
        if self.window.sidebar.currentIndex() == index:
            self._sidebar_changed(index, index)
        else:
            self.window.sidebar.setCurrentIndex(index)

    def _failed(self, error: BaseException) -> None:
        self.window.show_message(error_sentence(error))

    # --- the detail view and the pathway --------------------------------------------------

    def _item_requested(self, rowid: int) -> None:
        self._item_from_pathway = True
        self.window.current_item.show_cited(rowid)  # actions then act on it

    def _detail_shown(self) -> None:
        self.stack.setCurrentWidget(self.window.detail)
        from_pathway, self._item_from_pathway = self._item_from_pathway, False
        self.return_button.setVisible(from_pathway and self.view.stored is not None)
        if from_pathway:
            self.window.detail.setFocus(Qt.FocusReason.OtherFocusReason)

    def _return_to_pathway(self) -> None:
        self.return_button.hide()
        self.stack.setCurrentWidget(self.view)
        self.window.current_item.release()
        self.view.focus_step()

    def _copy_number(self, phone: str, title: str) -> None:
        from msguide.ui.links import copy_text

        copy_text(phone)
        self.window.show_message(f"Copied {phone} ({title}).")

    def _content_changed(self) -> None:
        if self.showing is not None:
            self.open(*self.showing, keep_trail=True)

    def _quick_hidden(self) -> None:
        self.showing = None
        self.view.show_pathway(None)
        self.return_button.hide()
        self.stack.setCurrentWidget(self.window.detail)

    # --- keyboard -------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window.sidebar and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            chosen = self.window.sidebar.currentIndex().data(PathwayRole)
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and chosen is not None:
                if self.loading == chosen:
                    self._focus_when_shown = True
                elif self.showing == chosen and self.stack.currentWidget() is self.view:
                    self.view.focus_step()
                else:
                    self._focus_when_shown = True
                    self.open(chosen[0], chosen[1])
                return True
        return super().eventFilter(watched, event)


def install_pathways(window: MainWindow) -> PathwayUi:
    return PathwayUi(window)
