"""The Qt binding must not leak or over-release references (PySide6 6.12.0 did, see pyproject)."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot


def test_void_qt_calls_keep_none_alive(qtbot: QtBot) -> None:
    label = QLabel()
    qtbot.addWidget(label)
    holder = QObject()
    timer = QTimer()
    before = sys.getrefcount(None)
    for _ in range(2000):
        label.setText("x")
        holder.setObjectName("y")
        timer.stop()
    # A correct binding leaves None's count where it was (give or take a few references
    # held by the interpreter); 6.12.0 on Python 3.11 lost one per call.
    assert sys.getrefcount(None) - before > -100
