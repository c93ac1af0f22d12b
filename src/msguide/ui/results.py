"""The result list: a model that pages rows in as the view scrolls, and its row painter."""

from __future__ import annotations

import re
from dataclasses import replace
from functools import partial
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    QPointF,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QFont, QFontMetrics, QPainter, QPalette, QTextCharFormat, QTextLayout
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from msguide.store.search import MARK_END, MARK_START, Hit
from msguide.ui.content import PAGE_SIZE, ContentService, SearchResult
from msguide.ui.text import format_label, human_date, join_dots, kind_label

HitRole = Qt.ItemDataRole.UserRole + 1
_MARKS = re.compile(f"([{MARK_START}{MARK_END}])")
Index = QModelIndex | QPersistentModelIndex


def describe_hit(hit: Hit) -> str:
    """One sentence for a screen reader: everything the row shows, badges in words."""
    badges = [
        b
        for b, on in (
            ("favourite", hit.favourite),
            ("new", hit.is_new),
            ("updated", hit.is_updated),
            ("unread", hit.kind == "news" and not hit.read),
            ("available offline", hit.offline),
        )
        if on
    ]
    parts = [
        hit.title,
        kind_label(hit.kind),
        hit.publisher,
        hit.phone,
        format_label(hit.format),
        human_date(hit.date),
    ]
    text = ", ".join(p for p in parts if p)
    if badges:
        text += ". " + ", ".join(badges).capitalize()
    snippet = hit.plain_snippet().strip()
    if snippet:
        text += ". " + snippet
    return text


class ResultListModel(QAbstractListModel):
    """Rows of `Hit`s for a search; further pages load on demand (canFetchMore/fetchMore)."""

    snippetsShown = Signal()  # the first rows' highlighted snippets replaced their summaries

    def __init__(self, service: ContentService, parent: Any = None) -> None:
        super().__init__(parent)
        self.service = service
        self.result: SearchResult | None = None
        self.hits: list[Hit] = []
        self._loading = False
        self._ranking = False

    @property
    def total(self) -> int:
        return self.result.total if self.result else 0

    def set_result(self, result: SearchResult) -> None:
        self.beginResetModel()
        self.result = result
        self.hits = list(result.first_page)
        self._loading = False
        self._ranking = False
        self.endResetModel()
        if result.exact and not result.snippets and result.first_page:
            self.service.snippets(result, partial(self._snippets_arrived, result))

    def _snippets_arrived(self, result: SearchResult, marked: list[Hit]) -> None:
        """The painted rows' highlighted snippets, in place of their summaries."""
        shown = self.result
        if shown is None or (shown.text, shown.filters) != (result.text, result.filters):
            return  # a newer search replaced this list
        snippets = {hit.rowid: hit.snippet for hit in marked}
        first = last = -1
        for row, hit in enumerate(self.hits):
            snippet = snippets.get(hit.rowid)
            if snippet is not None and snippet != hit.snippet:
                self.hits[row] = replace(hit, snippet=snippet)
                first = row if first < 0 else first
                last = row
        if first >= 0:
            self.dataChanged.emit(self.index(first), self.index(last))
        self.snippetsShown.emit()

    def complete_result(self, ranked: SearchResult) -> None:
        """Every match of the shown search, ranked: scrolling goes on past the first page."""
        shown = self.result
        if shown is None or (ranked.text, ranked.filters) != (shown.text, shown.filters):
            return
        self.result = ranked
        self._ranking = False
        self.fetchMore()

    def hit(self, row: int) -> Hit | None:
        return self.hits[row] if 0 <= row < len(self.hits) else None

    def row_of(self, rowid: int) -> int:
        return next((n for n, h in enumerate(self.hits) if h.rowid == rowid), -1)

    def update_hit(self, rowid: int, **changes: Any) -> None:
        row = self.row_of(rowid)
        if row >= 0:
            self.hits[row] = replace(self.hits[row], **changes)
            index = self.index(row)
            self.dataChanged.emit(index, index)

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.hits)

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:
        return not parent.isValid() and not self._loading and len(self.hits) < self.total

    def fetchMore(self, parent: Index = QModelIndex()) -> None:
        result = self.result
        if parent.isValid() or result is None or self._loading or not result.exact:
            return  # (a narrowed page, not yet ranked, is replaced by the exact one)
        start = len(self.hits)
        wanted = result.rowids[start : start + PAGE_SIZE]
        if not wanted:
            # Only the first page was ranked while the person typed; rank the rest now that
            # they scroll past it (at 100k items that is half a second of a worker's time,
            # wasted on every list nobody scrolls).
            if not result.complete and not self._ranking:
                self._ranking = True
                self.service.rank_rest(result, self.complete_result)
            return
        self._loading = True

        def arrived(page: list[Hit]) -> None:
            if self.result is not result:
                return  # a newer search replaced this one
            self._loading = False
            if page:
                self.beginInsertRows(QModelIndex(), len(self.hits), len(self.hits) + len(page) - 1)
                self.hits.extend(page)
                self.endInsertRows()

        self.service.fetch_hits(wanted, result.text, result.scores, arrived)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        hit = self.hit(index.row()) if index.isValid() else None
        if hit is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return hit.title
        if role == HitRole:
            return hit
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return describe_hit(hit)
        if role == Qt.ItemDataRole.ToolTipRole:
            return hit.url or hit.phone or None
        return None


def snippet_spans(snippet: str) -> tuple[str, list[tuple[int, int]]]:
    """The snippet on one line without its markers, and (start, length) of each highlight."""
    text: list[str] = []
    spans: list[tuple[int, int]] = []
    position = 0
    for run, highlighted in marked_segments(snippet):
        if highlighted:
            spans.append((position, len(run)))
        text.append(run)
        position += len(run)
    return "".join(text), spans


def _format_range(start: int, length: int, char_format: QTextCharFormat) -> QTextLayout.FormatRange:
    span = QTextLayout.FormatRange()
    span.start, span.length, span.format = start, length, char_format
    return span


def marked_segments(snippet: str) -> list[tuple[str, bool]]:
    """Split a snippet with highlight markers into (text, highlighted) runs."""
    out: list[tuple[str, bool]] = []
    highlighted = False
    for piece in _MARKS.split(snippet.replace("\n", " ")):
        if piece in (MARK_START, MARK_END):
            highlighted = piece == MARK_START
        elif piece:
            out.append((piece, highlighted))
    return out


class ResultDelegate(QStyledItemDelegate):
    """Paints title, 'publisher · format · date' and a snippet with the matched words in bold.

    Highlights are bold *and* tinted, so they never rely on colour alone; all colours come from
    the palette, so high-contrast themes work.
    """

    PADDING = 6
    compact = False

    def _fonts(self, base: QFont) -> tuple[QFont, QFont, QFont]:
        title = QFont(base)
        title.setBold(True)
        meta = QFont(base)
        meta.setPointSizeF(max(base.pointSizeF() * 0.9, 6.0))
        return title, meta, QFont(base)

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        title, meta, body = self._fonts(option.font)
        lines = QFontMetrics(title).lineSpacing() + QFontMetrics(meta).lineSpacing()
        if not self.compact:
            lines += QFontMetrics(body).lineSpacing()
        return QSize(200, lines + 2 * self.PADDING + 2)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        hit = index.data(HitRole)
        if not isinstance(hit, Hit):
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        widget = opt.widget
        widget.style().drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        palette: QPalette = opt.palette
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        title_font, meta_font, body_font = self._fonts(opt.font)
        rect: QRect = opt.rect.adjusted(self.PADDING, self.PADDING, -self.PADDING, -self.PADDING)
        painter.save()
        painter.setPen(palette.color(role))
        y = rect.top()

        badges = [
            b
            for b, on in (
                ("★", hit.favourite),
                ("New", hit.is_new),
                ("Updated", hit.is_updated),
                ("●", hit.kind == "news" and not hit.read),
                ("Offline", hit.offline),
            )
            if on
        ]
        x = rect.left()
        metrics = QFontMetrics(title_font)
        painter.setFont(title_font)
        for badge in badges:
            framed = len(badge) > 1  # words get a frame; the ★ and ● symbols stand alone
            width = metrics.horizontalAdvance(badge) + (8 if framed else 2)
            badge_rect = QRect(x, y, width, metrics.height())
            if framed:
                painter.drawRoundedRect(badge_rect.adjusted(0, 1, 0, -1), 3, 3)
            painter.drawText(badge_rect, Qt.AlignmentFlag.AlignCenter, badge)
            x += width + 4
        title = metrics.elidedText(hit.title, Qt.TextElideMode.ElideRight, rect.right() - x)
        painter.drawText(
            QRect(x, y, rect.right() - x, metrics.height()),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            title,
        )
        y += metrics.lineSpacing()

        painter.setFont(meta_font)
        meta_metrics = QFontMetrics(meta_font)
        if hit.kind == "contact":
            meta = join_dots("Contact", hit.phone and f"☎ {hit.phone}", hit.publisher)
        else:
            meta = join_dots(
                hit.publisher or kind_label(hit.kind),
                format_label(hit.format),
                human_date(hit.date),
            )
        painter.drawText(
            QRect(rect.left(), y, rect.width(), meta_metrics.height()),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            meta_metrics.elidedText(meta, Qt.TextElideMode.ElideRight, rect.width()),
        )
        y += meta_metrics.lineSpacing()

        if not self.compact:
            self._paint_snippet(
                painter, hit.snippet, body_font, rect.left(), y, rect.width(), palette, selected
            )
        painter.restore()

    def _paint_snippet(
        self,
        painter: QPainter,
        snippet: str,
        font: QFont,
        left: int,
        top: int,
        width: int,
        palette: QPalette,
        selected: bool,
    ) -> None:
        # One text layout per snippet (one shaping pass, one draw) rather than a draw per
        # highlighted run: rows are painted on every keystroke. The line breaks at a word.
        text, spans = snippet_spans(snippet)
        highlight = QTextCharFormat()
        highlight.setFontWeight(QFont.Weight.Bold)
        if not selected:
            highlight.setBackground(palette.color(QPalette.ColorRole.AlternateBase))
        layout = QTextLayout(text, font)
        layout.setFormats([_format_range(start, length, highlight) for start, length in spans])
        ellipsis = "…"
        room = width - QFontMetrics(font).horizontalAdvance(ellipsis)
        layout.beginLayout()
        line = layout.createLine()
        if line.isValid():
            line.setLineWidth(max(room, 0))
        layout.endLayout()
        layout.draw(painter, QPointF(left, top))
        if line.isValid() and line.textLength() < len(text):  # more follows: say so
            end = left + int(line.naturalTextWidth())
            painter.setFont(font)
            painter.drawText(QRect(end, top, width, int(line.height())), 0, ellipsis)
