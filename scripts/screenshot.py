"""Render the main window on the bundled seed to a PNG (for the README and for reviews).

    python scripts/screenshot.py [-o docs/images/main-window.png] [--query "nrm adult"]

Runs offscreen in a temporary MSGUIDE_HOME, so it never touches your own data.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", default="docs/images/main-window.png")
    parser.add_argument("--query", default="nrm adult")
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=800)
    parser.add_argument("--zoom", type=int, default=100)
    args = parser.parse_args()

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    home = tempfile.mkdtemp(prefix="msguide-shot-")
    os.environ["MSGUIDE_HOME"] = home
    os.environ["MSGUIDE_POLICY"] = str(Path(home) / "no-policy.toml")

    from PySide6.QtCore import QEventLoop, QTimer

    from msguide.ui.app import application, build_window

    app = application(sys.argv[:1])
    window, service = build_window()
    window.resize(args.width, args.height)
    window.show()

    def wait(signal: object, timeout_ms: int = 10_000) -> None:
        loop = QEventLoop()
        signal.connect(loop.quit)  # type: ignore[attr-defined]
        QTimer.singleShot(timeout_ms, loop.quit)
        loop.exec()

    service.open()
    wait(window.resultsShown)
    if args.zoom != 100:
        window.set_zoom(args.zoom, save=False)
    if args.query:
        window.search_field.setText(args.query)
        wait(window.resultsShown)
        window.results_view.setCurrentIndex(window.results_model.index(0))
        wait(window.detailShown)
    app.processEvents()
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    if not window.grab().save(str(output)):
        print(f"could not write {output}", file=sys.stderr)
        return 1
    service.close()
    print(f"wrote {output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
