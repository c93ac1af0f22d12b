"""Every path msguide uses, in one place (DESIGN.md §4). Nothing here creates folders.

Precedence: `MSGUIDE_HOME`, then a `portable` marker file beside the executable (everything
lives beside the app), then the platform's per-user folders from platformdirs — on Windows the
*local* app-data folder, because SQLite must not live on a roaming network share.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import NamedTuple

from msguide import APP_NAME

HOME_ENV = "MSGUIDE_HOME"
POLICY_ENV = "MSGUIDE_POLICY"
PORTABLE_MARKER = "portable"
STORE_NAME = "msguide.sqlite"
POLICY_NAME = "msguide.toml"
SETTINGS_NAME = "settings.toml"


class Locations(NamedTuple):
    # A NamedTuple, not a dataclass: this is read before the window's first paint, and the
    # dataclasses module would cost that paint ~5 ms.
    data: Path
    config: Path
    cache: Path
    log: Path
    policy: Path
    home: Path | None
    portable: bool

    @property
    def store(self) -> Path:
        return self.data / STORE_NAME

    @property
    def settings(self) -> Path:
        return self.config / SETTINGS_NAME

    @property
    def backups(self) -> Path:
        return self.data / "backups"

    @property
    def attachments(self) -> Path:
        return self.cache / "attachments"

    def to_json(self) -> dict[str, str | bool | None]:
        return {
            "home": str(self.home) if self.home else None,
            "portable": self.portable,
            "data": str(self.data),
            "store": str(self.store),
            "config": str(self.config),
            "settings": str(self.settings),
            "cache": str(self.cache),
            "log": str(self.log),
            "policy": str(self.policy),
        }


def is_frozen() -> bool:
    return bool(getattr(sys, "frozen", False))


def executable_dir() -> Path:
    """The folder of the running program: the bundle's folder when frozen."""
    return Path(sys.executable).resolve().parent


def source_root() -> Path:
    """The project folder when running from source (src/msguide/paths.py → project)."""
    return Path(__file__).resolve().parents[2]


def bundled(relative: str) -> Path:
    """A file shipped with msguide (`data/seed.sqlite`, `assets/…`), frozen or from source."""
    base = getattr(sys, "_MEIPASS", None)
    if base is not None:
        return Path(base) / relative
    return source_root() / relative


def portable_home() -> Path | None:
    if not is_frozen():
        return None
    folder = executable_dir()
    return folder if (folder / PORTABLE_MARKER).exists() else None


def locations() -> Locations:
    """Work out where everything lives now (reads the environment each time)."""
    home_text = os.environ.get(HOME_ENV, "").strip()
    home = Path(home_text).expanduser().resolve() if home_text else None
    portable = False
    if home is None:
        home = portable_home()
        portable = home is not None
    policy_text = os.environ.get(POLICY_ENV, "").strip()
    if home is not None:
        policy = Path(policy_text) if policy_text else site_policy_path()
        return Locations(
            data=home / "data",
            config=home / "config",
            cache=home / "cache",
            log=home / "logs",
            policy=policy,
            home=home,
            portable=portable,
        )
    from platformdirs import PlatformDirs

    dirs = PlatformDirs(APP_NAME, appauthor=False, roaming=False)
    return Locations(
        data=Path(dirs.user_data_dir),
        config=Path(dirs.user_config_dir),
        cache=Path(dirs.user_cache_dir),
        log=Path(dirs.user_log_dir),
        policy=Path(policy_text) if policy_text else site_policy_path(),
        home=None,
        portable=False,
    )


def site_policy_path() -> Path:
    """The IT policy file in the machine-wide configuration folder (ProgramData on Windows)."""
    from platformdirs import PlatformDirs

    return Path(PlatformDirs(APP_NAME, appauthor=False).site_config_dir) / POLICY_NAME
