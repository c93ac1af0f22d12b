"""End to end on a real X display (tests/displaykit.py): the real msguide, real key presses
(xdotool, XTEST) into its real window, and what X and the app then show. Quick hide (with a
modal dialog open), Enter on the highlighted row after visiting the news pane, F2 with a typed
search, and a link the computer cannot open."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from displaykit import MsguideApp, RealDisplay, wait_for

HELPLINE_PHONE = "08000 121 700"


def fake_browser(folder: Path) -> tuple[Path, Path]:
    """A bin folder whose xdg-open (which Qt runs to open a link) records the address."""
    folder.mkdir()
    record = folder / "opened.txt"
    script = folder / "xdg-open"
    script.write_text(f'#!/bin/sh\nprintf "%s\\n" "$1" >> "{record}"\n')
    script.chmod(0o755)
    return folder, record


def keys(display: RealDisplay, *names: str) -> None:
    """Keys to whichever window has focus, as a person's keyboard sends them."""
    display.x("xdotool", "key", "--delay", "60", *names)


def search(display: RealDisplay, app: MsguideApp, text: str) -> None:
    display.key(app.window_id, "ctrl+f")
    display.type_text(app.window_id, text)
    # The final list: for the typed text and ranked exactly (msguide.ui.content.search).
    app.wait_until(
        f"window.results_model.result is not None and window.results_model.result.text == {text!r}"
        " and window.results_model.result.exact"
    )


def visible_windows(display: RealDisplay, name: str) -> list[str]:
    try:
        return display.x("xdotool", "search", "--onlyvisible", "--name", name).split()
    except RuntimeError:  # xdotool exits 1 when no window matches
        return []


def window_name(display: RealDisplay, window_id: int) -> str:
    return display.x("xprop", "-id", str(window_id), "WM_NAME", "_NET_WM_NAME")


def test_quick_hide_with_a_dialog_open_hides_everything_and_comes_back_neutral(
    real_display: RealDisplay, home: Path
) -> None:
    app = real_display.launch(home)
    title = app.run("result = window.windowTitle()")
    search(real_display, app, "nrm")
    real_display.key(app.window_id, "Down")
    app.wait_until("window.detail.detail is not None")
    assert hex(app.window_id) in real_display.xprop_root("_NET_CLIENT_LIST")
    keys(real_display, "F1")  # the keyboard shortcuts: a modal dialog
    app.wait_until("app.activeModalWidget() is not None")
    keys(real_display, "ctrl+shift+h")
    wait_for(lambda: not real_display.is_viewable(app.window_id), "the window to be unmapped", 5)
    assert (
        app.run("result = [w.objectName() for w in app.topLevelWidgets() if w.isVisible()]") == []
    )
    assert "slavery" not in window_name(real_display, app.window_id).lower()
    # Taskbars and Alt+Tab list the window manager's clients: msguide is no longer one.
    assert hex(app.window_id) not in real_display.xprop_root("_NET_CLIENT_LIST")

    # Coming back: the person starts msguide again; the running one comes forward.
    env = dict(app.env)
    again = subprocess.run(
        [sys.executable, "-m", "msguide"], env=env, timeout=60, capture_output=True, check=False
    )
    assert again.returncode == 0, again.stderr
    wait_for(lambda: real_display.is_viewable(app.window_id), "the window to come back")
    assert app.run("result = window.windowTitle()") == title
    state = app.run(
        "result = [window.search_field.text(), window.detail.detail is None,"
        " window.results_view.selectionModel().selectedIndexes() == [], window.sidebar_key]"
    )
    assert state == ["", True, True, "all"]


def test_enter_after_the_news_pane_opens_the_highlighted_result(
    real_display: RealDisplay, home: Path, tmp_path: Path
) -> None:
    bin_folder, record = fake_browser(tmp_path / "bin")
    path = f"{bin_folder}{os.pathsep}{os.environ.get('PATH', '')}"
    app = real_display.launch(home, env={"PATH": path, "BROWSER": "", "DEFAULT_BROWSER": ""})
    search(real_display, app, "nrm")
    real_display.key(app.window_id, "Down")
    result_url = app.wait_until(
        "window.detail.detail is not None and window.results_model.hits[0].url"
    )
    # Into the news pane (F6: the detail pane's first button, then the news list) and back.
    real_display.key(app.window_id, "F6", "F6")
    app.wait_until("app.focusWidget() is window.news.view")
    real_display.key(app.window_id, "shift+F6", "shift+F6")
    app.wait_until("app.focusWidget() is window.results_view")
    app.wait_until(
        f"window.detail.detail is not None and window.detail.detail.item.url == {result_url!r}"
    )
    real_display.key(app.window_id, "Return")
    wait_for(record.exists, "the browser to be asked to open a link")
    assert record.read_text().split() == [result_url]


def test_f2_with_a_typed_search_lists_the_helpline(real_display: RealDisplay, home: Path) -> None:
    app = real_display.launch(home)
    search(real_display, app, "toolkit")
    real_display.key(app.window_id, "F2")
    app.wait_until("window.sidebar_key == 'contacts' and window.results_model.result.text == ''")
    phones = app.run("result = [h.phone for h in window.results_model.hits]")
    assert HELPLINE_PHONE in phones
    assert app.run("result = window.search_field.text()") == ""
    assert "“toolkit” cleared" in app.run("result = window.statusBar().currentMessage()")


def test_a_link_that_cannot_be_opened_shows_its_address_and_copies_it(
    real_display: RealDisplay, home: Path, tmp_path: Path
) -> None:
    empty = tmp_path / "no-programs"
    empty.mkdir()  # no xdg-open, no browser: Qt's openUrl returns False
    app = real_display.launch(home, env={"PATH": str(empty), "BROWSER": "", "DEFAULT_BROWSER": ""})
    search(real_display, app, "nrm")
    real_display.key(app.window_id, "Down")
    url = app.wait_until("window.detail.detail is not None and window.results_model.hits[0].url")
    real_display.key(app.window_id, "Return")
    found = wait_for(
        lambda: real_display.x(
            "xdotool", "search", "--onlyvisible", "--name", "Link not opened"
        ).split(),
        "the message about the link",
    )
    assert url in app.run(
        "result = window.findChild(QtWidgets.QMessageBox, 'linkFailedMessage').text()"
    )
    real_display.x("xdotool", "windowactivate", "--sync", found[0], "key", "Return")  # Copy address
    app.wait_until(f"QtGui.QGuiApplication.clipboard().text() == {url!r}")
