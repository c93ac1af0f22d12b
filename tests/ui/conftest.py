"""UI fixtures: the real main window on the real bundled seed, in an isolated home."""

from __future__ import annotations

from windowkit import WindowFactory, open_window, opened_links, window

__all__ = ["WindowFactory", "open_window", "opened_links", "window"]
