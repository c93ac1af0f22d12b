"""Offline pack import: peak memory of `msguide import PACK.zip` with a generated feed.

One worker process imports the feed file into a store and makes a pack of it (not measured).
Another (store open: its peak RSS so far is the floor) imports the pack into an empty store
through `msguide.offline.unpack.import_pack` (the feed extracted to the staging folder and read
item by item) and reports its peak RSS.

Run through `benchmarks/run --only pack`, or alone: `python benchmarks/pack_bench.py [items]`.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from measure import Figure, peak_rss_mib, run_worker

HERE = Path(__file__).resolve()
MEMORY_BUDGET_MIB = 300.0
SOURCE = "bench"  # the source id benchmarks/generate.py gives its feeds


def _policy(feed_bytes: int) -> Any:
    from msguide.policy import NetworkPolicy, Policy, SourcePolicy

    source = SourcePolicy("https://feeds.example.org/bench.json", SOURCE, allow_unsigned=True)
    return Policy(
        sources=(source,),
        network=NetworkPolicy(max_feed_mb=feed_bytes // (1024 * 1024) + 1),
    )


def worker_make(feed: Path, folder: Path) -> dict[str, Any]:
    from msguide.importing import import_file
    from msguide.offline.cache import OfflineCache
    from msguide.offline.pack import create_pack
    from msguide.store.db import Store

    policy = _policy(feed.stat().st_size)
    with Store.open(folder / "origin.sqlite") as store:
        import_file(store, feed, policy=policy)
        cache = OfflineCache(store, folder / "origin-cache", 10**9)
        create_pack(store, cache, folder / "pack.zip", None)
    return {"pack_bytes": (folder / "pack.zip").stat().st_size}


def worker_import(pack: Path, folder: Path, feed_bytes: int) -> dict[str, Any]:
    from msguide.offline.cache import OfflineCache
    from msguide.offline.unpack import import_pack
    from msguide.store.db import Store

    policy = _policy(feed_bytes)
    with Store.open(folder / "store.sqlite") as store:
        cache = OfflineCache(store, folder / "cache", 10**9)
        baseline = peak_rss_mib()
        started = time.perf_counter()
        result = import_pack(store, cache, pack, policy=policy)
        seconds = time.perf_counter() - started
    return {
        "added": len(result.feeds[0].added),
        "seconds": seconds,
        "baseline_mib": baseline,
        "peak_mib": peak_rss_mib(),
    }


def memory_figures(feed: Path, count: int) -> list[Figure]:
    with tempfile.TemporaryDirectory(prefix="msguide-pack-") as tmp:
        folder = Path(tmp)
        run_worker(HERE, "make", str(feed), str(folder))
        result = run_worker(
            HERE, "import", str(folder / "pack.zip"), str(folder), str(feed.stat().st_size)
        )
    if not result["added"]:
        raise RuntimeError(f"the pack import added nothing: {result}")
    size = f"{count // 1000}k" if count >= 1000 else str(count)
    return [
        Figure(
            f"peak RSS, import a pack of {size} (feed read item by item)",
            result["peak_mib"],
            "MiB",
            result["baseline_mib"],
            max_value=MEMORY_BUDGET_MIB,
            note=(
                f"`msguide import PACK.zip` into an empty store, {result['seconds']:.1f} s; "
                "floor: the same process with the store open"
            ),
        )
    ]


def main(argv: list[str]) -> int:
    import json

    if argv[:1] == ["worker"]:
        mode, args = argv[1], argv[2:]
        if mode == "make":
            out = worker_make(Path(args[0]), Path(args[1]))
        else:
            out = worker_import(Path(args[0]), Path(args[1]), int(args[2]))
        print(json.dumps(out), flush=True)
        return 0
    from generate import cached_feed
    from measure import table

    count = int(argv[0]) if argv else 10_000
    print(table(memory_figures(cached_feed(count), count)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
