"""What every benchmark shares: figures with their floors and targets, percentiles, peak memory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MIB = 1024 * 1024


@dataclass(frozen=True)
class Figure:
    """One line of the results table.

    `max_ratio` judges value/floor (the portable kind of target); `max_value` judges the value
    itself (for absolute budgets such as a frame or a memory limit). A figure may have both.
    """

    name: str
    value: float
    unit: str
    floor: float | None = None
    max_ratio: float | None = None
    max_value: float | None = None
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.floor is None or self.floor <= 0:
            return None
        return self.value / self.floor

    @property
    def target(self) -> str:
        parts = []
        if self.max_ratio is not None:
            parts.append(f"≤ {self.max_ratio:g}x")
        if self.max_value is not None:
            parts.append(f"≤ {_number(self.max_value)} {self.unit}")
        return ", ".join(parts) or "—"

    @property
    def met(self) -> bool | None:
        checks = []
        if self.max_ratio is not None and self.ratio is not None:
            checks.append(self.ratio <= self.max_ratio)
        if self.max_value is not None:
            checks.append(self.value <= self.max_value)
        return all(checks) if checks else None

    def to_json(self) -> dict[str, Any]:
        return {
            "figure": self.name,
            "value": self.value,
            "unit": self.unit,
            "floor": self.floor,
            "ratio": self.ratio,
            "target": self.target,
            "met": self.met,
            "note": self.note,
        }


def _number(value: float) -> str:
    if value >= 100:
        return f"{value:.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def table(figures: Sequence[Figure]) -> str:
    """The figures as a Markdown table (readable in a terminal, pasteable into the README)."""
    header = ("figure", "value", "floor", "ratio", "target", "met?")
    rows = [header]
    for f in figures:
        ratio = f"{f.ratio:.2f}x" if f.ratio is not None else "—"
        floor = f"{_number(f.floor)} {f.unit}" if f.floor is not None else "—"
        met = {True: "yes", False: "**NO**", None: "—"}[f.met]
        rows.append((f.name, f"{_number(f.value)} {f.unit}", floor, ratio, f.target, met))
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = []
    for n, row in enumerate(rows):
        lines.append("| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |")
        if n == 0:
            lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def percentile(samples: Sequence[float], fraction: float) -> float:
    """The nearest-rank percentile (p95 = percentile(samples, 0.95))."""
    ordered = sorted(samples)
    index = max(0, min(len(ordered) - 1, round(fraction * len(ordered) + 0.5) - 1))
    return ordered[index]


def peak_rss_mib() -> float | None:
    """This process's peak resident memory so far, in MiB (None where the OS cannot say)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024 / MIB
    except OSError:
        pass
    try:
        import resource
    except ImportError:  # Windows
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / MIB if sys.platform == "darwin" else peak * 1024 / MIB


def run_worker(script: Path, *args: str) -> dict[str, Any]:
    """Run `script worker ARGS…` in a fresh interpreter; it prints one JSON object."""
    env = dict(os.environ, PYTHONHASHSEED="0")
    done = subprocess.run(
        [sys.executable, str(script), "worker", *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"benchmark worker {args[0]} failed:\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result
