"""The only way msguide opens a link: checked against the scheme allow-list first.

Feed text is untrusted, so nothing else in the app may call QDesktopServices.openUrl.
"""

from __future__ import annotations

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from msguide.feed.links import link_problem


def open_link(url: str | None, parent: QWidget | None) -> bool:
    """Open `url` in the system browser (or mail/phone app) if its scheme is allowed."""
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
    return QDesktopServices.openUrl(QUrl(url, QUrl.ParsingMode.StrictMode))


def copy_text(text: str) -> None:
    clipboard = QGuiApplication.clipboard()
    clipboard.setText(text)
