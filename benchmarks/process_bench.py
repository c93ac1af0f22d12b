"""A whole `msguide import FILE` process against a plain-Python process doing the floor's work.

The floor is what any importer must do, written as plainly as Python allows: start the
interpreter, read the file, `json.loads` it, `executemany` the items into a table and build
the same FTS5 index (the store's own definition) with one 'rebuild'. msguide's process does
all of that plus starting msguide, validating every field, diffing against the store, keeping
a backup and the revision's bytes. Both run on the same feed in a fresh home, alternating.

The ratio is taken on CPU time (user + system, of the child process): with other work on the
machine, waiting for a core inflates wall time at random, CPU time much less. Wall time is in
the note.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from measure import Figure

# Runs in a bare interpreter: no msguide, no third-party modules.
FLOOR_SCRIPT = r"""
import json, sqlite3, sys
feed, db, ddl = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
with open(feed, "rb") as handle:
    document = json.loads(handle.read())
rows = [
    (n + 1, i["id"], i.get("title"), i.get("url"), i.get("summary"), i.get("content_text"),
     "\n".join(i.get("tags", ())), i.get("_msguide", {}).get("publisher"))
    for n, i in enumerate(document["items"])
]
connection = sqlite3.connect(db, isolation_level=None)
connection.execute("PRAGMA journal_mode = WAL")
connection.execute("BEGIN")
connection.execute(
    "CREATE TABLE items (id INTEGER PRIMARY KEY, item_id TEXT, title TEXT, url TEXT, "
    "summary TEXT, content_text TEXT, tags_text TEXT, publisher TEXT)"
)
for statement in ddl:
    connection.execute(statement)
connection.executemany("INSERT INTO items VALUES (?,?,?,?,?,?,?,?)", rows)
connection.execute("INSERT INTO items_fts(items_fts) VALUES('rebuild')")
connection.execute("COMMIT")
connection.close()
"""


def _timed(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise RuntimeError(f"{command[:4]} failed:\n{done.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def process_figures(
    feed: Path, size: str, work: Path, repeats: int, log: Callable[[str], None]
) -> list[Figure]:
    from msguide.store.db import FTS_DDL

    work.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, MSGUIDE_POLICY=str(work / "no-policy.toml"))
    home = work / "home-ready"
    # A home whose store exists (seed and all): the import is timed, not the first start.
    subprocess.run(
        [sys.executable, "-m", "msguide", "search", "x"],
        env=dict(env, MSGUIDE_HOME=str(home)),
        capture_output=True,
        check=True,
    )
    ddl = json.dumps(list(FTS_DDL))
    floors: list[tuple[float, float]] = []
    ours: list[tuple[float, float]] = []
    for _ in range(repeats):
        db = work / "floor.sqlite"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        floors.append(_timed([sys.executable, "-c", FLOOR_SCRIPT, str(feed), str(db), ddl], env))
        target = work / "home"
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(home, target)
        ours.append(
            _timed(
                [sys.executable, "-m", "msguide", "import", str(feed)],
                dict(env, MSGUIDE_HOME=str(target)),
            )
        )
    floor, mine = min(floors, key=lambda t: t[1]), min(ours, key=lambda t: t[1])
    log(
        f"  process import {size}: msguide CPU {mine[1]:.2f}s (wall {mine[0]:.2f}s); "
        f"plain Python CPU {floor[1]:.2f}s (wall {floor[0]:.2f}s)"
    )
    return [
        Figure(
            f"`msguide import` process {size}: CPU time vs plain Python",
            mine[1],
            "s",
            floor[1],
            max_ratio=2.0,
            note="floor: python -c (read, json.loads, executemany, FTS5 rebuild), same feed",
        ),
        Figure(
            f"`msguide import` process {size}: wall time vs plain Python",
            mine[0],
            "s",
            floor[0],
            max_ratio=2.0,
            note="noisy on a shared machine: waiting for a core counts here",
        ),
    ]
