"""What `msguide doctor` and Help ▸ Diagnostics report: versions, paths, store, sources."""

from __future__ import annotations

import platform
import sqlite3
import sys
from typing import Any

from msguide import __version__
from msguide.errors import MsguideError
from msguide.paths import locations
from msguide.policy import load_policy
from msguide.safetext import safe_text


def _versions() -> dict[str, str]:
    versions = {
        "msguide": __version__,
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "platform": platform.platform(),
    }
    try:
        import sqlalchemy

        versions["sqlalchemy"] = sqlalchemy.__version__
    except ImportError:  # pragma: no cover - a broken install
        versions["sqlalchemy"] = "missing"
    try:
        import PySide6

        versions["pyside6"] = PySide6.__version__
    except ImportError:  # pragma: no cover - a broken install
        versions["pyside6"] = "missing"
    return versions


def store_report(store_path: Any) -> dict[str, Any]:
    from msguide.store.db import Store
    from msguide.store.history import source_statuses
    from msguide.store.location import journal_choice
    from msguide.store.recovery import read_only_mode
    from msguide.store.searchindex import index_problem

    report: dict[str, Any] = {"path": str(store_path), "exists": store_path.exists()}
    if not store_path.exists():
        report.update(
            ok=False, problem="no store yet: it is created from the bundled content on first start"
        )
        return report
    try:
        # A folder that cannot be written still gets a report (recovery.read_only_mode).
        immutable = read_only_mode(store_path) == "immutable"
        with (
            Store.open(store_path, read_only=True, immutable=immutable) as store,
            store.read() as connection,
        ):
            # A damaged store reports one row per problem: show the first few, never crash.
            problems = connection.exec_driver_sql("PRAGMA quick_check(5)").scalars()
            check = "; ".join(str(p) for p in problems)
            items = connection.exec_driver_sql("SELECT COUNT(*) FROM items").scalar_one()
            index = index_problem(connection.raw, thorough=True, writable=False)
            report.update(
                ok=check == "ok" and index is None,
                integrity=check,
                search_index="ok" if index is None else f"damaged ({index})",
                items=items,
                schema=store.schema_version(),
                journal_mode=connection.exec_driver_sql("PRAGMA journal_mode").scalar_one(),
                # What msguide chooses here and why: WAL on a local disk, never on a share.
                journal_mode_chosen=journal_choice(store_path)[0].lower(),
                journal_reason=journal_choice(store_path)[1],
                size_bytes=store_path.stat().st_size,
            )
            report["sources"] = [s.to_json() for s in source_statuses(store)]
    except (MsguideError, sqlite3.DatabaseError) as error:
        report.update(ok=False, problem=str(error))
    return report


def doctor_report(*, online: bool = False) -> dict[str, Any]:
    """Everything `msguide doctor` prints; `online` also fetches each configured feed once."""
    from msguide.settings import Settings
    from msguide.sync.checks import feeds_report, tls_report

    where = locations()
    policy = load_policy(where.policy)
    store = store_report(where.store)
    settings = Settings(where.settings, policy)
    sources = settings.sources()
    settings_problems = settings.problems
    return {
        "version": __version__,
        "versions": _versions(),
        "executable": sys.executable,
        "paths": {**where.to_json(), "home": str(where.home) if where.home else None},
        "policy": {
            "path": str(where.policy),
            "exists": where.policy.exists(),
            "origin": policy.origin,
            "problems": list(policy.problems),
            "sources": [s.url for s in policy.sources],
            "admin_tools": policy.admin_tools,
            "sync_interval_hours": policy.sync_interval_hours,
        },
        # Settings problems include the policy's locks that do nothing or cannot apply.
        "settings": {"path": str(where.settings), "problems": list(settings_problems)},
        "store": store,
        "sources": store.get("sources", []),
        "network": {
            "tls": tls_report(),
            "feeds": feeds_report(sources, where, policy, online=online),
        },
    }


def format_report(report: dict[str, Any]) -> str:
    lines = [f"msguide {report['version']}"]
    lines += [f"  {name}: {value}" for name, value in report["versions"].items()]
    lines.append("Paths:")
    lines += [f"  {name}: {value}" for name, value in report["paths"].items()]
    policy = report["policy"]
    lines.append(f"IT policy: {policy['path']} ({'present' if policy['exists'] else 'none'})")
    lines += [f"  problem: {p}" for p in policy["problems"]]
    for problem in report.get("settings", {}).get("problems", []):
        lines.append(f"  settings problem: {problem}")
    store = report["store"]
    if store.get("ok"):
        lines.append(
            f"Store: ok, {store['items']} items, schema {store['schema']}, "
            f"{store['journal_mode']} journal, {store['size_bytes']:,} bytes"
        )
        lines.append(f"  journal: {store['journal_reason']}")
    elif store.get("search_index", "ok") != "ok" and store.get("integrity") == "ok":
        lines.append(
            f"Store: PROBLEM: the search index is {store['search_index']}; start msguide "
            "once to rebuild it from the content"
        )
    else:
        lines.append(f"Store: PROBLEM: {store.get('problem') or store.get('integrity')}")
    for source in report["sources"]:
        state = "out of date" if source["expired"] else "current"
        lines.append(
            f"  {source['id']}: sequence {source['sequence']}, published "
            f"{source['published']}, {source['items']} items, {state}"
        )
    network = report["network"]
    tls = network["tls"]
    lines.append(
        f"TLS: {'available' if tls['supported'] else 'NOT AVAILABLE'} ({tls['backend']}, "
        f"{tls['library']}), {tls['system_certificates']} trusted certificates from the system"
    )
    if not network["feeds"]:
        lines.append("Feeds: none configured (the policy or Settings names the feeds to keep)")
    for feed in network["feeds"]:
        keys = f"{feed['pinned_keys']} pinned key(s)" if feed["pinned_keys"] else "no pinned key"
        lines.append(
            f"Feed {feed['url']} ({feed['id'] or 'no id'}, {keys}), proxy: {feed['proxy']}"
        )
        last = feed["last_status"] or "never synced"
        when = f" at {feed['last_checked_at']}" if feed["last_checked_at"] else ""
        lines.append(
            f"  last sync: {last}{when}"
            + (f": {feed['last_message']}" if feed["last_message"] else "")
        )
        if feed.get("key_problem"):
            lines.append(f"  key problem: {feed['key_problem']}")
        if "check" in feed:
            lines.append(f"  check now: {feed['check']}")
    # The report quotes paths, URLs and messages from files and servers: none of their control
    # or direction characters may reach the terminal or the Diagnostics window raw.
    return safe_text("\n".join(lines), multiline=True)
