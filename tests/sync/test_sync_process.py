"""`python -m msguide sync` as a real process: exit codes, messages and peak memory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from servers import FeedServer, Route, gzip_bomb
from syncing import PolicyWriter, publish

from feedmaker import feed_document, newer_document
from msguide.feed.signature import KeyFiles, generate_keys

CAP_MB = 1


def test_sync_in_a_real_process_imports_then_refuses_a_tampered_feed(
    home: Path, server: FeedServer, policy: PolicyWriter, keys: KeyFiles
) -> None:
    publish(server, feed_document(), keys)
    policy.source(server.url(), keys)
    first = _sync("--json")
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout)[0]["status"] == "updated"

    publish(server, newer_document(), generate_keys(None))
    second = _sync()
    assert second.returncode == 3
    assert second.stderr.startswith("msguide: test-source: refused: Refused the feed")
    assert "not a trusted key" in second.stderr


def _sync(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "msguide", "sync", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        check=False,
    )


# `msguide sync`, reporting its own peak memory (VmHWM) as it exits. Not ru_maxrss from wait4:
# Linux carries the parent's high-water mark across fork and exec, so a child started by a
# large pytest process would report at least pytest's size, and the growth measured below
# could not show.
SYNC_REPORTING_PEAK = """
import atexit, runpy, sys

target = sys.argv[1]

def report():
    with open("/proc/self/status") as status:
        peak = next(line.split()[1] for line in status if line.startswith("VmHWM:"))
    with open(target, "w") as out:
        out.write(peak)

atexit.register(report)
sys.argv = ["msguide", "sync"]
runpy.run_module("msguide", run_name="__main__")
"""


def _sync_peak_rss(tmp_path: Path) -> tuple[int, int, str]:
    """Exit code, peak resident memory (bytes) and stderr of one `msguide sync` process."""
    errors = tmp_path / "stderr.txt"
    peak_file = tmp_path / "peak-kib.txt"
    with errors.open("wb") as sink:
        done = subprocess.run(
            [sys.executable, "-c", SYNC_REPORTING_PEAK, str(peak_file)],
            stdout=subprocess.DEVNULL,
            stderr=sink,
            env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
            timeout=120,
            check=False,
        )
    return done.returncode, int(peak_file.read_text()) * 1024, errors.read_text()


def test_a_gzip_bomb_is_stopped_while_streaming_without_large_memory_growth(
    home: Path, server: FeedServer, policy: PolicyWriter, keys: KeyFiles, tmp_path: Path
) -> None:
    """CHECKLISTS 2: peak memory stays under the cap + 50 MB above a normal sync's."""
    policy.source(server.url(), keys, network={"max_feed_mb": CAP_MB})
    publish(server, feed_document(), keys)
    code, baseline, err = _sync_peak_rss(tmp_path)
    assert code == 0, err

    server.routes["/feed.json"] = Route(behaviour="gzip", raw_gzip=gzip_bomb(200 * 1024 * 1024))
    code, peak, err = _sync_peak_rss(tmp_path)
    assert code == 4 and "was not downloaded" in err
    growth = peak - baseline
    print(f"peak RSS: normal sync {baseline / 2**20:.0f} MB, gzip bomb {peak / 2**20:.0f} MB")
    assert growth < (CAP_MB + 50) * 1024 * 1024, f"grew {growth / 2**20:.0f} MB"
