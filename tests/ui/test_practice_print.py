"""Printing from the window (to a file printer, as the print dialog's "print to file" does),
Save as PDF, and Copy as text."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from msguide.ui.main_window import MainWindow
from msguide.ui.practice import PracticeTools
from pdftext import needs_pdftotext, pdf_text

FOOTER = "Check msguide for updates before relying on this."


def _tools(window: MainWindow) -> PracticeTools:
    tools = window.findChild(PracticeTools, "practiceTools")
    assert tools is not None
    return tools


def _show(qtbot: QtBot, window: MainWindow, query: str, item_id: str | None = None) -> None:
    with qtbot.waitSignal(window.resultsShown, timeout=5000):
        window.search_field.setText(query)
    ids = [hit.id for hit in window.results_model.hits]
    row = ids.index(item_id) if item_id is not None else 0
    with qtbot.waitSignal(window.detailShown, timeout=5000):
        window.results_view.setCurrentIndex(window.results_model.index(row))


def _file_printer(path: Path):  # type: ignore[no-untyped-def]
    def choose(printer: QPrinter) -> bool:
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(path))
        return True

    return choose


@needs_pdftotext
def test_ctrl_p_prints_the_shown_item_to_a_file_printer(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    printing = _tools(window).printing
    out = tmp_path / "printed.pdf"
    printing.choose_printer = _file_printer(out)
    _show(qtbot, window, "ceraf guidance")
    shown = window.detail.detail
    assert shown is not None
    with qtbot.waitSignal(printing.printed, timeout=10_000):
        qtbot.keyClick(window, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    text = pdf_text(out)
    assert shown.item.title in text
    assert FOOTER in text and "content revision 1" in text


def test_a_cancelled_print_dialog_prints_nothing(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    printing = _tools(window).printing
    asked: list[QPrinter] = []
    printing.choose_printer = lambda printer: asked.append(printer) is not None
    _show(qtbot, window, "glaa")
    with qtbot.assertNotEmitted(printing.printed, wait=200):
        printing.print_action.trigger()
        qtbot.waitUntil(lambda: bool(asked), timeout=5000)
    assert not list(tmp_path.rglob("*.pdf"))


@needs_pdftotext
def test_save_as_pdf_writes_the_contacts_list(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    printing = _tools(window).printing
    out = tmp_path / "contacts.pdf"
    printing.choose_pdf = lambda _name: out
    with qtbot.waitSignal(printing.printed, timeout=10_000):
        printing.contacts_pdf_action.trigger()
    text = pdf_text(out)
    assert "Contacts & helplines" in text
    assert "08000 121 700" in text and "Police emergency" in text
    assert FOOTER in text


def test_printing_with_nothing_shown_says_what_to_do(qtbot: QtBot, window: MainWindow) -> None:
    printing = _tools(window).printing
    window.detail.show_detail(None)
    with qtbot.waitSignal(printing.failed, timeout=5000) as failed:
        printing.pdf_action.trigger()
    assert "Choose an item" in failed.args[0]


def test_copy_as_text_copies_a_short_citation(qtbot: QtBot, window: MainWindow) -> None:
    tools = _tools(window)
    _show(qtbot, window, "modern slavery exploitation helpline")
    shown = window.detail.detail
    assert shown is not None and shown.item.id == "modern-slavery-exploitation-helpline"
    with qtbot.waitSignal(tools.copied, timeout=5000):
        qtbot.keyClick(
            window,
            Qt.Key.Key_T,
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
        )
    assert QApplication.clipboard().text().splitlines() == [
        "Modern Slavery & Exploitation Helpline",
        "Phone: 08000 121 700 (24 hours a day, 365 days a year)",
        "https://www.modernslaveryhelpline.org/",
        "From Hampshire & Isle of Wight Modern Slavery Partnership, content revision 1 "
        "(published 28 November 2026), via msguide.",
    ]


def test_copy_as_text_names_the_publisher_of_guidance(qtbot: QtBot, window: MainWindow) -> None:
    tools = _tools(window)
    _show(qtbot, window, "nrm child", "nrm-guidance-child-first-responders")
    with qtbot.waitSignal(tools.copied, timeout=5000):
        tools.copy_text_action.trigger()
    lines = QApplication.clipboard().text().splitlines()
    assert lines[1] == "Publisher: Home Office"
    assert lines[2].startswith("https://www.gov.uk/")
    assert "content revision 1" in lines[-1]


@pytest.mark.slow  # the dialog asks the system for its printers first
@needs_pdftotext
def test_the_system_print_dialog_prints_to_a_file_printer(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    """Through the real QPrintDialog, accepted with its file printer chosen."""
    from PySide6.QtCore import QTimer
    from PySide6.QtPrintSupport import QPrintDialog

    printing = _tools(window).printing
    out = tmp_path / "dialog.pdf"
    real_dialog = printing.choose_printer
    seen: list[QPrintDialog] = []

    def accept_dialog() -> None:
        dialogs = [w for w in QApplication.topLevelWidgets() if isinstance(w, QPrintDialog)]
        if not dialogs:
            QTimer.singleShot(50, accept_dialog)
            return
        seen.extend(dialogs)
        dialogs[0].accept()

    def with_file_printer(printer: QPrinter) -> bool:
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(out))
        QTimer.singleShot(50, accept_dialog)
        return real_dialog(printer)

    printing.choose_printer = with_file_printer
    _show(qtbot, window, "glaa")
    with qtbot.waitSignal(printing.printed, timeout=10_000):
        printing.print_action.trigger()
    assert seen and seen[0].objectName() == "printDialog"
    text = pdf_text(out)
    assert "Gangmasters and Labour Abuse Authority (GLAA)" in text
    assert "0345 602 5020" in text and FOOTER in text


@needs_pdftotext
def test_ctrl_p_on_a_shown_pathway_prints_all_its_steps(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    printing = _tools(window).printing
    out = tmp_path / "pathway.pdf"
    printing.choose_printer = _file_printer(out)
    ui = window.pathway_ui
    qtbot.keyClick(window, Qt.Key.Key_6, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: ui.showing is not None and ui.stack.currentWidget() is ui.view)
    with qtbot.waitSignal(printing.printed, timeout=10_000):
        qtbot.keyClick(window, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    text = pdf_text(out)
    assert "An adult may be a victim" in text
    assert "☐ Step 1." in text and "☐ Step 2." in text and "999" in text
    assert FOOTER in text
