"""Favourites whose item has left the content, as a screen reader gets them over the AT-SPI bus
(tests/a11ykit.py): each line is read by its text and takes the focus with real Tab presses;
its Remove button names the favourite."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from a11ykit import AccessibilityBus

SEED = json.loads((Path(__file__).resolve().parents[2] / "data" / "seed-feed.json").read_text())
GONE_ID = "human-trafficking-strategy-2011"  # a resource no pathway cites


def msguide(home: Path, *args: str) -> None:
    """The CLI in its own process, on the same home as the app."""
    env = {**os.environ, "MSGUIDE_HOME": str(home)}
    done = subprocess.run(
        [sys.executable, "-m", "msguide", *args], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr


def test_a_gone_favourite_is_read_and_reached_by_keyboard(
    a11y_bus: AccessibilityBus, home: Path, tmp_path: Path
) -> None:
    [gone] = [item for item in SEED["items"] if item["id"] == GONE_ID]
    msguide(home, "favourites", "add", GONE_ID)
    newer = json.loads(json.dumps(SEED))
    newer["_msguide"]["sequence"] += 1
    newer["items"] = [item for item in newer["items"] if item["id"] != GONE_ID]
    feed = tmp_path / "newer.json"
    feed.write_text(json.dumps(newer), "utf-8")
    msguide(home, "import", str(feed))

    app = a11y_bus.launch(home)
    display = a11y_bus.display
    display.key(app.window_id, "ctrl+2")  # Go ▸ Favourites
    app.wait_until("len(window.gone_favourites.labels) == 1")
    line = f"No longer in the content: {gone['title']}"
    nodes = a11y_bus.wait_for(
        lambda ns: any(n.role == "label" and n.name == line for n in ns), "the gone favourite"
    )
    assert any(
        n.role == "push button" and n.name == f"Remove “{gone['title']}” from favourites"
        for n in nodes
        if "showing" in n.states
    )
    # Real keys: from the (empty) list, Tab reaches the line; a reader hears it.
    display.key(app.window_id, "Tab")
    app.wait_until("app.focusWidget() is window.gone_favourites.labels[0]")
    a11y_bus.wait_for(
        lambda ns: any(n.name == line and "focused" in n.states for n in ns),
        "the line focused",
    )
