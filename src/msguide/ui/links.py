"""The only way msguide opens a link: checked against the scheme allow-list first.

Feed text is untrusted, so nothing else in the app may call QDesktopServices.openUrl.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from msguide.feed.links import link_problem

_copied: list[str] = []  # what msguide last put on the clipboard (quick hide removes it)


def open_link(url: str | None, parent: QWidget | None) -> bool:
    """Open `url` in the system browser (or mail/phone app) if its scheme is allowed. When the
    system cannot open it, say so with the address and a Copy button (never fail silently)."""
    problem = "this item has no link" if not url else link_problem(url)
    if problem is not None:
        QMessageBox.warning(
            parent,
            "Link not opened",
            f"msguide did not open this link: {problem}.\n\n"
            "Only web (https, http), e-mail (mailto) and phone (tel) links can be opened.",
        )
        return False
    assert url is not None
    if QDesktopServices.openUrl(QUrl(url, QUrl.ParsingMode.StrictMode)):
        return True
    link_failed(url, parent)
    return False


def link_failed(url: str, parent: QWidget | None) -> QMessageBox:
    """A message (objectName `linkFailedMessage`) with the address, a Copy button and Close.
    Opened window-modal without blocking: the window keeps working behind it."""
    box = QMessageBox(parent)
    box.setObjectName("linkFailedMessage")
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle("Link not opened")
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setText(
        "This computer could not open the link: no browser or program for it was found.\n\n"
        f"{url}\n\n"
        "Copy the address and paste it into a browser, or ask your IT team to set a default "
        "browser."
    )
    box.setTextInteractionFlags(
        Qt.TextInteractionFlag.TextSelectableByMouse
        | Qt.TextInteractionFlag.TextSelectableByKeyboard
    )
    copy = box.addButton("&Copy address", QMessageBox.ButtonRole.ActionRole)
    copy.setObjectName("copyAddressButton")
    copy.clicked.connect(lambda: copy_text(url))
    close = box.addButton(QMessageBox.StandardButton.Close)
    box.setDefaultButton(copy)
    box.setEscapeButton(close)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


def copy_text(text: str) -> None:
    clipboard = QGuiApplication.clipboard()
    clipboard.setText(text)
    _copied[:] = [text]


def last_copied() -> str:
    return _copied[0] if _copied else ""
