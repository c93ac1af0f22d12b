"""The frozen bundle: its size (total and largest files) and its start-up time against source.

    python benchmarks/bundle.py [--dist dist/msguide] [--runs 7] [--json]

Build the bundle first (`pyinstaller --noconfirm --clean build_installer.spec`). Each start is a
fresh process in an empty temporary MSGUIDE_HOME, offscreen; the median of --runs starts is
kept, after one warm-up start that fills the disk cache; source and bundle starts take turns.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from measure import MIB, Figure, table

PROJECT = Path(__file__).resolve().parents[1]
MAX_BUNDLE_MIB = 200.0  # a download and install a council laptop manages in a few minutes
TARGETS: dict[str, dict[str, Any]] = {
    # PyInstaller's PySide6 start-up hook loads QtCore before msguide runs, even for --version
    # (which from source loads no Qt at all): judge that start by its absolute time.
    "--version": {
        "max_value": 1.0,
        "note": "the bundle loads QtCore before main(); source loads no Qt for --version",
    },
    # The self-test loads what the app loads: one folder, nothing to unpack, so about as fast.
    "--self-test": {"max_ratio": 1.5, "note": "floor: `python -m msguide --self-test`"},
}


def bundle_files(dist: Path) -> list[tuple[int, str]]:
    """(size, path relative to `dist`) of every regular file, largest first; links not counted."""
    files = [
        (path.stat().st_size, path.relative_to(dist).as_posix())
        for path in dist.rglob("*")
        if path.is_file() and not path.is_symlink()
    ]
    return sorted(files, reverse=True)


def start_times(commands: list[list[str]], runs: int) -> list[list[float]]:
    """Wall-clock seconds for `runs` starts of each command, after one warm-up start of each.

    The commands take turns, so that load from other processes on the machine falls on both
    alike and the ratio stays fair even when the absolute times wander.
    """
    times: list[list[float]] = [[] for _ in commands]
    with tempfile.TemporaryDirectory(prefix="msguide-bundle-bench-") as folder:
        env = dict(
            os.environ,
            MSGUIDE_HOME=str(Path(folder) / "home"),
            MSGUIDE_POLICY=str(Path(folder) / "no-policy.toml"),
            QT_QPA_PLATFORM="offscreen",
        )
        for run in range(runs + 1):
            for command, samples in zip(commands, times, strict=True):
                started = time.perf_counter()
                done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
                elapsed = time.perf_counter() - started
                if done.returncode != 0:
                    raise SystemExit(f"{' '.join(command)} failed:\n{done.stdout}{done.stderr}")
                if run:
                    samples.append(elapsed)
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=PROJECT / "dist" / "msguide")
    parser.add_argument("--python", default=sys.executable, help="interpreter for the source run")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    program = args.dist / ("msguide-cli.exe" if os.name == "nt" else "msguide")
    if not program.exists():
        raise SystemExit(
            f"There is no bundle at {args.dist}: build it with "
            "`pyinstaller --noconfirm --clean build_installer.spec` first."
        )

    files = bundle_files(args.dist)
    total = sum(size for size, _ in files)
    figures = [Figure("bundle size", total / MIB, "MiB", max_value=MAX_BUNDLE_MIB)]
    details = {}
    for option in ("--version", "--self-test"):
        source_times, frozen_times = start_times(
            [[args.python, "-m", "msguide", option], [str(program), option]], args.runs
        )
        source = statistics.median(source_times)
        frozen = statistics.median(frozen_times)
        details[option] = {
            "source_s": source,
            "bundle_s": frozen,
            "source_runs": source_times,
            "bundle_runs": frozen_times,
        }
        figures.append(
            Figure(
                f"start-up `msguide {option}`, bundle",
                frozen,
                "s",
                floor=source,
                **TARGETS[option],
            )
        )

    if args.json:
        print(
            json.dumps(
                {
                    "figures": [f.to_json() for f in figures],
                    "files": len(files),
                    "largest": [{"path": p, "bytes": s} for s, p in files[:10]],
                    "starts": details,
                },
                indent=2,
            )
        )
        return 0
    machine = f"{platform.system()} {platform.machine()}, Python {platform.python_version()}"
    print(f"Bundle {args.dist}: {total / MIB:.1f} MiB in {len(files)} files ({machine})")
    print("Largest files:")
    for size, path in files[:10]:
        print(f"  {size / MIB:6.1f} MiB  {path}")
    print(f"\nStart-up: median of {args.runs} starts each, after one warm-up start\n")
    print(table(figures))
    print()
    print("\n".join(f"- {f.name}: {f.note}" for f in figures if f.note))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
