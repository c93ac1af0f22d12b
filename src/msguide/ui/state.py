"""Window layout remembered between runs (size, splitters, chosen sidebar entry, news pane)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings


class UiState:
    """A small INI file beside the user's settings; layout is not a setting IT may lock."""

    def __init__(self, path: Path) -> None:
        self.settings = QSettings(str(path), QSettings.Format.IniFormat)

    def bytes(self, key: str) -> QByteArray | None:
        value = self.settings.value(key)
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def set_bytes(self, key: str, value: QByteArray) -> None:
        self.settings.setValue(key, value)

    def text(self, key: str, default: str = "") -> str:
        value = self.settings.value(key, default)
        return value if isinstance(value, str) else default

    def set_text(self, key: str, value: str) -> None:
        self.settings.setValue(key, value)

    def sync(self) -> None:
        self.settings.sync()

    def number(self, key: str, default: int) -> int:
        try:
            return int(str(self.settings.value(key, default)))
        except ValueError:
            return default

    def set_number(self, key: str, value: int) -> None:
        self.settings.setValue(key, value)
