"""Edit ▸ Settings…: the user settings (msguide.settings.SETTINGS) and the feeds to keep current.

A setting the IT policy locks is shown with its locked value, disabled, with "Locked by your IT
policy (where)" beside it; so are the policy's feeds. Save writes settings.toml atomically
(`Settings.save`) and emits `saved`; Cancel changes nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from msguide.errors import MsguideError
from msguide.settings import SETTINGS, Setting, Settings
from msguide.ui.admin.sources_model import SourceTableModel, source_problem
from msguide.ui.admin.wording import sentence
from msguide.ui.widgets import plain_label

if TYPE_CHECKING:
    from msguide.ui.offline import OfflineController

CHOICE_LABELS = {
    "all": "All documents",
    "pinned": "Pinned documents only",
    "none": "None (always download when opened)",
}


def editor_name(setting: Setting) -> str:
    return "setting_" + setting.name.replace(".", "_")


def lock_text(settings: Settings) -> str:
    return f"Locked by your IT policy ({settings.policy.origin})"


class SettingsDialog(QDialog):
    """Open with `open()`. `editors[name]` is the control for each setting."""

    saved = Signal()

    def __init__(
        self,
        settings: Settings,
        parent: QWidget | None = None,
        offline: OfflineController | None = None,
    ) -> None:
        super().__init__(parent)
        self.settings = settings
        self.offline = offline
        self.editors: dict[str, QWidget] = {}
        self.setObjectName("settingsDialog")
        self.setWindowTitle("Settings")
        self.setAccessibleName("Settings")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.resize(720, 560)
        self._build()

    def _build(self) -> None:
        policy = self.settings.policy
        self.policy_label = plain_label("settingsPolicy")
        self.policy_label.setAccessibleName("IT policy")
        self.policy_label.setText(
            "No IT policy applies on this computer."
            if policy.origin == "defaults"
            else f"IT policy in force: {policy.origin}"
        )
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        for setting in SETTINGS:
            editor = self._editor(setting)
            editor.setObjectName(editor_name(setting))
            editor.setAccessibleName(setting.label)
            self.editors[setting.name] = editor
            caption = QLabel(f"{setting.label}:")
            caption.setObjectName(editor_name(setting) + "_label")
            caption.setAccessibleName(setting.label)
            caption.setBuddy(editor)
            if self.settings.is_locked(setting.name):
                editor.setEnabled(False)
                note = plain_label(editor_name(setting) + "_lock", selectable=False)
                note.setText(lock_text(self.settings))
                note.setAccessibleName(f"{setting.label}: {lock_text(self.settings)}")
                editor.setAccessibleDescription(lock_text(self.settings))
                editor.setToolTip(lock_text(self.settings))
                row = QWidget()
                row.setObjectName(editor_name(setting) + "_row")
                row.setAccessibleName(setting.label)
                line = QHBoxLayout(row)
                line.setContentsMargins(0, 0, 0, 0)
                line.addWidget(editor)
                line.addWidget(note, 1)
                form.addRow(caption, row)
            else:
                form.addRow(caption, editor)

        sources_box = QGroupBox("Feeds to keep current")
        sources_box.setObjectName("sourcesGroup")
        sources_box.setAccessibleName("Feeds to keep current")
        locked = self.settings.is_locked("sources")
        self.sources_model = SourceTableModel(
            list(policy.sources), self.settings.user_sources(), editable=not locked, parent=self
        )
        self.sources_view = QTableView()
        self.sources_view.setObjectName("sourcesTable")
        self.sources_view.setAccessibleName("Feeds")
        self.sources_view.setAccessibleDescription(
            "Feeds set by your IT policy cannot be changed here; your own can be edited with F2."
        )
        self.sources_view.setModel(self.sources_model)
        self.sources_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.sources_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.sources_view.setTabKeyNavigation(False)
        self.sources_view.verticalHeader().hide()
        self.sources_view.horizontalHeader().setStretchLastSection(True)
        self.sources_view.setColumnWidth(0, 320)
        self.add_button = QPushButton("&Add feed")
        self.add_button.setObjectName("addSourceButton")
        self.add_button.setAccessibleName("Add a feed")
        self.remove_button = QPushButton("Re&move feed")
        self.remove_button.setObjectName("removeSourceButton")
        self.remove_button.setAccessibleName("Remove the chosen feed")
        self.add_button.clicked.connect(self.add_source)
        self.remove_button.clicked.connect(self.remove_source)
        self.sources_view.selectionModel().currentRowChanged.connect(
            lambda *_: self._update_source_buttons()
        )
        self.sources_note = plain_label("sourcesLock", selectable=False)
        self.sources_note.setAccessibleName("About the feeds")
        self.sources_note.setText(
            f"The list of feeds is locked by your IT policy ({policy.origin})."
            if locked
            else "Feeds set by your IT policy cannot be changed here."
            if policy.sources
            else "Add the address of a feed your partnership publishes."
        )
        buttons_row = QHBoxLayout()
        buttons_row.addWidget(self.add_button)
        buttons_row.addWidget(self.remove_button)
        buttons_row.addStretch(1)
        box_layout = QVBoxLayout(sources_box)
        box_layout.addWidget(self.sources_note)
        box_layout.addWidget(self.sources_view, 1)
        box_layout.addLayout(buttons_row)
        self.add_button.setEnabled(not locked)
        self._update_source_buttons()

        offline_box = self._build_offline()

        self.error = plain_label("settingsError")
        self.error.setAccessibleName("Problem with the settings")
        self.error.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.setObjectName("settingsButtons")
        self.buttons.setAccessibleName("Save or cancel")
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setObjectName("saveSettingsButton")
        self.save_button.setAccessibleName("Save settings")
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setObjectName("cancelSettingsButton")
        cancel.setAccessibleName("Cancel")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.policy_label)
        layout.addLayout(form)
        layout.addWidget(sources_box, 1)
        if offline_box is not None:
            layout.addWidget(offline_box)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    def _build_offline(self) -> QGroupBox | None:
        """How much the offline documents take, and a way to remove them (once the content is
        open: the window's offline controller does the work off the GUI thread)."""
        if self.offline is None:
            return None
        box = QGroupBox("Documents kept offline")
        box.setObjectName("offlineGroup")
        box.setAccessibleName("Documents kept offline")
        self.offline_usage = plain_label("offlineUsage")
        self.offline_usage.setAccessibleName("Offline documents")
        self.offline_usage.setText("Counting the documents kept on this computer…")
        self.clear_offline_button = QPushButton("&Clear offline documents…")
        self.clear_offline_button.setObjectName("clearOfflineButton")
        self.clear_offline_button.setAccessibleName("Clear offline documents")
        self.clear_offline_button.setAccessibleDescription(
            "Removes the copies of documents kept on this computer. Links keep working online, "
            "and documents you keep offline are downloaded again at the next update."
        )
        self.clear_offline_button.clicked.connect(self.clear_offline)
        row = QHBoxLayout(box)
        row.addWidget(self.offline_usage, 1)
        row.addWidget(self.clear_offline_button)
        self.offline.changed.connect(self._count_offline)
        self._count_offline()
        return box

    def _count_offline(self) -> None:
        if self.offline is not None:
            self.offline.usage_text(self.offline_usage.setText)

    def clear_offline(self) -> None:
        if self.offline is None:
            return
        answer = QMessageBox.question(
            self,
            "Clear offline documents",
            "Remove every document kept on this computer? Links keep working when you are "
            "online, and documents you chose to keep offline are downloaded again at the next "
            "update.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.offline_usage.setText("Removing the offline documents…")
            self.offline.clear_cache()

    def _editor(self, setting: Setting) -> QWidget:
        value = self.settings.get(setting.name)
        if setting.kind is bool:
            box = QCheckBox()
            box.setChecked(bool(value))
            return box
        if setting.choices:
            combo = QComboBox()
            for choice in setting.choices:
                combo.addItem(CHOICE_LABELS.get(str(choice), str(choice)), choice)
            combo.setCurrentIndex(max(combo.findData(value), 0))
            return combo
        if setting.kind is int:
            spin = QSpinBox()
            spin.setRange(int(setting.minimum or 0), int(setting.maximum or 1_000_000))
            spin.setValue(int(value))
            return spin
        double = QDoubleSpinBox()
        double.setDecimals(2)
        double.setRange(float(setting.minimum or 0), float(setting.maximum or 1e6))
        double.setSingleStep(0.25 if setting.name == "sync.interval_hours" else 1.0)
        double.setValue(float(value))
        return double

    def value_of(self, name: str) -> Any:
        """The value the dialog's control for setting `name` holds now."""
        editor = self.editors[name]
        if isinstance(editor, QCheckBox):
            return editor.isChecked()
        if isinstance(editor, QComboBox):
            return editor.currentData()
        if isinstance(editor, QSpinBox):
            return editor.value()
        assert isinstance(editor, QDoubleSpinBox)
        return editor.value()

    # --- feeds ------------------------------------------------------------------------------

    def _update_source_buttons(self) -> None:
        row = self.sources_view.currentIndex().row()
        self.remove_button.setEnabled(
            self.sources_model.editable and self.sources_model.is_user_row(row)
        )

    def add_source(self) -> None:
        row = self.sources_model.add_source()
        index = self.sources_model.index(row, 0)
        self.sources_view.setCurrentIndex(index)
        self.sources_view.setFocus()
        self.sources_view.edit(index)

    def remove_source(self) -> None:
        self.sources_model.remove_source(self.sources_view.currentIndex().row())
        self._update_source_buttons()

    # --- saving -----------------------------------------------------------------------------

    def save(self) -> None:
        """Validate, apply and write settings.toml; stays open with a message on a problem."""
        for row, source in enumerate(self.sources_model.user_sources()):
            problem = source_problem(source, row + len(self.settings.policy.sources))
            if problem is not None:
                self._show_error(problem)
                return
        try:
            for setting in SETTINGS:
                if self.settings.is_locked(setting.name):
                    continue
                value = self.value_of(setting.name)
                if value != self.settings.get(setting.name):
                    self.settings.set(setting.name, value)
            if self.sources_model.editable:
                self.settings.set_user_sources(self.sources_model.user_sources())
            self.settings.save()
        except MsguideError as error:
            self._show_error(f"Your settings were not saved: {sentence(str(error))}")
            return
        self.saved.emit()
        self.accept()

    def _show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()
