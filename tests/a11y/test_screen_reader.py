"""What a screen reader on Linux receives, read from the real accessibility bus (AT-SPI through
pyatspi, tests/a11ykit.py) while the real msguide runs on a real X display: the content, not
captions in its place."""

from __future__ import annotations

import re
from pathlib import Path

from a11ykit import AccessibilityBus, Node

HELPLINE_PHONE = "08000 121 700"  # the Modern Slavery Helpline, pinned in the bundled content
CAPTIONS = {"Title", "Number of results", "How to contact", "Full text", "Summary", "Notice"}


def labels(nodes: list[Node]) -> list[str]:
    return [n.says() for n in nodes if n.role == "label" and "showing" in n.states]


def test_the_count_is_read_as_text_and_no_label_is_a_caption(
    a11y_bus: AccessibilityBus, home: Path
) -> None:
    a11y_bus.launch(home)
    nodes = a11y_bus.wait_for(
        lambda ns: any(re.fullmatch(r"\d+ results in All", s) for s in labels(ns)),
        "the result count as a label's text",
    )
    shown = {n.name for n in nodes if n.role == "label" and "showing" in n.states}
    assert not CAPTIONS & shown


def test_the_detail_title_and_the_helplines_number_are_read_as_text(
    a11y_bus: AccessibilityBus, home: Path
) -> None:
    app = a11y_bus.launch(home)
    a11y_bus.display.key(app.window_id, "F2")  # Contacts & helplines, first one chosen
    shown = "getattr(getattr(window.detail.detail, 'item', None), 'phone', None)"
    app.wait_until(f"{shown} == {HELPLINE_PHONE!r}")
    title = app.run("result = window.detail.title.text()")
    nodes = a11y_bus.wait_for(
        lambda ns: (
            title in labels(ns)
            and any(s.startswith(f"Phone: {HELPLINE_PHONE}") for s in labels(ns))
            and any(re.fullmatch(r"\d+ results in Contacts & helplines", s) for s in labels(ns))
        ),
        f"the title {title!r}, the helpline's number and the count",
    )
    # The highlighted row, which the detail pane shows, is the focused item a reader speaks.
    assert any(
        n.role == "list item" and {"focused", "selected"} <= set(n.states) and title in n.says()
        for n in nodes
    )


def test_a_new_count_is_announced_while_the_person_types(
    a11y_bus: AccessibilityBus, home: Path
) -> None:
    app = a11y_bus.launch(home)
    listening = a11y_bus.listen(app)
    a11y_bus.display.key(app.window_id, "ctrl+f")
    a11y_bus.display.type_text(app.window_id, "nrm")
    app.wait_until("'for “nrm” in All' in window.count_label.text()")
    events = listening.heard(app)  # with the count's announcement, once it has settled
    heard = [text for kind, text in events if "for “nrm” in All" in text]
    assert heard, events
    announced = [text for kind, text in events if kind == "object:announcement"]
    # Once typing stops: the count the person arrived at, not one per key.
    assert announced and "for “nrm” in All" in announced[-1], events


def test_status_messages_are_announced(a11y_bus: AccessibilityBus, home: Path) -> None:
    app = a11y_bus.launch(home)
    a11y_bus.display.key(app.window_id, "ctrl+f")
    a11y_bus.display.type_text(app.window_id, "toolkit")
    app.wait_until("window.results_model.result.text == 'toolkit'")
    listening = a11y_bus.listen(app)
    a11y_bus.display.key(app.window_id, "F2")
    app.wait_until("'“toolkit” cleared' in window.statusBar().currentMessage()")
    events = listening.heard(app)
    announced = [text for kind, text in events if kind == "object:announcement"]
    assert any("“toolkit” cleared" in text for text in announced), events


def test_an_expired_feeds_notice_is_read_as_text(a11y_bus: AccessibilityBus, home: Path) -> None:
    a11y_bus.launch(home, MSGUIDE_FAKE_NOW="2028-01-01T00:00:00Z")  # the seed expires 2027-11-28
    notice = "valid only until 28 November 2027, so it may be out of date"
    nodes = a11y_bus.wait_for(
        lambda ns: any(notice in s for s in labels(ns)), "the expiry notice as a label's text"
    )
    [node] = [n for n in nodes if n.role == "label" and notice in n.says()]
    assert node.says().startswith("Hampshire & Isle of Wight Modern Slavery Partnership: ")
    assert node.says().endswith("Ask your administrator for a newer feed.")
    assert node.description == "Notice"


def test_an_expired_feeds_notice_is_announced_once(a11y_bus: AccessibilityBus, home: Path) -> None:
    app = a11y_bus.launch(home)
    listening = a11y_bus.listen(app)
    # The clock passes the seed's expiry (28 November 2027); the content is read again twice,
    # as after two syncs.
    app.run(
        "import os\n"
        "window.loaded = []\n"
        "window.statusShown.connect(lambda: window.loaded.append(1))\n"
        "os.environ['MSGUIDE_FAKE_NOW'] = '2028-01-01T00:00:00Z'\n"
        "window.refresh_all()"
    )
    app.wait_until("len(window.loaded) == 1 and window.notice.isVisible()")
    app.run("window.refresh_all()")
    app.wait_until("len(window.loaded) == 2")
    events = listening.heard(app)
    announced = [t for kind, t in events if kind == "object:announcement" and "28 November" in t]
    assert len(announced) == 1, events
    assert announced[0].startswith("Hampshire & Isle of Wight Modern Slavery Partnership: ")


def test_the_summary_and_full_text_boxes_are_named_and_give_their_whole_text(
    a11y_bus: AccessibilityBus, home: Path
) -> None:
    """The detail text boxes (msguide.ui.reading_text): a reader hears what each box is (its
    name) and gets the item's text through the text interface, exactly, to read by line."""
    app = a11y_bus.launch(home)
    a11y_bus.display.key(app.window_id, "ctrl+f")
    a11y_bus.display.type_text(app.window_id, "nrm adult")
    app.wait_until("window.results_model.total")
    a11y_bus.display.key(app.window_id, "Down")
    both = "window.detail.summary.isVisible() and window.detail.content.isVisible()"
    app.wait_until(f"window.detail.detail is not None and {both}")
    summary, full = app.run("result = [window.detail.summary.text(), window.detail.content.text()]")
    assert summary and full and summary != full

    def boxes(nodes: list[Node]) -> dict[str, str | None]:
        return {
            n.name: n.text
            for n in nodes
            if n.name in ("Summary", "Full text") and "showing" in n.states
        }

    nodes = a11y_bus.wait_for(
        lambda ns: boxes(ns) == {"Summary": summary, "Full text": full},
        "the Summary and Full text boxes, named, with the item's text",
    )
    [box] = [n for n in nodes if n.name == "Full text" and "showing" in n.states]
    assert box.role in ("text", "entry", "paragraph", "document text"), box
    assert "read only" in box.states or "editable" not in box.states, box
