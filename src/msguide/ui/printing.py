"""Print and PDF: an item or the Contacts & helplines list on paper, with a dated footer.

What is printed is built here as plain-text blocks (a title, headings, lines, checklist
lines) and laid out with a QTextDocument through QTextCursor.insertText, which never reads
text as HTML: feed text is untrusted and stays inert on paper too. Every page carries a
footer: who published the content, its revision and published date, the date printed, and
"check msguide for updates before relying on this" (a printout does not update itself).

The window prints through the system print dialog or writes a PDF; `msguide print` writes
the same pages (`print_to_pdf`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from msguide.errors import StorageError, UsageError
from msguide.ui.text import format_label, human_date, join_dots, kind_label

if TYPE_CHECKING:
    from PySide6.QtGui import QTextDocument
    from PySide6.QtPrintSupport import QPrinter

    from msguide.feed.model import Item
    from msguide.store.citation import ContentRevision
    from msguide.store.db import Store
    from msguide.store.pathways import CitedItem, StoredPathway
    from msguide.store.reader import Reader

Style = Literal["title", "heading", "meta", "text", "check", "sub", "gap"]

CHECK_BOX = "☐"
UPDATES = "Check msguide for updates before relying on this."
BODY_POINTS = 10.5
FOOTER_POINTS = 8.0


@dataclass(frozen=True, slots=True)
class Block:
    style: Style
    text: str = ""


@dataclass(frozen=True, slots=True)
class Printout:
    """What goes on paper: a name for the print job, the blocks, and the revisions the
    content comes from (for the footer)."""

    name: str
    blocks: tuple[Block, ...]
    revisions: tuple[ContentRevision, ...] = field(default=())

    def plain_text(self) -> str:
        """The printout as text, as it reads on paper (tests, and the printed body)."""
        return "\n".join(b.text for b in self.blocks)


def footer_text(revisions: tuple[ContentRevision, ...], printed: str) -> str:
    """The footer of every page: publisher, revision, published and printed dates."""
    sources = "; ".join(
        f"{r.source_name}: content revision {r.sequence}, published {human_date(r.published)}"
        for r in revisions
    )
    return join_dots(sources or "msguide", f"Printed {human_date(printed)}", UPDATES)


# --- what is printed ------------------------------------------------------------------------


def _item_blocks(item: Item, *, heading: Style = "title", with_meta: bool = True) -> list[Block]:
    blocks = [Block(heading, item.title)]
    dates = []
    if item.date_published:
        dates.append(f"published {human_date(item.date_published)}")
    if item.date_modified and item.date_modified != item.date_published:
        dates.append(f"updated {human_date(item.date_modified)}")
    meta = join_dots(
        kind_label(item.kind), item.publisher, format_label(item.format), ", ".join(dates)
    )
    if with_meta:
        blocks.append(Block("meta", meta))
    for label, value in (("Phone", item.phone), ("E-mail", item.email), ("Hours", item.hours)):
        if value:
            blocks.append(Block("text", f"{label}: {value}"))
    if item.url:
        blocks.append(Block("text", f"Link: {item.url}"))
    return blocks


def item_printout(
    item: Item,
    revision: ContentRevision | None,
    audiences: tuple[str, ...] = (),
    categories: tuple[str, ...] = (),
) -> Printout:
    blocks = _item_blocks(item)
    if audiences:
        blocks.append(Block("meta", "For: " + ", ".join(audiences)))
    if categories:
        blocks.append(Block("meta", "Topics: " + ", ".join(categories)))
    if item.summary:
        blocks += [Block("gap"), Block("text", item.summary)]
    if item.content_text and item.content_text != item.summary:
        blocks += [Block("gap"), Block("text", item.content_text)]
    attachments = [a for a in item.attachments if a.url]
    if attachments:
        blocks += [Block("gap"), Block("heading", "Documents")]
        blocks += [Block("text", f"- {a.title or 'Document'}: {a.url}") for a in attachments]
    revisions = (revision,) if revision is not None else ()
    return Printout(item.title, tuple(blocks), revisions)


@dataclass(frozen=True, slots=True)
class PrintStep:
    """One pathway step as printed: its text, the items it cites (one line each, with a
    number or link), and its choices as (label, number of the step they lead to)."""

    text: str
    cites: tuple[str, ...] = ()
    choices: tuple[tuple[str, int], ...] = ()


def pathway_printout(
    title: str, summary: str, steps: list[PrintStep], revision: ContentRevision | None
) -> Printout:
    """A pathway laid out as a checklist: every step, numbered, with a box to tick, what it
    rests on, and which step each answer leads to."""
    blocks = [
        Block("title", title),
        Block("meta", "Every step of this pathway, to tick off as you go."),
    ]
    if summary:
        blocks += [Block("gap"), Block("text", summary)]
    for number, step in enumerate(steps, 1):
        blocks += [Block("gap"), Block("check", f"Step {number}. {step.text}")]
        blocks += [Block("sub", f"See: {cite}") for cite in step.cites]
        blocks += [Block("sub", f"{label} → go to step {target}") for label, target in step.choices]
        if not step.choices:
            blocks.append(Block("sub", "End of the pathway."))
    return Printout(title, tuple(blocks), (revision,) if revision is not None else ())


def _cited_line(item_id: str, cited: dict[str, CitedItem]) -> str:
    item = cited.get(item_id)
    if item is None:
        return f"{item_id} (not in the current content)"
    how = " ".join(x for x in (item.phone, f"({item.hours})" if item.hours and item.phone else ""))
    return f"{item.title}: {how.strip() or item.url or item.id}"


def stored_pathway_printout(stored: StoredPathway, revision: ContentRevision | None) -> Printout:
    """A stored pathway (msguide.store.pathways) as a checklist of all its steps."""
    pathway = stored.pathway
    numbers = {step.id: n for n, step in enumerate(pathway.steps, 1)}
    steps = [
        PrintStep(
            step.text,
            tuple(_cited_line(i, stored.cited) for i in step.cites),
            tuple((c.label, numbers[c.next]) for c in step.choices if c.next in numbers),
        )
        for step in pathway.steps
    ]
    return pathway_printout(pathway.title, pathway.summary, steps, revision)


def load_pathway_printout(connection: Reader, source: str, pathway_id: str) -> Printout | None:
    from msguide.store.citation import content_revision
    from msguide.store.pathways import load_pathway

    stored = load_pathway(connection, source, pathway_id)
    if stored is None:
        return None
    return stored_pathway_printout(stored, content_revision(connection, source))


def contacts_printout(contacts: list[Item], revisions: tuple[ContentRevision, ...]) -> Printout:
    blocks = [
        Block("title", "Contacts & helplines"),
        Block("meta", "Numbers, hours and links as published in the content."),
    ]
    for contact in contacts:
        blocks.append(Block("gap"))
        blocks += _item_blocks(contact, heading="heading", with_meta=bool(contact.publisher))
        if contact.summary:
            blocks.append(Block("text", contact.summary))
    return Printout("Contacts & helplines", tuple(blocks), revisions)


# --- reading what to print from the store ---------------------------------------------------


def load_item_printout(connection: Reader, rowid: int) -> Printout | None:
    from msguide.store.browse import item_detail
    from msguide.store.citation import content_revision

    detail = item_detail(connection, rowid)
    if detail is None:
        return None
    return item_printout(
        detail.item,
        content_revision(connection, detail.source),
        detail.audience_labels,
        detail.category_labels,
    )


def load_contacts_printout(connection: Reader) -> Printout:
    """Every contact, in the order the Contacts & helplines list shows them."""
    from msguide.store.citation import content_revisions
    from msguide.store.content import load_items
    from msguide.store.search import Filters, find

    rowids = [r for r, _ in find(connection, "", Filters(kind="contact"))]
    items = load_items(connection, rowids)
    contacts = [items[r] for r in rowids if r in items]
    return contacts_printout(contacts, tuple(content_revisions(connection)))


def find_printout(connection: Reader, what: str, source: str | None = None) -> Printout:
    """The printout `msguide print` names: an item id, `contacts`, or `pathway:ID`."""
    if what == "contacts":
        return load_contacts_printout(connection)
    if what.startswith("pathway:"):
        return _named_pathway(connection, what.removeprefix("pathway:"))
    sql = "SELECT id FROM items WHERE item_id = ?"
    params: tuple[str, ...] = (what,)
    if source:
        sql += " AND source_id = ?"
        params += (source,)
    rows = connection.exec_driver_sql(sql, params).all()
    if not rows:
        raise UsageError(
            f'there is no item "{what}" in the current content; `msguide search` shows items '
            "with their ids (or print `contacts`)"
        )
    if len(rows) > 1:
        raise UsageError(f'several sources have an item "{what}"; add --source')
    printout = load_item_printout(connection, int(rows[0][0]))
    assert printout is not None
    return printout


def _named_pathway(connection: Reader, name: str) -> Printout:
    from msguide.store.pathways import find_pathways

    found = find_pathways(connection, name)
    if len(found) > 1:
        names = ", ".join(f"pathway:{entry.key}" for entry in found)
        raise UsageError(f'several sources have a pathway "{name}"; name one: {names}')
    printout = load_pathway_printout(connection, found[0].source, found[0].id) if found else None
    if printout is None:
        raise UsageError(
            f'there is no pathway "{name}" in the current content; '
            "`msguide pathway list` lists them"
        )
    return printout


# --- laying out and painting ----------------------------------------------------------------


def build_document(printout: Printout) -> QTextDocument:
    """The printout as a QTextDocument, every text inserted as plain text."""
    from PySide6.QtGui import (
        QFont,
        QTextBlockFormat,
        QTextCharFormat,
        QTextCursor,
        QTextDocument,
        QTextOption,
    )

    document = QTextDocument()
    base = QFont()
    base.setPointSizeF(BODY_POINTS)
    document.setDefaultFont(base)
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)  # long addresses
    document.setDefaultTextOption(option)
    cursor = QTextCursor(document)
    sizes = {
        "title": 1.6,
        "heading": 1.15,
        "meta": 0.95,
        "text": 1.0,
        "check": 1.0,
        "sub": 0.95,
        "gap": 0.6,
    }
    for number, block in enumerate(printout.blocks):
        character = QTextCharFormat()
        character.setFontPointSize(BODY_POINTS * sizes[block.style])
        character.setFontWeight(
            QFont.Weight.Bold if block.style in ("title", "heading") else QFont.Weight.Normal
        )
        character.setFontItalic(block.style == "meta")
        paragraph = QTextBlockFormat()
        paragraph.setBottomMargin(4 if block.style != "gap" else 0)
        if block.style == "check":
            paragraph.setLeftMargin(18)
            paragraph.setTextIndent(-18)
        elif block.style == "sub":
            paragraph.setLeftMargin(30)
        if number:
            cursor.insertBlock(paragraph, character)
        else:
            cursor.setBlockFormat(paragraph)
            cursor.setCharFormat(character)
        text = f"{CHECK_BOX} {block.text}" if block.style == "check" else block.text
        # Lines of one text stay in one paragraph: U+2028 is a line break inside it.
        cursor.insertText(text.replace("\n", "\u2028"), character)
    return document


def paint(printout: Printout, printer: QPrinter, printed: str) -> int:
    """Lay `printout` out on `printer`'s pages with the footer on each; the page count."""
    from PySide6.QtCore import QPointF, QRectF, QSizeF, Qt
    from PySide6.QtGui import QFont, QFontMetricsF, QPainter
    from PySide6.QtPrintSupport import QPrinter

    printer.setDocName(printout.name)
    page = printer.pageRect(QPrinter.Unit.DevicePixel)
    painter = QPainter()
    if not painter.begin(printer):
        raise StorageError("the printer or PDF file could not be opened for writing")
    try:
        footer_font = QFont()
        footer_font.setPointSizeF(FOOTER_POINTS)
        painter.setFont(footer_font)
        metrics = QFontMetricsF(footer_font, printer)
        footer = footer_text(printout.revisions, printed)
        footer_height = metrics.height() * 3.5
        body = QRectF(0, 0, page.width(), page.height() - footer_height)
        document = build_document(printout)
        document.documentLayout().setPaintDevice(printer)
        document.setPageSize(QSizeF(body.width(), body.height()))
        pages = max(1, document.pageCount())
        for number in range(pages):
            if number:
                printer.newPage()
            painter.save()
            painter.translate(QPointF(0, -number * body.height()))
            document.drawContents(
                painter, QRectF(0, number * body.height(), body.width(), body.height())
            )
            painter.restore()
            area = QRectF(0, body.height() + metrics.height() * 0.5, page.width(), footer_height)
            painter.setFont(footer_font)
            painter.drawLine(QPointF(0, area.top()), QPointF(page.width(), area.top()))
            painter.drawText(
                area.adjusted(0, metrics.height() * 0.3, 0, 0),
                int(Qt.AlignmentFlag.AlignLeft) | int(Qt.TextFlag.TextWordWrap),
                f"{footer} Page {number + 1} of {pages}.",
            )
    finally:
        painter.end()
    return pages


def pdf_printer(path: Path) -> QPrinter:
    from PySide6.QtGui import QPageSize
    from PySide6.QtPrintSupport import QPrinter

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    printer.setOutputFileName(str(path))
    return printer


def write_pdf(printout: Printout, path: Path, printed: str) -> int:
    """Write `printout` as a PDF at `path` (through a temporary file: never half a PDF)."""
    temporary = path.with_name(f".{path.name}.tmp.pdf")
    try:
        temporary.touch()  # a folder that cannot be written says so before anything is drawn
        pages = paint(printout, pdf_printer(temporary), printed)
        os.replace(temporary, path)
    except OSError as error:
        raise StorageError(f"cannot write {path}: {error.strerror or error}") from None
    finally:
        if temporary.exists():
            temporary.unlink()
    return pages


def print_to_pdf(store: Store, what: str, path: Path, *, source: str | None = None) -> int:
    """`msguide print`: write ITEM_ID, `contacts` or `pathway:ID` as a PDF; the page count."""
    from msguide.clock import utc_now

    with store.read() as connection:
        printout = find_printout(connection, what, source)
    _ensure_gui_application()
    return write_pdf(printout, path, utc_now())


def _ensure_gui_application() -> None:
    """Fonts need a QGuiApplication; on the command line make one that needs no display."""
    from PySide6.QtGui import QGuiApplication

    if QGuiApplication.instance() is None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        global _APPLICATION
        _APPLICATION = QGuiApplication(["msguide"])


_APPLICATION: object = None
