"""SIGKILL at random moments of an import: the store is always sound, old or new (checklist 14).

A child process (crash_child.py) loads msguide and the feed once and forks one importer per
attempt, so every attempt is spent inside Store.open, the backup, the import transaction and
closing the store (the WAL checkpoint), not in Python's start-up. The test measures how long
an uninterrupted import takes, kills each attempt at a random moment of its own slice of that
window (stratified, so the kills cover every phase), then opens the store as msguide does and
compares it, row by row and index included, with reference snapshots of both revisions.
Set MSGUIDE_CRASH_SEED to replay a run; the seed is printed on failure.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import IO, Any

import pytest
from storecheck import content, copy_store, revision, store_at

from msguide.store import backup
from msguide.store.location import FAKE_REMOTE_ENV
from msguide.store.recovery import check_store

pytestmark = pytest.mark.skipif(
    not hasattr(os, "fork") or not hasattr(signal, "SIGKILL"), reason="needs fork and SIGKILL"
)

CHILD = Path(__file__).with_name("crash_child.py")
ITEMS = 2_000  # an import of a few hundred milliseconds on a CI machine
BACKUPS_COMPARED = 5  # full content comparisons of backups (each also passes the check)


class Importer:
    """The crash child: `attempt(store, backups, kill_after)` returns the importer's status."""

    def __init__(self, feed: Path, env: dict[str, str], log: IO[str]) -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(CHILD), str(feed)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
            env=env,
        )
        assert self._read() == "ready"

    def _read(self) -> str:
        assert self.process.stdout is not None
        return self.process.stdout.readline().strip()

    def _send(self, line: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()

    def attempt(self, store: Path, backups: Path, kill_after: float | None) -> int:
        self._send(f"go {store} {backups}")
        word, pid = self._read().split()
        assert word == "started"
        if kill_after is not None:
            # Not a wait for a condition: the random delay *is* the kill point under test.
            time.sleep(kill_after)
            os.kill(int(pid), signal.SIGKILL)  # still running, or a zombie: never reaped yet
        self._send("reap")
        word, status = self._read().split()
        assert word == "exited"
        return int(status)

    def close(self) -> None:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.close()
        self.process.wait(timeout=30)
        self.process.stdout.close()


@pytest.fixture(scope="module")
def revisions(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("crash")
    old, new = revision(ITEMS, 1), revision(ITEMS, 2)
    template = store_at(root / "template.sqlite", old)
    feed = root / "new.json"
    feed.write_bytes(new)
    return {
        "template": template,
        "feed": feed,
        "old": content(template),
        "new": content(store_at(copy_store(template, root / "reference-new.sqlite"), new)),
    }


@pytest.mark.parametrize(("journal", "kills"), [("wal", 50), ("delete", 10)])
def test_sigkill_at_random_points_leaves_the_old_or_the_new_revision(
    revisions: dict[str, Any],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    journal: str,
    kills: int,
) -> None:
    if journal == "delete":
        # Network-share mode: a rollback journal, as the store uses on a share.
        monkeypatch.setenv(FAKE_REMOTE_ENV, "1")
    seed = int(os.environ.get("MSGUIDE_CRASH_SEED") or random.SystemRandom().randrange(10**6))
    chance = random.Random(seed)
    log_path = tmp_path / "child.log"

    def fresh(n: int) -> tuple[Path, Path]:
        folder = tmp_path / f"attempt-{n}"
        folder.mkdir()
        return copy_store(revisions["template"], folder / "msguide.sqlite"), folder / "backups"

    outcomes: Counter[str] = Counter()
    backups_compared = 0
    with log_path.open("w") as log:
        importer = Importer(revisions["feed"], dict(os.environ), log)
        try:
            durations = []
            for n in (-3, -2, -1):  # how long an import takes uninterrupted: median of three
                started = time.perf_counter()
                status = importer.attempt(*fresh(n), kill_after=None)
                durations.append(time.perf_counter() - started)
                assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, log_path.read_text()
                assert content(tmp_path / f"attempt-{n}" / "msguide.sqlite") == revisions["new"]
            window = sorted(durations)[1]
            for n in range(1, kills + 1):
                store, backups = fresh(n)
                # Stratified: one random moment in each slice of the window (and a little past
                # its end), so the kills cover every phase, the commit and the close included.
                kill_after = (n - 1 + chance.random()) / kills * window * 1.3
                status = importer.attempt(store, backups, kill_after)
                where = (
                    f"kill {n} at {kill_after * 1000:.0f} ms of {window * 1000:.0f} (seed {seed})"
                )
                killed = os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
                finished = os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
                assert killed or finished, f"{where}: {log_path.read_text()}"
                assert check_store(store) is None, where
                found = content(store)  # opens, integrity_check "ok", FTS integrity-check
                assert found in (revisions["old"], revisions["new"]), f"{where}: a mix"
                state = "old" if found == revisions["old"] else "new"
                if state == "old" and kill_after > window:
                    # Slower than calibrated (a busy machine): stretch the rest of the
                    # schedule, so that the last kills still reach the commit and the close.
                    window = kill_after * 1.1
                outcomes[f"{state}, {'killed' if killed else 'finished'}"] += 1
                for kept in backup.backups(backups):
                    assert check_store(kept, mode="ro") is None, where
                    if backups_compared < BACKUPS_COMPARED:
                        assert content(kept) == revisions["old"], where
                        backups_compared += 1
        finally:
            importer.close()
    print(f"crash test ({journal}, seed {seed}, window {window:.3f} s): {dict(outcomes)}")
    # Not vacuous: most kills interrupt the import, and some land after its commit.
    assert outcomes["old, killed"] >= kills // 3, dict(outcomes)
    assert outcomes["new, killed"] + outcomes["new, finished"] >= 1, dict(outcomes)
