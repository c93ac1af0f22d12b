"""Screenshots of the real msguide window on a real X display, for the README and reviews.

    python scripts/screenshot.py [-o docs/images] [--state NAME ...]

Starts Xvfb at 1366x768 with openbox and a 40 px taskbar (tests/displaykit.py: the laptop
screen the geometry tests use), runs the app as a person would in a fresh MSGUIDE_HOME (never
your own data), drives it with real key presses (xdotool), and takes each picture of the
screen with ImageMagick's `import`, cut to the window's frame as the window manager drew it.
Pictures are stripped and reduced to 256 colours to stay small.

States: first-start, main-window (a search with a result open: the README image), contact
(F2, the helpline), dialog (F1's keyboard shortcuts), text-200 (200% text), scale-150
(QT_SCALE_FACTOR=1.5). Needs: Xvfb, openbox, xdotool, imagemagick, x11-utils.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from displaykit import MsguideApp, RealDisplay, missing_tools  # noqa: E402

QUERY = "nrm adult"


def settle(app: MsguideApp) -> None:
    """Let the window finish painting (results, detail, pending layout) before a picture."""
    app.run("QtWidgets.QApplication.processEvents()")
    time.sleep(0.4)
    app.run("QtWidgets.QApplication.processEvents()")


def shoot(display: RealDisplay, app: MsguideApp, output: Path) -> Path:
    settle(app)
    raw = output.with_suffix(".raw.png")
    display.screenshot(raw, crop=app.frame())
    subprocess.run(
        ["convert", str(raw), "-strip", "+dither", "-colors", "256", f"PNG8:{output}"], check=True
    )
    raw.unlink()
    print(f"wrote {output} ({output.stat().st_size // 1024} KiB)")
    return output


def search(display: RealDisplay, app: MsguideApp) -> None:
    """Type a search as a person does and open the first result (Down from the field)."""
    display.key(app.window_id, "ctrl+f")
    display.type_text(app.window_id, QUERY)
    app.wait_until(f"window.search_field.text() == {QUERY!r} and window.results_model.total")
    display.key(app.window_id, "Down")
    app.wait_until("window.detail.detail is not None")


def first_start(display: RealDisplay, app: MsguideApp, out: Path) -> None:
    shoot(display, app, out / "first-start.png")


def main_window(display: RealDisplay, app: MsguideApp, out: Path) -> None:
    search(display, app)
    shoot(display, app, out / "main-window.png")


def contact(display: RealDisplay, app: MsguideApp, out: Path) -> None:
    display.key(app.window_id, "ctrl+f", "ctrl+a", "BackSpace", "F2")
    app.wait_until("window.sidebar_key == 'contacts' and window.results_view.hasFocus()")
    app.wait_until("window.detail.detail is not None and window.detail.detail.item.phone")
    shoot(display, app, out / "contact.png")


def dialog(display: RealDisplay, app: MsguideApp, out: Path) -> None:
    display.key(app.window_id, "F1")
    app.wait_until(
        "any(isinstance(w, QtWidgets.QDialog) and w.isVisible() "
        "for w in QtWidgets.QApplication.topLevelWidgets())"
    )
    shoot(display, app, out / "dialog.png")
    display.x("xdotool", "key", "Escape")


def with_search(name: str) -> Callable[[RealDisplay, MsguideApp, Path], None]:
    def take(display: RealDisplay, app: MsguideApp, out: Path) -> None:
        search(display, app)
        shoot(display, app, out / f"{name}.png")

    return take


# State name → (how the app starts, what to do). States sharing a start share one app.
STATES: dict[str, tuple[str, Callable[[RealDisplay, MsguideApp, Path], None]]] = {
    "first-start": ("plain", first_start),
    "main-window": ("plain", main_window),
    "contact": ("plain", contact),
    "dialog": ("plain", dialog),
    "text-200": ("text-200", with_search("text-200")),
    "scale-150": ("scale-150", with_search("scale-150")),
}
STARTS: dict[str, dict[str, object]] = {
    "plain": {},
    "text-200": {"settings": {"ui.zoom_percent": 200}},
    "scale-150": {"scale": 1.5},
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", default=str(ROOT / "docs" / "images"))
    parser.add_argument("--state", action="append", choices=list(STATES), default=None)
    args = parser.parse_args()
    missing = missing_tools()
    if missing or shutil.which("convert") is None:
        print(f"screenshot.py needs {', '.join(missing or ['convert'])}", file=sys.stderr)
        return 2
    out = Path(args.output)
    out.mkdir(parents=True, exist_ok=True)
    wanted = args.state or list(STATES)
    with tempfile.TemporaryDirectory(prefix="msguide-shots-") as scratch:
        work = Path(scratch)
        with RealDisplay(work) as display:
            for start, options in STARTS.items():
                states = [s for s in wanted if STATES[s][0] == start]
                if not states:
                    continue
                home = work / start / "home"
                home.mkdir(parents=True)
                app = display.launch(home, **options)  # type: ignore[arg-type]
                for state in states:
                    STATES[state][1](display, app, out)
                app.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
