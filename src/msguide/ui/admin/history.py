"""Admin ▸ History and rollback: every revision held per source; make any kept one current.

Rolling back is undone the same way: choose the newer revision and roll forward. Each change is
previewed (a dry run on the write lane) and confirmed before it happens; afterwards
`ContentService.contentChanged` is emitted and the list reloads.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from msguide.store.history import RevisionInfo, SourceStatus
from msguide.store.importer import ImportResult
from msguide.ui.admin.wording import explain, short_signature, signature_text
from msguide.ui.content import ContentService
from msguide.ui.text import human_date
from msguide.ui.widgets import plain_label

log = logging.getLogger(__name__)
RevisionRole = Qt.ItemDataRole.UserRole + 1


def _when(timestamp: str | None) -> str:
    """A stored UTC time as date and time to the minute (imports can happen several a day)."""
    if not timestamp:
        return ""
    clock = timestamp[11:16] if len(timestamp) >= 16 and timestamp[10] == "T" else ""
    return f"{human_date(timestamp)} {clock}".strip()


def _changes(r: RevisionInfo) -> tuple[str, str]:
    short = f"+{r.added} ~{r.changed} −{r.removed}"
    spoken = f"{r.added} added, {r.changed} changed, {r.removed} removed"
    return short, spoken


def _state(r: RevisionInfo) -> str:
    if r.current:
        return "Current"
    return "" if r.restorable else "Not restorable"


@dataclass(frozen=True, slots=True)
class _Column:
    title: str
    tip: str


COLUMNS = (
    _Column("Sequence", "The publisher's number for this revision; it only ever grows"),
    _Column("State", "Current: the content msguide shows now"),
    _Column("Published", "When the publisher published this revision"),
    _Column("Imported", "When this computer received it (UTC)"),
    _Column("Items", "Items in this revision"),
    _Column("Changes", "Items added, changed and removed by this revision when it arrived"),
    _Column("Signature", "How the revision's signature was judged when it arrived"),
    _Column("Origin", "Where it came from: a web address, a file or the bundled content"),
)


class RevisionTableModel(QAbstractTableModel):
    """Revisions of one source, newest first. `RevisionRole` gives the `RevisionInfo`."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.revisions: list[RevisionInfo] = []

    def set_revisions(self, revisions: list[RevisionInfo]) -> None:
        self.beginResetModel()
        self.revisions = list(revisions)
        self.endResetModel()

    def revision(self, row: int) -> RevisionInfo | None:
        return self.revisions[row] if 0 <= row < len(self.revisions) else None

    def current(self) -> RevisionInfo | None:
        return next((r for r in self.revisions if r.current), None)

    def row_of(self, sequence: int) -> int:
        return next((n for n, r in enumerate(self.revisions) if r.sequence == sequence), -1)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.revisions)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section].title
        if role == Qt.ItemDataRole.ToolTipRole:
            return COLUMNS[section].tip
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        r = self.revision(index.row()) if index.isValid() else None
        if r is None or not 0 <= index.column() < len(COLUMNS):
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(r, column)
        if role in (Qt.ItemDataRole.AccessibleTextRole, Qt.ItemDataRole.ToolTipRole):
            return self._spoken(r, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (0, 4):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == RevisionRole:
            return r
        return None

    def _display(self, r: RevisionInfo, column: int) -> str:
        return (
            str(r.sequence),
            _state(r),
            human_date(r.published),
            _when(r.imported_at),
            str(r.item_count),
            _changes(r)[0],
            short_signature(r.signature_state, r.signed_by),
            r.origin,
        )[column]

    def _spoken(self, r: RevisionInfo, column: int) -> str:
        if column == 5:
            return _changes(r)[1]
        if column == 6:
            return signature_text(r.signature_state, r.signed_by)
        if column == 1 and not r.restorable and not r.current:
            return "Not restorable: its exact bytes are no longer kept"
        return f"{COLUMNS[column].title}: {self._display(r, column)}"


class HistoryWindow(QDialog):
    """Non-modal. Call `load()` to (re)read the history. Emits `loaded` after each load and
    `rolledBack(ImportResult)` after a rollback or roll-forward. `confirm_box` is the open
    confirmation (objectName `rollbackConfirm`) while one is asked."""

    loaded = Signal()
    rolledBack = Signal(object)
    failed = Signal(str)

    def __init__(self, service: ContentService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.statuses: dict[str, SourceStatus] = {}
        self.all_revisions: list[RevisionInfo] = []
        self.confirm_box: QMessageBox | None = None
        self.busy = False
        self.setObjectName("historyWindow")
        self.setWindowTitle("History and rollback")
        self.setAccessibleName("History and rollback")
        self.resize(900, 420)
        self._build()
        service.contentChanged.connect(self._content_changed)

    def _build(self) -> None:
        self.source_box = QComboBox()
        self.source_box.setObjectName("historySource")
        self.source_box.setAccessibleName("Source")
        source_caption = QLabel("&Source:")
        source_caption.setObjectName("historySourceCaption")
        source_caption.setBuddy(self.source_box)
        self.source_box.currentIndexChanged.connect(self._show_source)

        self.model = RevisionTableModel(self)
        self.table = QTableView()
        self.table.setObjectName("historyTable")
        self.table.setAccessibleName("Revisions")
        self.table.setAccessibleDescription(
            "Every revision of the chosen source this computer holds, newest first."
        )
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._update_buttons())

        # Labels are named by their own text, as in the main window: a screen reader reads
        # what they say; what each is for is its description.
        self.help = plain_label("historyHelp")
        self.help.setAccessibleDescription("About rolling back")
        self.help.setText(
            "Choose a revision and roll back to it. Rolling back can be undone: choose the "
            "newer revision and roll forward. Favourites and read marks are kept either way."
        )
        self.status = plain_label("historyStatus")
        self.status.setAccessibleDescription("History status")

        self.roll_button = QPushButton("&Roll back to…")
        self.roll_button.setObjectName("rollbackButton")
        self.roll_button.setAccessibleName("Roll back to the chosen revision")
        self.roll_button.setEnabled(False)
        self.roll_button.clicked.connect(self.ask_rollback)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.setObjectName("historyButtons")
        self.buttons.setAccessibleName("History actions")
        self.buttons.addButton(self.roll_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.rejected.connect(self.reject)

        top = QHBoxLayout()
        top.addWidget(source_caption)
        top.addWidget(self.source_box, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.help)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)

    # --- loading ----------------------------------------------------------------------------

    def load(self) -> None:
        store = self.service.store
        if store is None:
            self.status.setText("Your content is still opening; try again in a moment.")
            return

        def work() -> tuple[list[SourceStatus], list[RevisionInfo]]:
            from msguide.store.history import history, source_statuses

            return source_statuses(store), history(store)

        self.service.reads.submit(work, self._loaded, self._failed)

    def _loaded(self, data: tuple[list[SourceStatus], list[RevisionInfo]]) -> None:
        statuses, revisions = data
        self.statuses = {s.id: s for s in statuses}
        self.all_revisions = revisions
        chosen = self.current_source()
        self.source_box.blockSignals(True)
        self.source_box.clear()
        for status in statuses:
            self.source_box.addItem(f"{status.name} ({status.id})", status.id)
        index = self.source_box.findData(chosen) if chosen else 0
        self.source_box.setCurrentIndex(max(index, 0))
        self.source_box.blockSignals(False)
        self._show_source()
        if not statuses:
            self.status.setText("This computer holds no content yet.")
        self.loaded.emit()

    def current_source(self) -> str | None:
        value = self.source_box.currentData()
        return value if isinstance(value, str) else None

    def _show_source(self) -> None:
        source = self.current_source()
        selected = self.selected()
        self.model.set_revisions([r for r in self.all_revisions if r.source == source])
        row = self.model.row_of(selected.sequence) if selected and selected.source == source else 0
        if self.model.rowCount():
            self.table.setCurrentIndex(self.model.index(max(row, 0), 0))
        self._update_buttons()

    def _content_changed(self) -> None:
        if self.isVisible() and not self.busy:
            self.load()

    def selected(self) -> RevisionInfo | None:
        return self.model.revision(self.table.currentIndex().row())

    def _update_buttons(self) -> None:
        chosen, current = self.selected(), self.model.current()
        allowed = (
            not self.busy
            and not self.service.read_only
            and chosen is not None
            and not chosen.current
            and chosen.restorable
        )
        self.roll_button.setEnabled(allowed)
        if chosen is not None and current is not None and chosen.sequence > current.sequence:
            self.roll_button.setText(f"&Roll forward to {chosen.sequence}…")
            self.roll_button.setAccessibleName(f"Roll forward to sequence {chosen.sequence}")
        elif chosen is not None and not chosen.current:
            self.roll_button.setText(f"&Roll back to {chosen.sequence}…")
            self.roll_button.setAccessibleName(f"Roll back to sequence {chosen.sequence}")
        else:
            self.roll_button.setText("&Roll back to…")
            self.roll_button.setAccessibleName("Roll back to the chosen revision")
        if chosen is not None and not chosen.restorable and not chosen.current:
            self.status.setText(
                f"Sequence {chosen.sequence} cannot be restored: only the newest revisions "
                "are kept in full."
            )
        elif self.service.read_only:
            self.status.setText("Your content is open read-only, so it cannot be rolled back.")

    # --- rolling back -----------------------------------------------------------------------

    def ask_rollback(self) -> None:
        """Preview the change (a dry run), then ask for confirmation."""
        chosen, store = self.selected(), self.service.store
        if chosen is None or store is None or not self.roll_button.isEnabled():
            return
        from msguide.store.importer import rollback

        self.busy = True
        self._update_buttons()
        self.status.setText(f"Working out what returning to sequence {chosen.sequence} changes…")
        source, sequence = chosen.source, chosen.sequence
        self.service.writes.submit(
            lambda: rollback(store, source, sequence, dry_run=True),
            lambda preview: self._confirm(chosen, preview),
            self._failed,
        )

    def _confirm(self, chosen: RevisionInfo, preview: ImportResult) -> None:
        self.busy = False
        self._update_buttons()
        current = self.model.current()
        forward = current is not None and chosen.sequence > current.sequence
        verb = "Roll forward" if forward else "Roll back"
        name = self.statuses.get(chosen.source)
        title = name.name if name is not None else chosen.source
        undo = (
            f"You can undo this by rolling forward to sequence {current.sequence} here."
            if current is not None and not forward
            else "You can undo this by rolling back again here."
        )
        box = QMessageBox(self)
        box.setObjectName("rollbackConfirm")
        box.setAccessibleName(f"{verb}?")
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(f"{verb}?")
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setText(
            f"{verb} {title} to sequence {chosen.sequence}, published "
            f"{human_date(chosen.published)}?"
        )
        box.setInformativeText(
            f"This adds {len(preview.added)}, changes {len(preview.changed)} and removes "
            f"{len(preview.removed)} items. {undo}"
        )
        yes = box.addButton(verb, QMessageBox.ButtonRole.AcceptRole)
        yes.setObjectName("rollbackConfirmButton")
        no = box.addButton(QMessageBox.StandardButton.Cancel)
        no.setObjectName("rollbackCancelButton")
        box.setDefaultButton(no)  # a change of content is never the default
        box.setEscapeButton(no)
        self.confirm_box = box

        def finished() -> None:
            self.confirm_box = None
            if box.clickedButton() is yes:
                self._roll(chosen)
            box.deleteLater()

        box.finished.connect(finished)
        box.open()

    def _roll(self, chosen: RevisionInfo) -> None:
        store = self.service.store
        if store is None:
            return
        from msguide.store.importer import rollback

        self.busy = True
        self._update_buttons()
        source, sequence = chosen.source, chosen.sequence
        self.service.writes.submit(
            lambda: rollback(store, source, sequence), self._rolled, self._failed
        )

    def _rolled(self, result: ImportResult) -> None:
        self.busy = False
        log.info("rolled %s to sequence %s: %s", result.source, result.sequence, result.summary())
        self.status.setText(
            f"{result.source} is now at sequence {result.sequence}: {len(result.added)} added, "
            f"{len(result.changed)} changed, {len(result.removed)} removed."
        )
        # Every view refreshes, this window too (`_content_changed`).
        self.service.contentChanged.emit()
        self.rolledBack.emit(result)

    def _failed(self, error: BaseException) -> None:
        self.busy = False
        text = explain(error)
        self.status.setText(text)
        self._update_buttons()
        self.failed.emit(text)
