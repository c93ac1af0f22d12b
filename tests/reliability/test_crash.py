"""SIGKILL at random moments of an import: the store is always sound, old or new (checklist 14).

A child process (crash_child.py) loads msguide and the feed once and forks one importer per
attempt, so every attempt is spent inside Store.open, the backup, the import transaction and
closing the store (the WAL checkpoint), not in Python's start-up. The importer writes phase
marks (transaction begun, backup done, commit done, closed) with its own clock. The test
learns from those marks when each phase runs, aims each kill at a random moment of one phase
in turn (and aims again at any phase no kill reached), reads from the marks where each kill
really landed, then opens the store as msguide does and compares it, row by row and index
included, with reference snapshots of both revisions: the old one for a kill before the
commit, the new one after. At least one kill must land in each phase, in both journal modes.
Set MSGUIDE_CRASH_SEED to replay a run; the seed is printed on failure.
"""

from __future__ import annotations

import itertools
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


PHASES = ("backing up", "importing", "after the commit")
MARKS = ("begun", "backup", "committed", "closed")


class Importer:
    """The crash child: `attempt(store, backups, marks, kill_at)` -> (status, marks).

    `kill_at` is seconds after the fork, on the child's own clock; the marks are the phases
    the importer passed, each with its time after the fork.
    """

    def __init__(self, feed: Path, env: dict[str, str], log: IO[str]) -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(CHILD), str(feed)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
            env=env,
        )
        if self._read() != "ready":
            self.close()
            raise AssertionError(f"the crash child did not start: see {log.name}")

    def _read(self) -> str:
        assert self.process.stdout is not None
        return self.process.stdout.readline().strip()

    def _send(self, line: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()

    def attempt(
        self,
        store: Path,
        backups: Path,
        marks: Path,
        kill_at: float | None,
        at_mark: str | None = None,
    ) -> tuple[int, dict[str, float]]:
        self._send(f"go {store} {backups} {marks} {at_mark or '-'}")
        word, pid, forked = self._read().split()
        assert word == "started"
        if at_mark is not None:
            wait_until_stopped(int(pid))
            os.kill(int(pid), signal.SIGKILL)
        elif kill_at is not None:
            # Not a wait for a condition: the moment *is* the kill point under test.
            time.sleep(max(0.0, float(forked) + kill_at - time.monotonic()))
            os.kill(int(pid), signal.SIGKILL)  # still running, or a zombie: never reaped yet
        self._send("reap")
        word, status = self._read().split()
        assert word == "exited"
        passed = {}
        if marks.exists():
            for line in marks.read_text().splitlines():
                name, at = line.split()
                passed.setdefault(name, float(at) - float(forked))
        return int(status), passed

    def close(self) -> None:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.close()
        self.process.wait(timeout=30)
        self.process.stdout.close()


def wait_until_stopped(pid: int) -> None:
    """Until the importer has stopped itself at its mark (state T in /proc/PID/stat)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        if state in ("T", "t"):
            return
        assert state != "Z", "the importer ended instead of stopping at its mark"
        time.sleep(0.001)
    raise AssertionError("the importer never reached its mark")


def phase_of(passed: dict[str, float]) -> str:
    """Where a kill landed, from the marks the importer left."""
    if "committed" in passed:
        return PHASES[2]
    if "backup" in passed:
        return PHASES[1]
    return PHASES[0]


class Timing:
    """When each phase ends after the fork, from the child's own marks (latest runs count)."""

    def __init__(self) -> None:
        self.seen: dict[str, list[float]] = {m: [] for m in MARKS}

    def learn(self, passed: dict[str, float]) -> None:
        for name, at in passed.items():
            self.seen[name] = [*self.seen[name][-4:], at]

    def at(self, name: str) -> float:
        values = sorted(self.seen[name])
        return values[len(values) // 2]

    def window(self, phase: str) -> tuple[float, float]:
        """The span of `phase` after the fork."""
        ends = list(
            itertools.accumulate(
                [0.0, self.at("backup"), self.at("committed"), self.at("closed")], max
            )
        )
        index = PHASES.index(phase)
        return ends[index], ends[index + 1]


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


@pytest.mark.parametrize(("journal", "kills"), [("wal", 45), ("delete", 15)])
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
    attempts = iter(range(1, 10**6))

    def fresh() -> tuple[Path, Path, Path]:
        folder = tmp_path / f"attempt-{next(attempts)}"
        folder.mkdir()
        store = copy_store(revisions["template"], folder / "msguide.sqlite")
        return store, folder / "backups", folder / "marks"

    timing = Timing()
    stretch = dict.fromkeys(PHASES, 1.0)
    outcomes: Counter[str] = Counter()
    landed: Counter[str] = Counter()
    backups_compared = 0
    with log_path.open("w") as log:
        importer = Importer(revisions["feed"], dict(os.environ), log)
        try:
            for _ in range(3):  # the child's own timing of each phase, uninterrupted
                store, backups, marks = fresh()
                status, passed = importer.attempt(store, backups, marks, kill_at=None)
                assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, log_path.read_text()
                assert set(passed) == set(MARKS), passed
                assert content(store) == revisions["new"]
                timing.learn(passed)
            # Each phase in turn, a random moment of it; then, for a phase no kill reached
            # (the few tenths of a millisecond between the commit and the close with a
            # rollback journal), one kill exactly at the mark that opens it.
            schedule: list[tuple[str, str | None]] = [
                (PHASES[n % len(PHASES)], None) for n in range(kills)
            ]
            at_marks = 0
            while schedule:
                aimed, at_mark = schedule.pop(0)
                start, end = timing.window(aimed)
                kill_at = (start + chance.random() * (end - start)) * stretch[aimed]
                store, backups, marks = fresh()
                status, passed = importer.attempt(store, backups, marks, kill_at, at_mark)
                timing.learn(passed)
                moment = at_mark or f"{kill_at * 1000:.1f} ms"
                where = (
                    f"kill aimed at {aimed} ({moment} after the fork; marks {passed}; seed {seed})"
                )
                killed = os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
                finished = os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
                assert killed or finished, f"{where}: {log_path.read_text()}"
                assert check_store(store) is None, where
                found = content(store)  # opens, integrity_check "ok", FTS integrity-check
                assert found in (revisions["old"], revisions["new"]), f"{where}: a mix"
                state = "old" if found == revisions["old"] else "new"
                phase = phase_of(passed) if killed else "finished"
                if killed:
                    landed[phase] += 1
                    # Before the backup is done the old revision, after the commit the new
                    # one; in between either (the kill may fall between COMMIT and its mark).
                    if phase != PHASES[1]:
                        assert state == ("new" if phase == PHASES[2] else "old"), where
                # Runs the kill interrupts are slower than the ones that pass a phase (a busy
                # machine): a kill that landed early aims later at that phase next time.
                order = [*PHASES, "finished"]
                if order.index(phase) < order.index(aimed):
                    stretch[aimed] *= 1.25
                elif order.index(phase) > order.index(aimed):
                    stretch[aimed] /= 1.1
                outcomes[f"{state}, {'killed' if killed else 'finished'}"] += 1
                if not schedule and at_marks == 0:
                    opening = dict(zip(PHASES, ("begun", "backup", "committed"), strict=True))
                    schedule = [(p, opening[p]) for p in PHASES if landed[p] == 0]
                    at_marks = len(schedule) or -1
                for kept in backup.backups(backups):
                    assert check_store(kept, mode="ro") is None, where
                    if backups_compared < BACKUPS_COMPARED:
                        assert content(kept) == revisions["old"], where
                        backups_compared += 1
        finally:
            importer.close()
    spans = {
        p: f"{timing.window(p)[0] * 1000:.1f}-{timing.window(p)[1] * 1000:.1f} ms" for p in PHASES
    }
    print(
        f"crash test ({journal}, seed {seed}): kills landed {dict(landed)}, outcomes "
        f"{dict(outcomes)}, {max(at_marks, 0)} of them at a mark, phases after the fork {spans}"
    )
    # Not vacuous: at least one kill in each phase (before the backup is done, during the
    # import's transaction, and after its commit), read from the importer's own marks.
    assert all(landed[p] >= 1 for p in PHASES), dict(landed)
    assert backups_compared >= 1
