"""Run every benchmark and print one table: figure, value, floor, ratio, target, met?

Usage: `benchmarks/run` (10k and 100k items), `benchmarks/run --quick` (10k only),
`benchmarks/run --sizes 2000,50000`, `benchmarks/run --only app,sync`. Parts: `store`
(import, search, store memory), `app` (start-up, memory and typing in the desktop app),
`sync` (peak memory of a sync at each size, an unchanged feed), `pack` (peak memory of an
offline pack import at each size). Results also go to benchmarks/results/ as JSON.
"""

from __future__ import annotations

import argparse
import json
import platform
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import pack_bench
import store_bench
import sync_bench
import ui_bench
from measure import Figure, table

RESULTS = Path(__file__).resolve().parent / "results"


def _sizes(text: str) -> list[int]:
    return [int(part.replace("k", "000")) for part in text.split(",") if part]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10k items only")
    parser.add_argument("--sizes", type=_sizes, help="item counts, e.g. 10k,100k")
    parser.add_argument(
        "--repeats", type=int, help="imports per size, best kept (default: 2 up to 10k, else 1)"
    )
    parser.add_argument("--iterations", type=int, help="runs of each search query")
    parser.add_argument("--work", type=Path, help="folder for the stores (default: a temp one)")
    parser.add_argument(
        "--feeds", type=Path, help="where generated feeds are cached (default: the temp folder)"
    )
    parser.add_argument("--strict", action="store_true", help="exit 1 if a target is missed")
    parser.add_argument("--no-save", action="store_true", help="do not write benchmarks/results/")
    parser.add_argument(
        "--only",
        default="store,app,sync,pack",
        help="parts to run: store, app, sync, pack (default: all)",
    )
    args = parser.parse_args(argv)
    sizes = args.sizes or ([10_000] if args.quick else [10_000, 100_000])

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    parts = {part.strip() for part in args.only.split(",") if part.strip()}
    started = time.time()
    figures: list[Figure] = []
    details: list[str] = []
    with tempfile.TemporaryDirectory(prefix="msguide-bench-", dir=args.work) as folder:
        if "store" in parts:
            figures, details = store_bench.figures(
                sizes,
                Path(folder),
                feeds=args.feeds,
                repeats=args.repeats,
                iterations=args.iterations,
                log=log,
            )
        if "app" in parts:
            log("desktop app: start-up, memory, typing…")
            figures += ui_bench.figures(sizes, Path(folder) / "app", feeds=args.feeds, log=log)
        if "sync" in parts:
            from generate import cached_feed

            for size in sizes:
                log(f"sync of {size} items: peak memory…")
                figures += sync_bench.memory_figures(cached_feed(size, folder=args.feeds), size)
            log("sync of an unchanged feed…")
            figures += sync_bench.figures(cached_feed(sizes[0], folder=args.feeds), sizes[0])
        if "pack" in parts:
            from generate import cached_feed

            for size in sizes:
                log(f"offline pack of {size} items: peak memory…")
                figures += pack_bench.memory_figures(cached_feed(size, folder=args.feeds), size)
    machine = (
        f"{platform.system()} {platform.machine()}, Python {platform.python_version()}, "
        f"SQLite {sqlite3.sqlite_version}, {time.strftime('%Y-%m-%d')}"
    )
    print("\n".join(details))
    print()
    print(f"msguide benchmarks ({machine}; {time.time() - started:.0f} s)")
    print()
    print(table(figures))
    notes = [f"- {f.name}: {f.note}" for f in figures if f.note]
    if notes:
        print()
        print("\n".join(notes))
    if not args.no_save:
        RESULTS.mkdir(exist_ok=True)
        out = RESULTS / time.strftime("store-%Y%m%d-%H%M%S.json")
        out.write_text(
            json.dumps({"machine": machine, "figures": [f.to_json() for f in figures]}, indent=1)
            + "\n",
            encoding="utf-8",
        )
    missed = [f.name for f in figures if f.met is False]
    return 1 if args.strict and missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
