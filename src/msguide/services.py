"""Application services shared by the command line and the desktop app."""

from __future__ import annotations

from dataclasses import dataclass, field

from msguide.paths import Locations, bundled, locations
from msguide.store.db import Store
from msguide.store.recovery import start_store

SEED_PATH = "data/seed.sqlite"


@dataclass
class OpenedStore:
    """The user's store, and what had to be done to open it (said once to the person)."""

    store: Store
    notices: list[str] = field(default_factory=list)
    seeded: bool = False


def open_user_store(where: Locations | None = None, *, read_only: bool = False) -> OpenedStore:
    """Open the user's store: the bundled seed on first start; checked at every start.

    A damaged store is set aside and restored from a backup (else the seed); a data folder
    that cannot be written gives a read-only store. Either way `notices` says so once
    (msguide.store.recovery). Imports and rollbacks back the store up into `where.backups`.
    """
    where = where or locations()
    started = start_store(
        where.store, backups=where.backups, seed=bundled(SEED_PATH), read_only=read_only
    )
    return OpenedStore(started.store, started.notices, started.seeded)
