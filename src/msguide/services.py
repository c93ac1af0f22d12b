"""Application services shared by the command line and the desktop app."""

from __future__ import annotations

from dataclasses import dataclass, field

from msguide.paths import Locations, bundled, locations
from msguide.store.db import Store
from msguide.store.seed import install_seed

SEED_PATH = "data/seed.sqlite"


@dataclass
class OpenedStore:
    """The user's store, and what had to be done to open it (said once to the person)."""

    store: Store
    notices: list[str] = field(default_factory=list)
    seeded: bool = False


def open_user_store(where: Locations | None = None, *, read_only: bool = False) -> OpenedStore:
    """Open the user's store, copying the bundled seed there on first start."""
    where = where or locations()
    notices: list[str] = []
    seeded = False
    if not where.store.exists() and not read_only:
        seed = bundled(SEED_PATH)
        if seed.exists():
            seeded = install_seed(seed, where.store)
        else:
            notices.append(
                f"The bundled content ({seed}) is missing, so msguide starts empty; "
                "sync or import a feed, or reinstall msguide."
            )
    store = Store.open(where.store, read_only=read_only)
    return OpenedStore(store, notices, seeded)
