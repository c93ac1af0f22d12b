"""Small icons that grow with msguide's own text size (View, Zoom in).

Qt sizes the search field's clear icon and a dock title bar's close icon from its style's
small-icon size, which knows nothing of a text size the application sets itself: at 200% text
they stayed at 16 pixels beside letters twice as tall. A proxy style on just those widgets
scales that one metric (Qt derives the line-edit icon size from it) by the text size.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QApplication, QProxyStyle, QStyle, QStyleFactory, QWidget


class TextSizedIcons(QProxyStyle):
    """The application's style, with small icons at `percent` of its usual size."""

    def __init__(self, percent: int) -> None:
        base = QStyleFactory.create(QApplication.style().name())
        super().__init__(base)
        self.percent = percent

    def pixelMetric(
        self, metric: QStyle.PixelMetric, option: Any = None, widget: Any = None
    ) -> int:
        size = super().pixelMetric(metric, option, widget)
        if metric == QStyle.PixelMetric.PM_SmallIconSize:
            return max(size, round(size * self.percent / 100))
        return size


def icons_follow_text(widgets: list[QWidget], percent: int) -> None:
    """Give each of `widgets` small icons for text at `percent` (a new style each time: Qt
    lays a widget out again only when its style changes). Up to 100% the icons keep the
    style's own size: the application's style is left alone, which at start-up (nearly always
    at 100%) saves making a style per widget, and the window's first results come sooner."""
    for widget in widgets:
        old = widget.style()
        if percent <= 100:
            if isinstance(old, TextSizedIcons):
                widget.setStyle(None)  # type: ignore[arg-type]  # back to the application's
                old.deleteLater()
            continue
        style = TextSizedIcons(percent)
        style.setParent(widget)  # Qt does not own a widget's style: its widget keeps it
        widget.setStyle(style)
        if isinstance(old, TextSizedIcons):
            old.deleteLater()
