"""The benchmark scripts work: the generator makes valid, repeatable feeds; `run` prints a table.

Speed targets are judged by `benchmarks/run` itself, never here: this only proves the scripts run.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

from msguide.feed.parse import Limits, parse

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
LIMITS = Limits(max_bytes=2**31, max_items=1_000_000)

# benchmarks/ is a folder of scripts, not a package: load the generator from its file.
_spec = importlib.util.spec_from_file_location("bench_generate", BENCHMARKS / "generate.py")
assert _spec is not None and _spec.loader is not None
generate = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = generate  # dataclasses look their module up while it loads
_spec.loader.exec_module(generate)
changed_document, feed_document, to_bytes = (
    generate.changed_document,
    generate.feed_document,
    generate.to_bytes,
)


def test_generated_feeds_are_valid_and_reproducible() -> None:
    raw = to_bytes(feed_document(200))
    assert raw == to_bytes(feed_document(200))
    feed = parse(raw, LIMITS)
    assert len(feed.items) == 200
    kinds = {item.kind for item in feed.items}
    assert kinds == {"resource", "news", "contact"}
    assert any(item.attachments for item in feed.items)
    assert all(item.audiences for item in feed.items)


def test_an_update_changes_about_the_asked_fraction() -> None:
    base = feed_document(400)
    update = parse(to_bytes(changed_document(base, 0.05)), LIMITS)
    before = {item.id: item for item in parse(to_bytes(base), LIMITS).items}
    after = {item.id: item for item in update.items}
    touched = {i for i in before.keys() | after.keys() if before.get(i) != after.get(i)}
    assert 15 <= len(touched) <= 25  # 5% of 400, counted as removed + added + edited
    assert update.sequence == 2


@pytest.mark.slow
def test_run_prints_every_figure_at_200_items(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / "run.py"), "--sizes", "200", "--iterations", "3",
         "--no-save", "--work", str(tmp_path), "--feeds", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    table = done.stdout[done.stdout.index("| figure") :]
    for figure in (
        "import 200 items",
        "update import 200",
        "peak RSS, import 200 from a file (streamed)",
        "`msguide import` process 200: CPU time vs plain Python",
        "search 200: first page p95",
        "search 200: throughput",
        "search 200: keystroke, first key p95",
        "search 200: keystroke typed on p95",
        "search 200: exact first page p95",
        "start-up: window painted, search ready",
        "start-up: seed results painted",
        "memory: peak RSS on the seed",
        "type-ahead 200: key to list repainted, p95",
        "sync 200 unchanged: requests made",
        "peak RSS, sync 200 (downloaded to a file, read item by item)",
        "peak RSS, import a pack of 200 (feed read item by item)",
    ):
        assert figure in table
    rows = [line for line in table.splitlines() if line.startswith("| ") and "figure" not in line]
    assert len(rows) >= 10
    assert all(line.count("|") == 7 for line in rows)
