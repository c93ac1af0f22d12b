"""The bundled seed: build `data/seed.sqlite` reproducibly, and install it on first start."""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from msguide.errors import StorageError
from msguide.store.db import Store, sqlite_uri_path

if TYPE_CHECKING:
    from msguide.store.importer import ImportResult

SEED_ORIGIN = "bundled seed"


def build_seed(feed_path: Path, out_path: Path) -> ImportResult:
    """Build a store holding exactly `feed_path`'s content; same input, same logical content."""
    from msguide.feed.parse import parse
    from msguide.store.importer import Provenance, import_feed

    raw = feed_path.read_bytes()
    feed = parse(raw)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out_path.parent, prefix=".seed-") as folder:
        temporary = Path(folder) / out_path.name
        with Store.open(temporary) as store:
            result = import_feed(
                store, feed, raw, Provenance(origin=SEED_ORIGIN), now=feed.published
            )
        _compact(temporary)
        os.replace(temporary, out_path)
    return result


def _compact(path: Path) -> None:
    """Leave one self-contained file: rollback journal, no WAL, no free pages."""
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("PRAGMA journal_mode = DELETE")
        connection.execute("INSERT INTO items_fts(items_fts) VALUES('optimize')")
        connection.execute("VACUUM")
    finally:
        connection.close()


def install_seed(seed: Path, store_path: Path) -> bool:
    """Copy the seed to `store_path` if no store exists there yet. Never overwrites."""
    if store_path.exists():
        return False
    if not seed.exists():
        raise StorageError(f"the bundled content ({seed}) is missing; reinstall msguide")
    try:
        store_path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(
            dir=store_path.parent, prefix=".seed-", suffix=".sqlite"
        )
        os.close(handle)
        shutil.copyfile(seed, temporary)
        try:
            # link() fails if a store appeared meanwhile (another msguide starting): keep it.
            os.link(temporary, store_path)
        except FileExistsError:
            return False
        except OSError:
            if store_path.exists():
                return False
            os.replace(temporary, store_path)
            return True
        finally:
            if os.path.exists(temporary):
                os.unlink(temporary)
    except OSError as error:
        raise StorageError(
            f"cannot copy the bundled content into {store_path.parent}: "
            f"{error.strerror or error}; check that the folder can be written"
        ) from None
    return True


def logical_dump(path: Path) -> list[str]:
    """The store as sorted SQL statements: equal dumps mean equal schema and content, whatever
    the page layout or the order in which indexes happened to be created."""
    connection = sqlite3.connect(f"file:{sqlite_uri_path(path)}?mode=ro", uri=True)
    try:
        # iterdump leaves out the header's marks; they matter (msguide.store.db.APPLICATION_ID).
        marks = [
            f"PRAGMA {name} = {connection.execute(f'PRAGMA {name}').fetchone()[0]};"
            for name in ("application_id", "user_version")
        ]
        return sorted([*connection.iterdump(), *marks])
    finally:
        connection.close()
