"""The accessibility-bus kit fails (never skips) where CI requires the real display."""

from __future__ import annotations

import pytest

import a11ykit


def test_missing_tools_fail_where_the_display_is_required(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(a11ykit, "missing_tools", lambda: ["at-spi-bus-launcher (at-spi2-core)"])
    monkeypatch.setenv("MSGUIDE_REQUIRE_DISPLAY", "1")
    with pytest.raises(pytest.fail.Exception, match="at-spi2-core"):
        a11ykit.require_accessibility_bus()
    monkeypatch.delenv("MSGUIDE_REQUIRE_DISPLAY")
    with pytest.raises(pytest.skip.Exception):
        a11ykit.require_accessibility_bus()


def test_this_machine_has_the_tools_or_says_which_are_missing() -> None:
    missing = a11ykit.missing_tools()
    assert all(isinstance(tool, str) and "(" in tool for tool in missing)
