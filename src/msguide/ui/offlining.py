"""Offline documents in the window: the detail pane's offline actions, downloads after each sync,
Admin ▸ Import offline pack…, and the status bar's word when the computer is offline.

`OfflineUi` wires `msguide.ui.offline.OfflineController` to the window once the store is open.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence

from msguide.ui.elided_label import ElidedLabel

if TYPE_CHECKING:
    from msguide.ui.main_window import MainWindow
    from msguide.ui.offline import Connectivity, OfflineController, PackImport


class OfflineUi(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.controller: OfflineController | None = None
        self.connectivity: Connectivity | None = None
        self.pack_import: PackImport | None = None
        self.network = ElidedLabel("networkStatus")
        self.network.setAccessibleDescription("Network")
        window.statusBar().addPermanentWidget(self.network)
        self.network.hide()
        self.pack_action: QAction | None = None
        settings = window.settings
        if settings is None or settings.policy.admin_tools:
            self.pack_action = QAction("Import offline &pack…", window)
            self.pack_action.setObjectName("importPackAction")
            self.pack_action.setShortcut(QKeySequence("Ctrl+Shift+O"))
            self.pack_action.setStatusTip(
                "Import content and documents from an offline pack (.zip), with no network"
            )
            self.pack_action.triggered.connect(self.import_pack)
            self.pack_action.setEnabled(False)
            window.addAction(self.pack_action)
            from msguide.ui.admin.menu import admin_menu

            admin_menu(window).addAction(self.pack_action)
        window.detail.openOfflineRequested.connect(self._open_copy)
        window.detail.keepOfflineToggled.connect(self._keep_offline)
        window.detailShown.connect(self._detail_shown)

    def store_ready(self) -> None:
        from msguide.ui.offline import Connectivity, OfflineController, offline_notice

        service = self.window.service
        if service.store is None:
            return
        settings = self.window.settings
        self.controller = OfflineController(
            service.store,
            where=service.where,
            policy=settings.policy if settings is not None else None,
            parent=self,
        )
        self.controller.changed.connect(service.contentChanged.emit)
        self.controller.status.connect(self.window.show_message)
        self.controller.problem.connect(self.window.show_message)
        self.window.sync_ui.finished.connect(self.controller.after_sync)
        if self.pack_action is not None:
            self.pack_action.setEnabled(not service.read_only)
        self.connectivity = Connectivity(self)

        def show(online: bool | None) -> None:
            text = offline_notice(online)
            self.network.setText(text)
            self.network.setVisible(bool(text))

        self.connectivity.changed.connect(show)
        show(self.connectivity.online())

    def shutdown(self) -> None:
        if self.controller is not None:
            self.controller.shutdown()

    def _detail_shown(self) -> None:
        detail = self.window.detail.detail
        if detail is not None and self.controller is not None:
            self.controller.item_offline(detail.rowid, self.window.detail.set_offline)

    def _open_copy(self, sha256: str) -> None:
        if self.controller is not None:
            self.controller.open_copy(sha256, self.window)

    def _keep_offline(self, keep: bool) -> None:
        detail = self.window.detail.detail
        if detail is None or self.controller is None:
            return
        if self.window.service.read_only:
            self.window.show_message("This cannot be saved: the content is open read-only.")
            return
        self.controller.set_keep_offline(detail.source, detail.item.id, keep)
        verb = "will be kept" if keep else "are no longer kept"
        self.window.show_message(f"The documents of “{detail.item.title}” {verb} offline.")

    def import_pack(self) -> None:
        from msguide.ui.offline import import_offline_pack

        service = self.window.service
        if service.store is None:
            return
        settings = self.window.settings
        task = import_offline_pack(
            self.window,
            service.store,
            where=service.where,
            policy=settings.policy if settings is not None else None,
        )
        if task is not None:
            self.pack_import = task
            task.done.connect(lambda _result: service.contentChanged.emit())
