"""Sync: the peak memory of a sync that imports a feed, and an unchanged feed's sync.

A feed server on 127.0.0.1 (in this process) serves a generated feed with an ETag and answers
`If-None-Match` with 304. Memory: a worker process (Qt core application and store open: its
peak RSS so far is the floor) syncs the feed into an empty store through the real path (Qt's
network stack, the download file next to the store, the feed read item by item) and reports
its peak RSS. Unchanged: a worker process syncs once (the import), then syncs again and
reports the process CPU time of that second sync (all threads), while this process counts the
requests the second sync made and checks the store file was not written.

Run through `benchmarks/run`, or alone: `python benchmarks/sync_bench.py [items]`.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from measure import Figure

HERE = Path(__file__).resolve()
CPU_BUDGET_MS = 50.0
MEMORY_BUDGET_MIB = 300.0


class _FeedServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, body: bytes) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.body = body
        self.etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        self.requests: list[tuple[str, str]] = []  # (path, If-None-Match)


class _Handler(BaseHTTPRequestHandler):
    server: _FeedServer

    def do_GET(self) -> None:
        conditional = self.headers.get("If-None-Match", "")
        self.server.requests.append((self.path, conditional))
        if self.path != "/feed.json":
            self.send_error(404)
            return
        if conditional == self.server.etag:
            self.send_response(304)
            self.send_header("ETag", self.server.etag)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/feed+json")
        self.send_header("Content-Length", str(len(self.server.body)))
        self.send_header("ETag", self.server.etag)
        self.end_headers()
        self.wfile.write(self.server.body)

    def log_message(self, format: str, *args: Any) -> None:
        return


@contextmanager
def _serving(body: bytes) -> Iterator[_FeedServer]:
    server = _FeedServer(body)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def worker(url: str, folder: Path) -> None:
    """Sync twice; report the CPU time of the second sync once the parent says go."""
    import time

    from msguide.policy import Policy, SourcePolicy
    from msguide.store.db import Store
    from msguide.sync.service import run_sync
    from msguide.sync.state import SyncStateFile

    source = SourcePolicy(url=url, allow_unsigned=True, allow_insecure_http=True)
    policy = Policy(sources=(source,))
    state = SyncStateFile(folder / "sync-state.json")
    with Store.open(folder / "store.sqlite") as store:
        [first] = run_sync(store, [source], policy=policy, state=state)
        print(json.dumps({"first": first.status}), flush=True)
        sys.stdin.readline()  # the parent has noted the requests and the file so far
        started = time.process_time()
        [second] = run_sync(store, [source], policy=policy, state=state)
        cpu_ms = (time.process_time() - started) * 1000
        print(json.dumps({"second": second.status, "cpu_ms": cpu_ms}), flush=True)


def memory_worker(url: str, folder: Path, max_mb: int) -> None:
    """Sync the feed once into an empty store; report the peak RSS before and after."""
    import time

    from measure import peak_rss_mib

    from msguide.policy import NetworkPolicy, Policy, SourcePolicy
    from msguide.store.db import Store
    from msguide.sync.service import ensure_core_app, run_sync
    from msguide.sync.state import SyncStateFile

    source = SourcePolicy(url=url, allow_unsigned=True, allow_insecure_http=True)
    network = NetworkPolicy(max_feed_mb=max_mb, transfer_timeout_seconds=3600.0)
    policy = Policy(sources=(source,), network=network)
    state = SyncStateFile(folder / "sync-state.json")
    ensure_core_app()
    with Store.open(folder / "store.sqlite") as store:
        baseline = peak_rss_mib()
        started = time.perf_counter()
        [outcome] = run_sync(store, [source], policy=policy, state=state)
        seconds = time.perf_counter() - started
        added = len(outcome.result.added) if outcome.result is not None else 0
    print(
        json.dumps(
            {
                "status": outcome.status,
                "message": outcome.message,
                "added": added,
                "seconds": seconds,
                "baseline_mib": baseline,
                "peak_mib": peak_rss_mib(),
            }
        ),
        flush=True,
    )


def measure_memory(feed: Path) -> dict[str, Any]:
    body = feed.read_bytes()
    max_mb = len(body) // (1024 * 1024) + 1
    with _serving(body) as server, tempfile.TemporaryDirectory(prefix="msguide-sync-") as tmp:
        url = f"http://127.0.0.1:{server.server_address[1]}/feed.json"
        done = subprocess.run(
            [sys.executable, str(HERE), "memory", url, tmp, str(max_mb)],
            capture_output=True,
            text=True,
            env=dict(os.environ, QT_QPA_PLATFORM="offscreen"),
            check=False,
        )
    if done.returncode != 0:
        raise RuntimeError(f"the sync memory worker failed:\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    if result["status"] != "updated" or not result["added"]:
        raise RuntimeError(f"the sync did not import the feed: {result}")
    return result


def memory_figures(feed: Path, count: int) -> list[Figure]:
    result = measure_memory(feed)
    size = f"{count // 1000}k" if count >= 1000 else str(count)
    return [
        Figure(
            f"peak RSS, sync {size} (downloaded to a file, read item by item)",
            result["peak_mib"],
            "MiB",
            result["baseline_mib"],
            max_value=MEMORY_BUDGET_MIB,
            note=(
                f"a real sync from 127.0.0.1 into an empty store, {result['seconds']:.1f} s; "
                "floor: the same process with Qt and the store open"
            ),
        )
    ]


def _file_state(path: Path) -> tuple[int, int, str]:
    data = path.read_bytes()
    return path.stat().st_mtime_ns, len(data), hashlib.sha256(data).hexdigest()


def measure(feed: Path, runs: int = 5) -> dict[str, Any]:
    body = feed.read_bytes()
    cpu: list[float] = []
    requests: list[int] = []
    rewritten = False
    statuses: set[str] = set()
    with _serving(body) as server, tempfile.TemporaryDirectory(prefix="msguide-sync-") as tmp:
        url = f"http://127.0.0.1:{server.server_address[1]}/feed.json"
        for run in range(runs):
            folder = Path(tmp) / f"run-{run}"
            folder.mkdir()
            process = subprocess.Popen(
                [sys.executable, str(HERE), "worker", url, str(folder)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
                env=dict(os.environ, QT_QPA_PLATFORM="offscreen"),
            )
            assert process.stdin is not None and process.stdout is not None
            first = json.loads(process.stdout.readline())
            if first.get("first") != "updated":
                raise RuntimeError(f"the first sync did not import the feed: {first}")
            seen = len(server.requests)
            before = _file_state(folder / "store.sqlite")
            process.stdin.write("go\n")
            process.stdin.flush()
            second = json.loads(process.stdout.readline())
            process.wait(timeout=120)
            statuses.add(second["second"])
            cpu.append(second["cpu_ms"])
            made = server.requests[seen:]
            requests.append(len(made))
            if not made:
                # No request: the timed sync did not ask the server at all, and a figure of
                # "0 requests, no rewrite" would pass without any sync having happened.
                raise RuntimeError(f"the second sync made no request (status {second})")
            if any(conditional != server.etag for _path, conditional in made):
                raise RuntimeError(f"the second sync was not conditional: {made}")
            rewritten |= _file_state(folder / "store.sqlite") != before
    return {"cpu_ms": cpu, "requests": requests, "rewritten": rewritten, "statuses": statuses}


def figures(feed: Path, count: int, runs: int = 5) -> list[Figure]:
    result = measure(feed, runs)
    size = f"{count // 1000}k" if count >= 1000 else str(count)
    cpu = sorted(result["cpu_ms"])
    median = cpu[len(cpu) // 2]
    requests = max(result["requests"])
    status = ", ".join(sorted(result["statuses"]))
    return [
        Figure(
            f"sync {size} unchanged: CPU time of the sync",
            median,
            "ms",
            max_value=CPU_BUDGET_MS,
            note=f"median of {runs}; status {status}",
        ),
        Figure(
            f"sync {size} unchanged: requests made",
            float(requests),
            "",
            max_value=1.0,
            note="conditional (If-None-Match), answered 304",
        ),
        Figure(
            f"sync {size} unchanged: store file rewritten",
            1.0 if result["rewritten"] else 0.0,
            "",
            max_value=0.0,
            note="content, size and modification time compared",
        ),
    ]


def main(argv: list[str]) -> int:
    if argv[:1] == ["worker"]:
        worker(argv[1], Path(argv[2]))
        return 0
    if argv[:1] == ["memory"]:
        memory_worker(argv[1], Path(argv[2]), int(argv[3]))
        return 0
    from generate import cached_feed
    from measure import table

    count = int(argv[0]) if argv else 10_000
    feed = cached_feed(count)
    print(table(memory_figures(feed, count) + figures(feed, count)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
