"""The command line's offline commands: `msguide pack create`, `msguide offline …`, and the
offline-pack side of `msguide import`. Printing only; the work is in the modules they call."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from msguide.errors import ExitCode, UsageError
from msguide.paths import locations
from msguide.policy import load_policy

if TYPE_CHECKING:
    import argparse

    from msguide.store.db import Store


def _print_json(data: object) -> None:
    from msguide.jsonout import print_json

    print_json(data)  # always valid JSON, whatever text it carries


def _store() -> Store:
    from msguide.services import open_user_store

    return open_user_store().store


def is_pack_path(text: str) -> bool:
    """`msguide import` treats a .zip as an offline pack, anything else as a feed."""
    return text.lower().endswith(".zip")


def import_pack_command(args: argparse.Namespace) -> int:
    """`msguide import PACK.zip [--dry-run] [--force] [--json]` (admin tools checked by cli)."""
    from msguide.offline.config import offline_preferences, open_cache
    from msguide.offline.unpack import import_pack

    if args.signature:
        raise UsageError(
            "an offline pack carries its feeds' signatures inside; leave out --signature"
        )
    where = locations()
    policy = load_policy(where.policy)
    preferences = offline_preferences(where, policy)
    with _store() as store:
        result = import_pack(
            store,
            open_cache(store, where, preferences),
            Path(args.source),
            policy=policy,
            mode=preferences.mode,
            force=args.force,
            dry_run=args.dry_run,
        )
    if args.json:
        _print_json(result.to_json())
    else:
        print(result.summary())
    return ExitCode.OK


def pack_create_command(args: argparse.Namespace) -> int:
    """`msguide pack create OUT.zip [--source ID]… [--json]`."""
    from msguide.offline.config import open_cache
    from msguide.offline.pack import create_pack

    with _store() as store:
        summary = create_pack(store, open_cache(store), Path(args.output), args.source or None)
    if args.json:
        _print_json(summary.to_json())
    else:
        print(summary.describe())
    return ExitCode.OK


def offline_status_command(args: argparse.Namespace) -> int:
    """`msguide offline status [--json]`: what is kept, what is wanted, the cap."""
    from msguide.offline.config import offline_preferences, open_cache
    from msguide.offline.keep import kept_items
    from msguide.offline.plan import plan_downloads

    where = locations()
    preferences = offline_preferences(where)
    with _store() as store:
        cache = open_cache(store, where, preferences)
        usage = cache.usage()
        plan = plan_downloads(store, preferences.mode, set(cache.held()))
        kept = kept_items(store)
    data: dict[str, Any] = {
        "folder": str(cache.folder),
        "mode": preferences.mode,
        "cap_bytes": usage.cap_bytes,
        "bytes": usage.bytes,
        "documents": usage.files,
        "partial_bytes": usage.partial_bytes,
        "kept_items": [{"source": s, "id": i} for s, i in kept],
        "wanted_not_offline": len(plan.files),
        "not_kept_offline": list(plan.unusable),
    }
    if args.json:
        _print_json(data)
        return ExitCode.OK
    modes = {
        "all": "all documents",
        "pinned": "documents of pinned items",
        "none": "no documents",
    }
    print(f"{usage.describe()}, in {cache.folder}.")
    print(
        f"Sync keeps {modes[preferences.mode]} offline, plus {len(kept)} item"
        f"{'s' if len(kept) != 1 else ''} marked Keep offline."
    )
    if plan.files:
        print(
            f"{len(plan.files)} wanted document{'s are' if len(plan.files) != 1 else ' is'} not "
            "on this computer yet: run `msguide offline download` when online."
        )
    return ExitCode.OK


def offline_download_command(args: argparse.Namespace) -> int:
    """`msguide offline download [--json]`: fetch what the policy and Keep offline ask for."""
    from msguide.offline.config import offline_preferences
    from msguide.sync.attachments import download_blocking

    where = locations()
    policy = load_policy(where.policy)
    preferences = offline_preferences(where, policy)
    with _store() as store:
        report = download_blocking(store, where.attachments, preferences, policy=policy)
    if args.json:
        _print_json(report.to_json())
    else:
        stream = sys.stdout if report.exit_code == ExitCode.OK else sys.stderr
        print(report.summary(), file=stream)
        for outcome in report.outcomes:
            if outcome.status != "downloaded":
                print(f"  {outcome.message}", file=stream)
    return int(report.exit_code)


def offline_keep_command(args: argparse.Namespace) -> int:
    """`msguide offline keep ID [--source ID] [--off]`."""
    from msguide.offline.keep import set_keep_offline

    with _store() as store:
        with store.read() as connection:
            rows = connection.exec_driver_sql(
                "SELECT source_id, title FROM items WHERE item_id = ?"
                + (" AND source_id = ?" if args.source else ""),
                (args.item, args.source) if args.source else (args.item,),
            ).fetchall()
        if not rows:
            raise UsageError(f'there is no item "{args.item}"; `msguide search` shows item ids')
        if len(rows) > 1:
            raise UsageError(
                f'several sources have an item "{args.item}"; choose one with --source '
                f"({', '.join(r[0] for r in rows)})"
            )
        set_keep_offline(store, rows[0][0], args.item, not args.off)
    if args.off:
        print(f'"{rows[0][1]}" is no longer kept offline on purpose.')
    else:
        print(
            f'"{rows[0][1]}" will be kept offline; its documents are downloaded at the next '
            "sync or with `msguide offline download`."
        )
    return ExitCode.OK


def offline_clean_command(args: argparse.Namespace) -> int:
    """`msguide offline clean` (files no item needs) / `msguide offline clear` (everything)."""
    from msguide.offline.cache import megabytes
    from msguide.offline.config import open_cache
    from msguide.offline.plan import referenced_hashes

    with _store() as store:
        cache = open_cache(store)
        if args.offline_command == "clear":
            freed = cache.clear()
            print(f"Removed every offline document ({megabytes(freed)}).")
        else:
            report = cache.clean_up(referenced_hashes(store))
            print(
                f"Removed {report.removed_files} file{'s' if report.removed_files != 1 else ''} "
                f"no current item needs ({megabytes(report.freed_bytes)})."
            )
    return ExitCode.OK


def offline_command(args: argparse.Namespace) -> int:
    """`msguide offline status|download|keep|clean|clear`."""
    handlers = {
        "status": offline_status_command,
        "download": offline_download_command,
        "keep": offline_keep_command,
        "clean": offline_clean_command,
        "clear": offline_clean_command,
    }
    return handlers[args.offline_command](args)
