"""Child of the crash test: loads msguide and the feed once, then forks one import per request.

Protocol on stdin/stdout, one line each:
  parent: ``go STORE BACKUPS MARKS STOP``  child: ``started PID T`` (the forked importer is
          running; T is time.monotonic() just before the fork; STOP is a mark at which the
          importer stops itself with SIGSTOP for the parent to kill it there, or ``-``)
  parent: ``reap``                    child: ``exited STATUS`` (os.waitpid's status of it)
The importer is only reaped when the parent says so, so its PID cannot be reused by another
process before the parent has sent SIGKILL to it. Forking keeps start-up out of every attempt:
all the kill points fall inside Store.open, the backup, the import and closing the store.

The importer appends phase marks to MARKS as it passes them, one line each, ``NAME T``:
``begun`` (the write transaction holds the lock), ``backup`` (the backup is written),
``committed`` (the import's transaction has committed) and ``closed`` (the store is closed,
WAL checkpointed). A SIGKILL leaves the marks of every phase already passed: the test knows
where each kill landed. The marks are plain unbuffered writes, no fsync: a killed process's
writes stay in the page cache.
"""

from __future__ import annotations

import os
import signal
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import event

from msguide.feed.parse import parse
from msguide.store import importer
from msguide.store.db import Store
from msguide.store.importer import Provenance, import_feed

NOW = "2025-04-02T10:00:00Z"


def marker(marks: str | None, stop_at: str) -> Any:
    handle = os.open(marks, os.O_WRONLY | os.O_CREAT | os.O_APPEND) if marks else None

    def mark(name: str) -> None:
        if handle is not None:
            os.write(handle, f"{name} {time.monotonic():.6f}\n".encode())
        if name == stop_at:
            os.kill(os.getpid(), signal.SIGSTOP)  # the parent sends SIGKILL while stopped

    return mark


def run_import(
    store_path: str, backups: str, raw: bytes, feed: object, marks: str | None, stop_at: str = "-"
) -> int:
    mark = marker(marks, stop_at)
    real_backup = importer.backup_before_change

    def backup_then_mark(store: Store, *args: Any, **kwargs: Any) -> Path | None:
        made = real_backup(store, *args, **kwargs)
        mark("backup")
        return made

    importer.backup_before_change = backup_then_mark  # type: ignore[assignment]
    try:
        with Store.open(Path(store_path)) as store:
            store.backup_folder = Path(backups)
            # After msguide's own "begin" listener (BEGIN IMMEDIATE): the lock is held.
            event.listen(store.engine, "begin", lambda _connection: mark("begun"))
            import_feed(store, feed, raw, Provenance(origin="reliability test"), now=NOW)  # type: ignore[arg-type]
            mark("committed")
        mark("closed")
    except BaseException as error:  # reported to the test through the exit status
        print(f"import failed: {error!r}", file=sys.stderr, flush=True)
        return 1
    finally:
        importer.backup_before_change = real_backup
    return 0


def main() -> None:
    raw = Path(sys.argv[1]).read_bytes()
    feed = parse(raw)
    # Warm up once here, so that no attempt pays for SQLAlchemy's lazy imports.
    with tempfile.TemporaryDirectory() as folder:
        warm = Path(folder) / "warm.sqlite"
        if run_import(str(warm), str(Path(folder) / "backups"), raw, feed, None) != 0:
            sys.exit(1)
    print("ready", flush=True)
    pid = 0
    for line in sys.stdin:
        command, *args = line.split()
        if command == "go":
            started = time.monotonic()
            pid = os.fork()
            if pid == 0:
                os._exit(run_import(args[0], args[1], raw, feed, args[2], args[3]))
            print(f"started {pid} {started:.6f}", flush=True)
        elif command == "reap":
            _, status = os.waitpid(pid, 0)
            print(f"exited {status}", flush=True)


if __name__ == "__main__":
    main()
