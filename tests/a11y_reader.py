"""Reads what a screen reader on Linux receives: the AT-SPI tree of one application.

Run with the system Python (/usr/bin/python3, Debian's python3-pyatspi), never the project's
venv: pyatspi is not on PyPI. tests/a11ykit.py starts it with the test's session bus in
DBUS_SESSION_BUS_ADDRESS. Prints one JSON object: {"found": bool, "nodes": [...]}, each node
{"depth", "role", "name", "description", "text", "states"}, in tree order.

Usage: python3 a11y_reader.py APP_NAME             the tree
       python3 a11y_reader.py APP_NAME --listen S  events for S seconds: announcements and name
                                                   changes, {"events": [{"type", "text"}]};
                                                   "listening" is printed on stderr once ready
"""

import json
import sys

import pyatspi

MAX_NODES = 5000
MAX_TEXT = 4000


def node_text(accessible):
    try:
        text = accessible.queryText()
    except NotImplementedError:
        return None
    return text.getText(0, min(text.characterCount, MAX_TEXT))


def walk(accessible, depth, out):
    if len(out) >= MAX_NODES:
        return
    states = accessible.getState()
    out.append(
        {
            "depth": depth,
            "role": accessible.getRoleName(),
            "name": accessible.name or "",
            "description": accessible.description or "",
            "text": node_text(accessible),
            "states": sorted(pyatspi.stateToString(s) for s in states.getStates()),
        }
    )
    for child in accessible:
        if child is not None:
            walk(child, depth + 1, out)


EVENTS = ("object:announcement", "object:property-change:accessible-name")


def listen(wanted, seconds, until=None, probe=None):
    """Record msguide's events until one carries the text `until` (the test's mark: every
    event the app sent before it has arrived, as D-Bus keeps one sender's order), or at most
    `seconds`. Events carrying the text `probe` are not recorded: the first one heard is
    reported on stderr ("hearing"), as the app's events now reach this listener."""
    from gi.repository import GLib

    events = []
    probed = []

    def heard(event):
        try:
            app = event.source.getApplication()
            if app is None or app.name != wanted:
                return
            text = event.any_data if isinstance(event.any_data, str) else event.source.name
            if probe is not None and text == probe:
                if not probed:
                    probed.append(True)
                    print("hearing", file=sys.stderr, flush=True)
                return
            events.append({"type": event.type, "text": text or ""})
            if until is not None and text == until:
                pyatspi.Registry.stop()
        except Exception as error:  # a source that went away mid-event
            events.append({"type": "error", "text": str(error)})

    for kind in EVENTS:
        pyatspi.Registry.registerEventListener(heard, kind)
    GLib.timeout_add(int(seconds * 1000), pyatspi.Registry.stop)
    GLib.idle_add(lambda: print("listening", file=sys.stderr, flush=True) and False)
    pyatspi.Registry.start()
    print(json.dumps({"events": events}))


def main():
    wanted = sys.argv[1]
    if len(sys.argv) > 3 and sys.argv[2] == "--listen":
        options = dict(zip(sys.argv[4::2], sys.argv[5::2], strict=True))
        listen(wanted, float(sys.argv[3]), options.get("--until"), options.get("--probe"))
        return
    desktop = pyatspi.Registry.getDesktop(0)
    nodes = []
    found = False
    for app in desktop:
        if app is not None and app.name == wanted:
            found = True
            walk(app, 0, nodes)
    print(json.dumps({"found": found, "nodes": nodes}))


if __name__ == "__main__":
    main()
