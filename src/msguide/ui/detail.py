"""The detail pane: one item's full text (always plain text), its link and its actions."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from msguide.store.browse import ItemDetail
from msguide.ui.elided_label import ElidedLabel
from msguide.ui.flow_layout import FlowLayout
from msguide.ui.reading_text import ReadingText
from msguide.ui.start_card import StartCard
from msguide.ui.text import format_label, human_date, join_dots, kind_label, short_url
from msguide.ui.widgets import plain_label

if TYPE_CHECKING:
    from msguide.offline.status import ItemOffline


class DetailView(QScrollArea):
    """Shows an `ItemDetail`. Emits `openRequested`, `copyRequested`, `favouriteToggled(bool)`,
    `copyNumberRequested` when the person uses its buttons; it never opens links itself."""

    openRequested = Signal()
    copyRequested = Signal()
    copyNumberRequested = Signal()
    favouriteToggled = Signal(bool)
    openOfflineRequested = Signal(str)  # the sha256 of the copy to open
    keepOfflineToggled = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("detailView")
        self.setAccessibleName("Details")
        self.setAccessibleDescription("The chosen item's full text, link and actions")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.detail: ItemDetail | None = None

        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.setSpacing(8)
        self.start_card = StartCard()  # until an item is chosen
        layout.addWidget(self.start_card)

        self.title = plain_label("detailTitle")
        self.title.setAccessibleDescription("Title")
        self.meta = plain_label("detailMeta")
        self.meta.setAccessibleDescription("Publisher and dates")
        self.audiences = plain_label("detailAudiences")
        self.audiences.setAccessibleDescription("For")
        self.categories = plain_label("detailCategories")
        self.categories.setAccessibleDescription("Topics")
        self.contact = plain_label("detailContact")
        self.contact.setAccessibleDescription("How to contact")
        # Cut in the middle when the pane is narrow: a long address cannot wrap, and would
        # make the whole pane scroll sideways. Copy link copies the whole address.
        self.link = ElidedLabel("detailLink", mode=Qt.TextElideMode.ElideMiddle)
        self.link.setAccessibleDescription("Link address")
        # The summary and full text: text boxes, not labels (msguide.ui.reading_text), made
        # when the first item is shown (`texts`): the start card needs neither.
        self._texts: tuple[ReadingText, ReadingText] | None = None

        buttons = FlowLayout()  # wraps onto a second row in a narrow pane
        self.open_button = QPushButton("&Open")
        self.open_button.setObjectName("openButton")
        self.open_button.setToolTip("Open the link in your browser (Enter)")
        self.open_button.setAccessibleDescription("Opens the link in the system browser")
        self.copy_button = QPushButton("Copy &link")
        self.copy_button.setObjectName("copyLinkButton")
        self.copy_button.setToolTip("Copy the link (Ctrl+Shift+C)")
        self.number_button = QPushButton("Copy &number")
        self.number_button.setObjectName("copyNumberButton")
        self.number_button.setToolTip("Copy the phone number")
        self.favourite_button = QPushButton("&Favourite")
        self.favourite_button.setObjectName("favouriteButton")
        self.favourite_button.setCheckable(True)
        self.favourite_button.setToolTip("Add to or remove from Favourites (Ctrl+D)")
        for button in (
            self.open_button,
            self.copy_button,
            self.number_button,
            self.favourite_button,
        ):
            buttons.addWidget(button)

        self.offline = plain_label("detailOffline")
        self.offline.setAccessibleDescription("Documents on this computer")
        offline_buttons = FlowLayout()
        self.open_offline_button = QPushButton("Open offline cop&y")
        self.open_offline_button.setObjectName("openOfflineButton")
        self.open_offline_button.setToolTip(
            "Open the copy kept on this computer with its usual program (works with no network)"
        )
        self.keep_offline_button = QPushButton("&Keep offline")
        self.keep_offline_button.setObjectName("keepOfflineButton")
        self.keep_offline_button.setCheckable(True)
        self.keep_offline_button.setToolTip(
            "Keep this item's documents on this computer, for visits without a network"
        )
        offline_buttons.addWidget(self.open_offline_button)
        offline_buttons.addWidget(self.keep_offline_button)
        self.offline_sha256: str | None = None

        self.fields = [
            self.title,
            self.meta,
            self.audiences,
            self.categories,
            self.contact,
            self.link,
        ]
        for widget in self.fields:
            layout.addWidget(widget)
        layout.addLayout(buttons)
        layout.addWidget(self.offline)
        layout.addLayout(offline_buttons)
        layout.addStretch(1)
        self.body_layout = layout
        self.setWidget(body)
        # Its text is reached with Tab and read (and selected) with the keyboard, not only the
        # mouse: a selectable label alone takes focus on a click only.
        for label in (*self.fields, self.offline):
            label.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

        self.open_button.clicked.connect(self.openRequested)
        self.copy_button.clicked.connect(self.copyRequested)
        self.number_button.clicked.connect(self.copyNumberRequested)
        self.favourite_button.toggled.connect(self._favourite_clicked)
        self.open_offline_button.clicked.connect(self._open_offline_clicked)
        self.keep_offline_button.toggled.connect(self.keepOfflineToggled)
        self.apply_fonts()
        self.show_detail(None)

    def reading_order(self) -> list[QWidget]:
        """The pane's focusable parts from top to bottom (the window's tab order uses it)."""
        return [
            *self.start_card.reading_order(),
            *self.fields,
            self.open_button,
            self.copy_button,
            self.number_button,
            self.favourite_button,
            self.offline,
            self.open_offline_button,
            self.keep_offline_button,
            *(self._texts or ()),
        ]

    @property
    def summary(self) -> ReadingText:
        return self.texts()[0]

    @property
    def content(self) -> ReadingText:
        return self.texts()[1]

    def texts(self) -> tuple[ReadingText, ReadingText]:
        """The summary and full text boxes, made the first time they are wanted: below the
        offline documents, and next in the tab order after their buttons."""
        if self._texts is None:
            self._texts = (
                ReadingText("detailSummary", "Summary"),
                ReadingText("detailContent", "Full text"),
            )
            stretch = self.body_layout.count() - 1  # the spare height stays last
            for offset, text in enumerate(self._texts):
                self.body_layout.insertWidget(stretch + offset, text)
                text.hide()
            QWidget.setTabOrder(self.keep_offline_button, self._texts[0])
            QWidget.setTabOrder(self._texts[0], self._texts[1])
        return self._texts

    def focus_target(self) -> QWidget | None:
        """Where F6 puts the focus: the start card's first line, or the item's Open button
        (its title when it has no link)."""
        from msguide.ui.pane_cycle import first_focusable

        if self.start_card.isVisible():
            return first_focusable(self.start_card.reading_order())
        return first_focusable([self.open_button, *self.fields])

    def apply_fonts(self) -> None:
        """Re-derive the title's size from the application font (zoom changes it). Not from
        this widget's font: that follows a new application font only once events are handled."""
        font = QFont(QApplication.font())
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        self.title.setFont(font)
        self.start_card.apply_fonts()

    def _favourite_clicked(self, checked: bool) -> None:
        self._update_favourite_text(checked)
        if self.detail is not None and checked != self.detail.favourite:
            self.favouriteToggled.emit(checked)

    def _update_favourite_text(self, checked: bool) -> None:
        self.favourite_button.setText("★ In &Favourites" if checked else "☆ Add to &Favourites")
        self.favourite_button.setAccessibleName(
            "Remove from favourites" if checked else "Add to favourites"
        )

    def set_favourite(self, favourite: bool) -> None:
        if self.detail is not None:
            from dataclasses import replace

            self.detail = replace(self.detail, favourite=favourite)
        self.favourite_button.blockSignals(True)
        self.favourite_button.setChecked(favourite)
        self.favourite_button.blockSignals(False)
        self._update_favourite_text(favourite)

    @contextmanager
    def _focus_kept(self) -> Iterator[None]:
        """Keep keyboard focus in the detail pane while its widgets hide and show: a focused
        button that hides would pass focus down the tab chain (into another list)."""
        focused = QApplication.focusWidget()
        inside = focused is not None and self.isAncestorOf(focused)
        if inside:
            self.setFocus(Qt.FocusReason.OtherFocusReason)
        yield
        if inside and focused is not None and focused.isVisibleTo(self) and focused.isEnabled():
            focused.setFocus(Qt.FocusReason.OtherFocusReason)

    def show_detail(self, detail: ItemDetail | None) -> None:
        with self._focus_kept():
            self._show_detail(detail)

    def _show_detail(self, detail: ItemDetail | None) -> None:
        self.detail = detail
        showing = detail is not None
        self.start_card.setVisible(not showing)
        for widget in (
            *self.fields,
            *(self.texts() if showing else self._texts or ()),
            self.open_button,
            self.copy_button,
            self.number_button,
            self.favourite_button,
        ):
            widget.setVisible(showing)
        self._set_offline(None)
        if detail is None:
            return
        item = detail.item
        self.title.setText(item.title)
        dates = []
        if item.date_published:
            dates.append(f"published {human_date(item.date_published)}")
        if item.date_modified and item.date_modified != item.date_published:
            dates.append(f"updated {human_date(item.date_modified)}")
        badges = join_dots(
            "New since the last update" if detail.is_new else "",
            "Updated in the last update" if detail.is_updated else "",
        )
        self.meta.setText(
            join_dots(
                kind_label(item.kind),
                item.publisher,
                format_label(item.format),
                ", ".join(dates),
                f"from {detail.source_name}",
                badges,
            )
        )
        self.audiences.setText("For: " + ", ".join(detail.audience_labels))
        self.audiences.setVisible(bool(detail.audience_labels))
        self.categories.setText("Topics: " + ", ".join(detail.category_labels))
        self.categories.setVisible(bool(detail.category_labels))
        contact_lines = [
            f"Phone: {item.phone}" if item.phone else "",
            f"E-mail: {item.email}" if item.email else "",
            f"Hours: {item.hours}" if item.hours else "",
        ]
        contact = "\n".join(line for line in contact_lines if line)
        self.contact.setText(contact)
        self.contact.setVisible(bool(contact))
        self.link.setText(f"Link: {short_url(item.url)}" if item.url else "No link")
        self.summary.setText(item.summary)
        self.summary.setVisible(bool(item.summary))
        self.content.setText(item.content_text)
        self.content.setVisible(bool(item.content_text) and item.content_text != item.summary)
        self.open_button.setEnabled(bool(item.url))
        self.copy_button.setEnabled(bool(item.url))
        self.number_button.setVisible(bool(item.phone))
        self.set_favourite(detail.favourite)
        self.verticalScrollBar().setValue(0)

    def _open_offline_clicked(self) -> None:
        if self.offline_sha256 is not None:
            self.openOfflineRequested.emit(self.offline_sha256)

    def set_offline(self, state: ItemOffline | None) -> None:
        """Show which of the item's documents are on this computer, and the offline actions."""
        with self._focus_kept():
            self._set_offline(state)

    def _set_offline(self, state: ItemOffline | None) -> None:
        current = self.detail is not None and state is not None and state.rowid == self.detail.rowid
        if state is None or not current or not (state.attachments or state.kept):
            self.offline_sha256 = None
            for widget in (self.offline, self.open_offline_button, self.keep_offline_button):
                widget.setVisible(False)
            return
        lines = [f"- {a.title or 'Document'}: {a.describe()}" for a in state.attachments]
        self.offline.setText("Documents:\n" + "\n".join(lines))
        self.offline.setVisible(bool(lines))
        held = next((a for a in state.attachments if a.available_offline and a.sha256), None)
        self.offline_sha256 = held.sha256 if held is not None else None
        self.open_offline_button.setVisible(held is not None)
        self.keep_offline_button.blockSignals(True)
        self.keep_offline_button.setChecked(state.kept)
        self.keep_offline_button.blockSignals(False)
        self.keep_offline_button.setText("✓ &Kept offline" if state.kept else "&Keep offline")
        self.keep_offline_button.setAccessibleName(
            "Stop keeping offline" if state.kept else "Keep offline"
        )
        self.keep_offline_button.setVisible(state.kept or state.can_keep_offline)
