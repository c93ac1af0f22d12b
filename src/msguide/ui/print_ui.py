"""File ▸ Print… (Ctrl+P) and Save as PDF…: the item or pathway the detail area shows (a
pathway as a checklist of all its steps), or the Contacts & helplines list, through the system
print dialog or into a PDF file.

What to print is read from the store on a worker; pages are painted on the GUI thread
(msguide.ui.printing), which a few pages do not keep busy for long.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDir, QObject, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QFileDialog

from msguide.ui.text import error_sentence

if TYPE_CHECKING:
    from PySide6.QtPrintSupport import QPrinter

    from msguide.ui.main_window import MainWindow
    from msguide.ui.printing import Printout


class PrintTools(QObject):
    """The print actions. `printed(message)` after pages were printed or saved."""

    printed = Signal(str)
    failed = Signal(str)

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.print_action = self._action(
            "&Print…", ["Ctrl+P"], self.print_shown, "Print the item or pathway shown"
        )
        self.pdf_action = self._action(
            "Save as P&DF…",
            ["Ctrl+Shift+P"],
            self.save_shown,
            "Save the item or pathway shown as a PDF",
        )
        self.print_contacts_action = self._action(
            "Print c&ontacts && helplines…",
            [],
            self.print_contacts,
            "Print every contact and helpline, with numbers and hours",
        )
        self.contacts_pdf_action = self._action(
            "Sa&ve contacts && helplines as PDF…",
            [],
            self.save_contacts,
            "Save every contact and helpline as a PDF",
        )
        menu = window.file_menu
        for action in (
            self.print_action,
            self.pdf_action,
            self.print_contacts_action,
            self.contacts_pdf_action,
        ):
            menu.insertAction(window.quit_action, action)
        menu.insertSeparator(window.quit_action)
        self.printed.connect(window.show_message)
        self.failed.connect(window.show_message)
        # Tests replace these to print without the system dialogs.
        self.choose_printer: Callable[[QPrinter], bool] = self._printer_dialog
        self.choose_pdf: Callable[[str], Path | None] = self._pdf_dialog

    def _action(self, text: str, keys: list[str], handler: Callable[[], Any], tip: str) -> QAction:
        action = QAction(text, self.window)
        action.setShortcuts([QKeySequence(k) for k in keys])
        action.setStatusTip(tip)
        action.triggered.connect(handler)
        self.window.addAction(action)
        return action

    # --- what to print ----------------------------------------------------------------------

    def _shown_pathway(self) -> tuple[str, str] | None:
        """(source, id) of the pathway the detail area shows, if it shows one."""
        ui = getattr(self.window, "pathway_ui", None)
        if ui is None or ui.showing is None or ui.stack.currentWidget() is not ui.view:
            return None
        showing: tuple[str, str] = ui.showing
        return showing

    def _load(self, contacts: bool, then: Callable[[Printout], None]) -> None:
        detail = self.window.detail.detail
        pathway = None if contacts else self._shown_pathway()
        if not contacts and pathway is None and detail is None:
            self.failed.emit("Choose an item to print first (or print the contacts list).")
            return
        rowid = detail.rowid if detail is not None else 0

        def fn(connection: Any) -> Printout | None:
            from msguide.ui.printing import (
                load_contacts_printout,
                load_item_printout,
                load_pathway_printout,
            )

            if contacts:
                return load_contacts_printout(connection)
            if pathway is not None:
                return load_pathway_printout(connection, *pathway)
            return load_item_printout(connection, rowid)

        def arrived(printout: Printout | None) -> None:
            if printout is None:
                self.failed.emit("The item is no longer in the content, so it was not printed.")
            else:
                then(printout)

        store = self.window.service.store
        if store is None:
            return

        def work() -> Printout | None:
            with store.read() as connection:
                return fn(connection)

        self.window.service.reads.submit(work, arrived, self._report)

    def print_shown(self) -> None:
        self._load(False, self._print)

    def save_shown(self) -> None:
        self._load(False, self._save)

    def print_contacts(self) -> None:
        self._load(True, self._print)

    def save_contacts(self) -> None:
        self._load(True, self._save)

    # --- where to -----------------------------------------------------------------------------

    def _printer_dialog(self, printer: QPrinter) -> bool:
        from PySide6.QtPrintSupport import QPrintDialog

        dialog = QPrintDialog(printer, self.window)
        dialog.setObjectName("printDialog")
        return dialog.exec() == QDialog.DialogCode.Accepted

    def _pdf_dialog(self, name: str) -> Path | None:
        safe = "".join(c if c.isalnum() or c in " -_" else " " for c in name)[:60].strip()
        suggested = Path(QDir.homePath()) / f"{' '.join(safe.split()) or 'msguide'}.pdf"
        chosen, _filter = QFileDialog.getSaveFileName(
            self.window, "Save as PDF", str(suggested), "PDF files (*.pdf)"
        )
        if not chosen:
            return None
        path = Path(chosen)
        return path if path.suffix.lower() == ".pdf" else path.with_suffix(".pdf")

    def _print(self, printout: Printout) -> None:
        from PySide6.QtPrintSupport import QPrinter

        from msguide.clock import utc_now
        from msguide.ui.printing import paint

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(printout.name)
        if not self.choose_printer(printer):
            return
        try:
            pages = paint(printout, printer, utc_now())
        except Exception as error:
            self._report(error)
            return
        self.printed.emit(f"Printed “{printout.name}” ({pages} page{'' if pages == 1 else 's'}).")

    def _save(self, printout: Printout) -> None:
        from msguide.clock import utc_now
        from msguide.ui.printing import write_pdf

        path = self.choose_pdf(printout.name)
        if path is None:
            return
        try:
            pages = write_pdf(printout, path, utc_now())
        except Exception as error:
            self._report(error)
            return
        self.printed.emit(
            f"Saved “{printout.name}” as {path} ({pages} page{'' if pages == 1 else 's'})."
        )

    def _report(self, error: BaseException) -> None:
        self.failed.emit(f"Nothing was printed: {error_sentence(error)}")
