"""Tab order that follows the window as it is read: top-left to bottom-right.

Search bar (field, Hide, Check for updates), the notice (its text, then Dismiss), the spelling
suggestion's button, the sidebar, the results (or the empty state that replaces them), the
detail pane from its title down (its text can be reached and read with the keyboard, then its
buttons; or the start card), and the news pane: its buttons, then its list.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

if TYPE_CHECKING:
    from msguide.ui.main_window import MainWindow


def apply_tab_order(window: MainWindow) -> None:
    """Call once every pane is in place (moving a widget to another parent moves it to the end
    of the tab chain)."""
    detail = window.detail
    pathway = getattr(window, "pathway_ui", None)
    practice = getattr(window, "practice", None)
    chain: list[QWidget] = [
        window.search_field,
        window.hide_button,
        window.sync_button,
        window.notice,
        window.notice_close,
        *([practice.spelling.button] if practice is not None else []),  # "Did you mean"
        window.sidebar,
        window.results_view,
        window.empty_state,
        *([pathway.return_button] if pathway is not None else []),
        detail,
        *detail.reading_order(),
        *([pathway.view] if pathway is not None else []),  # its step's buttons come and go
        window.news.list_toggle,  # the news pane's buttons sit above its list
        window.news.mark_all,
        window.news.view,
    ]
    for first, second in itertools.pairwise(chain):
        QWidget.setTabOrder(first, second)
