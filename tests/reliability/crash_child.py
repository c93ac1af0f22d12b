"""Child of the crash test: loads msguide and the feed once, then forks one import per request.

Protocol on stdin/stdout, one line each:
  parent: ``go STORE BACKUPS``  child: ``started PID``  (the forked importer is running)
  parent: ``reap``              child: ``exited STATUS`` (os.waitpid's status of that importer)
The importer is only reaped when the parent says so, so its PID cannot be reused by another
process before the parent has sent SIGKILL to it. Forking keeps start-up out of every attempt:
all the kill points fall inside Store.open, the backup, the import and closing the store.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from msguide.feed.parse import parse
from msguide.store.db import Store
from msguide.store.importer import Provenance, import_feed

NOW = "2025-04-02T10:00:00Z"


def run_import(store_path: str, backups: str, raw: bytes, feed: object) -> int:
    try:
        with Store.open(Path(store_path)) as store:
            store.backup_folder = Path(backups)
            import_feed(store, feed, raw, Provenance(origin="reliability test"), now=NOW)  # type: ignore[arg-type]
    except BaseException as error:  # reported to the test through the exit status
        print(f"import failed: {error!r}", file=sys.stderr, flush=True)
        return 1
    return 0


def main() -> None:
    raw = Path(sys.argv[1]).read_bytes()
    feed = parse(raw)
    # Warm up once here, so that no attempt pays for SQLAlchemy's lazy imports.
    with tempfile.TemporaryDirectory() as folder:
        warm = Path(folder) / "warm.sqlite"
        if run_import(str(warm), str(Path(folder) / "backups"), raw, feed) != 0:
            sys.exit(1)
    print("ready", flush=True)
    pid = 0
    for line in sys.stdin:
        command, *args = line.split()
        if command == "go":
            pid = os.fork()
            if pid == 0:
                os._exit(run_import(args[0], args[1], raw, feed))
            print(f"started {pid}", flush=True)
        elif command == "reap":
            _, status = os.waitpid(pid, 0)
            print(f"exited {status}", flush=True)


if __name__ == "__main__":
    main()
