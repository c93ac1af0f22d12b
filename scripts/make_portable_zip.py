"""Zip the built bundle (dist/msguide) with a `portable` marker, for use from a USB stick.

    python scripts/make_portable_zip.py [--dist dist/msguide] [-o dist/msguide-…-portable.zip]

Unzipped anywhere, msguide keeps its data, settings and logs in the `data`, `config`, `cache`
and `logs` folders beside the program (msguide.paths.portable_home) instead of the user's
profile. Same bundle, same zip: entries are sorted and dated SOURCE_DATE_EPOCH (or 1980).
"""

from __future__ import annotations

import argparse
import os
import platform
import stat
import sys
import time
import zipfile
from collections.abc import Sequence
from pathlib import Path

from msguide import APP_NAME, __version__
from msguide.paths import PORTABLE_MARKER

PROJECT = Path(__file__).resolve().parents[1]

MARKER_TEXT = (
    "This file makes msguide portable: it keeps its data, settings and logs in this folder\n"
    "(data, config, cache, logs) instead of your user profile. Delete this file to use the\n"
    "profile again. Keep the folder on a local or USB drive you trust: it holds your\n"
    "favourites and reading history.\n"
)
ZIP_EPOCH = 315532800  # 1980-01-01, the earliest date a zip entry can hold


def default_name() -> str:
    system = {"win32": "windows", "darwin": "macos"}.get(sys.platform, sys.platform)
    return f"{APP_NAME}-{__version__}-{system}-{platform.machine().lower()}-portable.zip"


def _entry(name: str, mode: int, when: tuple[int, int, int, int, int, int]) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=when)
    info.external_attr = (mode & 0xFFFF) << 16
    info.create_system = 3  # Unix, so unzip restores the mode bits (and symbolic links)
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def make_portable_zip(dist: Path, output: Path) -> int:
    """Write `output`: every file of `dist` under msguide/, plus msguide/portable. Returns the
    number of entries."""
    dist = dist.resolve()
    programs = [dist / f"{APP_NAME}.exe", dist / APP_NAME]
    if not any(p.is_file() for p in programs):
        raise SystemExit(
            f"{dist} holds no msguide program: build the bundle with "
            "`pyinstaller --noconfirm --clean build_installer.spec` first."
        )
    if output.resolve().is_relative_to(dist):
        raise SystemExit(f"write the zip outside {dist}, or it would contain itself")
    epoch = max(int(os.environ.get("SOURCE_DATE_EPOCH", ZIP_EPOCH)), ZIP_EPOCH)
    when = time.gmtime(epoch)[:6]
    paths = sorted(p for p in dist.rglob("*") if p.name != PORTABLE_MARKER or p.parent != dist)
    temporary = output.with_name(f".{output.name}.tmp")
    output.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with zipfile.ZipFile(temporary, "w", compresslevel=9) as archive:
        for path in paths:
            name = f"{APP_NAME}/{path.relative_to(dist).as_posix()}"
            if path.is_symlink():
                # Linux bundles link some libraries; store the link, not a second copy.
                info = _entry(name, stat.S_IFLNK | 0o777, when)
                archive.writestr(info, os.readlink(path))
            elif path.is_dir():
                continue  # folders come with their files
            else:
                mode = path.stat().st_mode
                info = _entry(name, stat.S_IFREG | (0o755 if mode & 0o111 else 0o644), when)
                with path.open("rb") as source, archive.open(info, "w") as target:
                    while chunk := source.read(1 << 20):
                        target.write(chunk)
            count += 1
        archive.writestr(
            _entry(f"{APP_NAME}/{PORTABLE_MARKER}", stat.S_IFREG | 0o644, when), MARKER_TEXT
        )
        count += 1
    os.replace(temporary, output)
    return count


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=PROJECT / "dist" / APP_NAME)
    parser.add_argument("-o", "--output", type=Path, default=PROJECT / "dist" / default_name())
    args = parser.parse_args(argv)
    count = make_portable_zip(args.dist, args.output)
    size = args.output.stat().st_size
    print(f"Wrote {args.output}: {count} entries, {size / 1024 / 1024:.1f} MiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
