"""Helpers for packaging tests: run msguide as if frozen, isolated environments, scripts."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

PROJECT = Path(__file__).resolve().parents[2]

# Runs msguide as the frozen app does: PyInstaller's bootloader sets sys.frozen, sys._MEIPASS
# (where bundled files live) and sys.executable (the program beside the `portable` marker).
FROZEN = """
import sys
sys.frozen = True
sys._MEIPASS = {bundle!r}
sys.executable = {executable!r}
from msguide.cli import main
raise SystemExit(main({args!r}))
"""

Frozen = Callable[..., subprocess.CompletedProcess[str]]


def run_frozen(
    bundle: Path, executable: Path, args: list[str], env: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    """Run `msguide ARGS…` in a fresh process that looks like the frozen `executable`."""
    code = FROZEN.format(bundle=str(bundle), executable=str(executable), args=args)
    return subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def load_script(name: str) -> ModuleType:
    """Import scripts/NAME.py (scripts are not a package)."""
    path = PROJECT / "scripts" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"msguide_scripts_{name}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def isolated_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """An environment with a fresh MSGUIDE_HOME, no policy, and Qt's platform left unset."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("QT_QPA_PLATFORM", "MSGUIDE_HOME", "MSGUIDE_POLICY")
    }
    env["MSGUIDE_HOME"] = str(tmp_path / "home")
    env["MSGUIDE_POLICY"] = str(tmp_path / "no-policy.toml")
    env.update(extra)
    return env
