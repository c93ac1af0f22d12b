"""Admin ▸ Import feed…: check a feed file, preview exactly what would change, then import.

Reading, parsing and the signature check run on the read pool; the dry run and the import run
on the store's write lane (`ContentService.writes`), so the window never waits. Cancel, at any
point before Import, changes nothing. After an import `ContentService.contentChanged` is
emitted so every view refreshes.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QListView,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from msguide.importing import CheckedFeed, PreparedImport
from msguide.policy import Policy
from msguide.store.importer import ImportResult
from msguide.ui.admin.changes import ChangeListModel
from msguide.ui.admin.wording import explain, sentence, signature_text
from msguide.ui.content import ContentService
from msguide.ui.text import human_date
from msguide.ui.widgets import plain_label

log = logging.getLogger(__name__)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


class ImportDialog(QDialog):
    """Shows one feed file's preview. Call `start(path)`; open it with `open()`.

    Emits `previewShown` once the preview (or the reason it cannot be imported) is on screen,
    `importFinished(ImportResult)` after a successful import, `failed(str)` when checking or
    importing failed. Results that arrive after Cancel are ignored.
    """

    previewShown = Signal()
    importFinished = Signal(object)
    failed = Signal(str)

    def __init__(self, service: ContentService, policy: Policy, parent: QWidget | None = None):
        super().__init__(parent)
        self.service = service
        self.policy = policy
        self.path: Path | None = None
        self.prepared: PreparedImport | None = None
        self.busy = False
        self.setObjectName("importDialog")
        self.setWindowTitle("Import feed")
        self.setAccessibleName("Import feed")
        self.setAccessibleDescription(
            "Shows what importing the chosen feed file would change. Nothing changes until "
            "you choose Import."
        )
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.resize(640, 560)
        self._build()

    def _build(self) -> None:
        self.status = plain_label("importStatus")
        self.status.setAccessibleName("Import status")
        self.file_label = self._value("importFile", "File")
        self.source_label = self._value("importSource", "Source")
        self.sequence_label = self._value("importSequence", "Sequence")
        self.published_label = self._value("importPublished", "Published")
        self.signature_label = self._value("importSignature", "Signature")
        self.items_label = self._value("importItems", "Items in the feed")
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for caption, label in (
            ("File:", self.file_label),
            ("Source:", self.source_label),
            ("Sequence:", self.sequence_label),
            ("Published:", self.published_label),
            ("Signature:", self.signature_label),
            ("Items:", self.items_label),
        ):
            form.addRow(caption, label)

        self.summary = plain_label("importSummary")
        self.summary.setAccessibleName("Summary of changes")
        self.changes_model = ChangeListModel(self)
        self.changes_view = QListView()
        self.changes_view.setObjectName("importChanges")
        self.changes_view.setAccessibleName("Changes this import makes")
        self.changes_view.setModel(self.changes_model)
        self.changes_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.changes_view.setUniformItemSizes(True)
        self.changes_caption = QLabel("&Changes:")
        self.changes_caption.setObjectName("importChangesCaption")
        self.changes_caption.setAccessibleName("Changes")
        self.changes_caption.setBuddy(self.changes_view)

        self.warning = plain_label("importWarning")
        self.warning.setAccessibleName("Warning")
        self.force_box = QCheckBox("&Import this older feed anyway (it replaces newer content)")
        self.force_box.setObjectName("importForce")
        self.force_box.setAccessibleName("Import this older feed anyway")
        self.force_box.toggled.connect(self._update_buttons)
        self.error = plain_label("importError")
        self.error.setAccessibleName("Why this feed cannot be imported")
        for widget in (self.warning, self.force_box, self.error):
            widget.hide()

        self.buttons = QDialogButtonBox()
        self.buttons.setObjectName("importButtons")
        self.buttons.setAccessibleName("Import or cancel")
        self.import_button = QPushButton("&Import")
        self.import_button.setObjectName("importButton")
        self.import_button.setAccessibleName("Import")
        self.import_button.setEnabled(False)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setObjectName("importCancelButton")
        self.cancel_button.setAccessibleName("Cancel")
        self.buttons.addButton(self.import_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.import_button.clicked.connect(self.run_import)
        self.cancel_button.clicked.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addLayout(form)
        layout.addWidget(self.summary)
        layout.addWidget(self.changes_caption)
        layout.addWidget(self.changes_view, 1)
        layout.addWidget(self.warning)
        layout.addWidget(self.force_box)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    def _value(self, name: str, spoken: str) -> QLabel:
        label = plain_label(name)
        label.setAccessibleName(spoken)
        return label

    # --- checking ---------------------------------------------------------------------------

    def start(self, path: Path) -> None:
        """Check `path` and show its preview (off the GUI thread)."""
        self.path = path
        self.prepared = None
        self.busy = False
        self.file_label.setText(str(path))
        self.status.setText("Checking the feed…")
        for label in (
            self.source_label,
            self.sequence_label,
            self.published_label,
            self.signature_label,
            self.items_label,
            self.summary,
        ):
            label.clear()
        for widget in (self.warning, self.force_box, self.error):
            widget.hide()
        self.force_box.setChecked(False)
        self.import_button.setText("&Import")
        self.changes_model.set_result(None)
        self._update_buttons()
        if self.service.store is None:
            self._show_error(
                "Your content is still opening, so nothing can be imported yet. "
                "Try again in a moment."
            )
            return
        if self.service.read_only:
            self._show_error(
                "Your content is open read-only (its folder cannot be written), so nothing "
                "can be imported. Ask IT to check the folder's permissions."
            )
            return
        from msguide.importing import check_feed_file

        policy = self.policy
        self.busy = True
        self.service.reads.submit(
            lambda: check_feed_file(path, policy=policy), self._checked, self._check_failed
        )

    def _checked(self, checked: CheckedFeed) -> None:
        if not self.isVisible() or checked.path != self.path:
            return
        self._show_feed(checked)
        store = self.service.store
        if store is None:
            self._show_error("Your content was closed; nothing was imported.")
            return
        from msguide.importing import preview_import

        self.service.writes.submit(
            lambda: preview_import(store, checked), self._previewed, self._check_failed
        )

    def _show_feed(self, checked: CheckedFeed) -> None:
        feed = checked.feed
        self.source_label.setText(f"{feed.source.name} ({feed.source.id})")
        self.sequence_label.setText(str(feed.sequence))
        published = human_date(feed.published)
        if feed.expires:
            published += f"; content may be out of date after {human_date(feed.expires)}"
        self.published_label.setText(published)
        if checked.provenance is None:
            self.signature_label.setText(f"Refused: {sentence(str(checked.refusal))}")
        else:
            self.signature_label.setText(
                signature_text(checked.provenance.signature_state, checked.provenance.signed_by)
            )
        self.items_label.setText(str(checked.item_count))

    def _previewed(self, prepared: PreparedImport) -> None:
        if not self.isVisible() or prepared.checked.path != self.path:
            return
        self.busy = False
        self.prepared = prepared
        preview = prepared.preview
        self.changes_model.set_result(preview)
        if preview is not None:
            previous = preview.previous_sequence
            held = (
                "not on this computer yet" if previous is None else f"this computer has {previous}"
            )
            self.sequence_label.setText(f"{preview.sequence} ({held})")
        if prepared.problem is not None:
            self._show_error(explain(prepared.problem))
            return
        assert preview is not None
        if preview.message:
            self.status.setText(f"Nothing to import: {preview.message}.")
            self.summary.setText("")
        else:
            total = len(preview.added) + len(preview.changed) + len(preview.removed)
            self.status.setText("Check the changes below, then choose Import or Cancel.")
            self.summary.setText(
                f"Importing makes {_count(total, 'change')}: {len(preview.added)} added, "
                f"{len(preview.changed)} changed, {len(preview.removed)} removed."
                if total
                else "No item changes; importing records this sequence as current."
            )
        if prepared.older is not None:
            self.warning.setText(
                f"Warning: {sentence(prepared.older)} Importing it replaces newer content "
                "with older content. Only do this if the publisher asked you to; you can "
                "return to the newer content from Admin ▸ History and rollback."
            )
            self.warning.show()
            self.force_box.setChecked(False)
            self.force_box.show()
        self._update_buttons()
        self.previewShown.emit()

    def _check_failed(self, error: BaseException) -> None:
        if not self.isVisible():
            return
        self._show_error(explain(error))

    def _show_error(self, text: str) -> None:
        self.busy = False
        self.status.setText("This feed cannot be imported.")
        self.error.setText(text)
        self.error.show()
        self._update_buttons()
        self.failed.emit(text)
        self.previewShown.emit()

    def _update_buttons(self) -> None:
        prepared = self.prepared
        ready = (
            not self.busy
            and prepared is not None
            and prepared.importable
            and (prepared.older is None or self.force_box.isChecked())
        )
        self.import_button.setEnabled(ready)
        self.import_button.setDefault(ready)
        self.cancel_button.setEnabled(not self.busy or self.prepared is None)
        if prepared is not None and prepared.older is not None:
            self.import_button.setText("&Import older feed")

    def reject(self) -> None:
        """Cancel (button, Escape, closing the window): not while an import is being applied,
        which is one transaction that cannot be stopped half-way."""
        if self.busy and self.prepared is not None:
            return
        super().reject()

    # --- importing --------------------------------------------------------------------------

    def run_import(self) -> None:
        prepared, store = self.prepared, self.service.store
        if prepared is None or store is None or not self.import_button.isEnabled():
            return
        from msguide.importing import apply_import

        force = prepared.older is not None and self.force_box.isChecked()
        self.busy = True
        self._update_buttons()
        self.cancel_button.setEnabled(False)
        self.status.setText("Importing…")
        self.service.writes.submit(
            lambda: apply_import(store, prepared, force=force), self._imported, self._import_failed
        )

    def _imported(self, result: ImportResult) -> None:
        self.busy = False
        self.status.setText(sentence(result.summary()))
        self.service.contentChanged.emit()
        self.importFinished.emit(result)
        self.accept()

    def _import_failed(self, error: BaseException) -> None:
        self.busy = False
        self.prepared = None
        log.warning("import of %s failed: %s", self.path, error)
        self.warning.hide()
        self.force_box.hide()
        self._show_error(explain(error))
