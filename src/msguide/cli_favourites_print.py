"""The command line's `msguide favourites …` and `msguide print …` commands.

Kept beside cli.py (which only registers them) so each stays short. Same contract: one clear
sentence on failure, the documented exit codes, nothing changed when input is refused.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from msguide.errors import ExitCode, StorageError, UsageError
from msguide.safetext import safe_text

if TYPE_CHECKING:
    import argparse

    from msguide.store.db import Store

Handler = Callable[["argparse.Namespace"], int]


def _open_store(read_only: bool = False) -> Store:
    from msguide.cli import _open_store as open_store

    store: Store = open_store(read_only=read_only)
    return store


def _print_json(data: object) -> None:
    from msguide.cli import _print_json as print_json

    print_json(data)


# --- favourites -----------------------------------------------------------------------------


def cmd_favourites_list(args: argparse.Namespace) -> int:
    from msguide.store.favourites import list_favourites

    with _open_store() as store:
        favourites = list_favourites(store)
    if args.json:
        _print_json([f.to_json() for f in favourites])
        return ExitCode.OK
    if not favourites:
        print("You have no favourites yet. Add one with `msguide favourites add ID`.")
    for f in favourites:
        if f.available:
            print(f"* {safe_text(f.title)}\n    {safe_text(f.id)} ({safe_text(f.source)})")
        else:
            print(f"- {safe_text(f.id)} ({safe_text(f.source)}): not in the current content")
    return ExitCode.OK


def _one_item(store: Store, item_id: str, source: str | None) -> str:
    """The source of the one item with `item_id`, or a usage error saying what is wrong."""
    from msguide.store.favourites import find_item

    found = find_item(store, item_id, source)
    if not found:
        where = f" from {source}" if source else ""
        raise UsageError(
            f'there is no item "{item_id}"{where} in the current content; '
            "`msguide search` shows items with their ids"
        )
    if len(found) > 1:
        sources = ", ".join(s for s, _ in found)
        raise UsageError(f'several sources have an item "{item_id}" ({sources}); add --source')
    return found[0][0]


def cmd_favourites_add(args: argparse.Namespace) -> int:
    from msguide.store.userstate import set_favourite

    with _open_store() as store:
        source = _one_item(store, args.item, args.source)
        set_favourite(store, source, args.item, True)
    print(f"Added {safe_text(args.item)} to your favourites.")
    return ExitCode.OK


def cmd_favourites_remove(args: argparse.Namespace) -> int:
    from msguide.store.favourites import list_favourites
    from msguide.store.userstate import set_favourite

    with _open_store() as store:
        held = [
            f
            for f in list_favourites(store)
            if f.id == args.item and (args.source is None or f.source == args.source)
        ]
        if not held:
            raise UsageError(f'"{args.item}" is not one of your favourites')
        if len(held) > 1:
            raise UsageError(f'"{args.item}" is a favourite from several sources; add --source')
        set_favourite(store, held[0].source, args.item, False)
    print(f"Removed {safe_text(args.item)} from your favourites.")
    return ExitCode.OK


def cmd_favourites_export(args: argparse.Namespace) -> int:
    from msguide.atomic import write_atomically
    from msguide.store.favourites import export_favourites, list_favourites

    with _open_store() as store:
        data = export_favourites(store)
        count = len(list_favourites(store))
    if args.output in (None, "-"):
        if sys.stdout is None:
            raise UsageError("there is no console here: use -o FILE")
        sys.stdout.write(data.decode("utf-8"))
        return ExitCode.OK
    write_atomically(Path(args.output), data)
    plural = "" if count == 1 else "s"
    print(f"Wrote {count} favourite{plural} to {safe_text(args.output)}", file=sys.stderr)
    return ExitCode.OK


def cmd_favourites_import(args: argparse.Namespace) -> int:
    from msguide.store.favourites import import_favourites, read_favourites_file

    path = Path(args.file)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise UsageError(f"there is no file {path}") from None
    except (UnicodeEncodeError, ValueError):  # a lone surrogate or a NUL: no file has that name
        raise UsageError("that is not a file name this system can use") from None
    except OSError as error:
        raise StorageError(f"cannot read {path}: {error.strerror or error}") from None
    pairs = read_favourites_file(raw)  # refused before the store is even opened
    with _open_store() as store:
        summary = import_favourites(store, pairs)
    if args.json:
        _print_json(
            {
                "added": summary.added,
                "already": summary.already,
                "unavailable": [{"source": s, "id": i} for s, i in summary.unavailable],
            }
        )
        return ExitCode.OK
    print(summary.describe())
    for source, item_id in summary.unavailable:
        print(f"- {safe_text(item_id)} ({safe_text(source)}): not in the current content")
    return ExitCode.OK


# --- print ----------------------------------------------------------------------------------


def cmd_print(args: argparse.Namespace) -> int:
    from msguide.ui.printing import print_to_pdf  # the top layer may use the ui's layout

    output = Path(args.output)
    if output.suffix.lower() != ".pdf":
        raise UsageError("the output must be a .pdf file (-o FILE.pdf)")
    with _open_store(read_only=False) as store:
        pages = print_to_pdf(store, args.what, output, source=args.source)
    print(f"Wrote {pages} page{'' if pages == 1 else 's'} to {safe_text(output)}", file=sys.stderr)
    return ExitCode.OK


# --- registration ---------------------------------------------------------------------------


def add_favourites_and_print_commands(
    add: Callable[..., Any], commands: Any, parser_class: Any
) -> None:
    """Register `favourites` and `print` with cli.build_parser's `add` helper."""
    from msguide.cli import (
        _text,  # ids and words: no lone surrogates (bytes that are not UTF-8)
        _usage,  # one sentence naming the tools
    )

    def usage(parser: Any) -> Handler:
        return lambda _args: _usage(parser)

    favourites = add("favourites", None, "your favourites: list, add, remove, export, import")
    favourites.set_defaults(handler=usage(favourites))
    tools = favourites.add_subparsers(
        dest="favourites_command", parser_class=parser_class, metavar="TOOL"
    )
    listing = add("list", cmd_favourites_list, "list your favourites", tools)
    listing.add_argument("--json", action="store_true")
    for name, handler, text in (
        ("add", cmd_favourites_add, "add an item to your favourites"),
        ("remove", cmd_favourites_remove, "remove an item from your favourites"),
    ):
        sub = add(name, handler, text, tools)
        sub.add_argument("item", type=_text, metavar="ID")
        sub.add_argument("--source", type=_text, metavar="ID")
    export = add(
        "export",
        cmd_favourites_export,
        "write your favourites to a file for another computer",
        tools,
    )
    export.add_argument("-o", "--output", metavar="FILE", help="file to write (default: stdout)")
    importing = add(
        "import", cmd_favourites_import, "merge favourites from a file made by export", tools
    )
    importing.add_argument("file", metavar="FILE")
    importing.add_argument("--json", action="store_true")

    printing = add(
        "print",
        cmd_print,
        "write an item, the contacts list or a pathway as a PDF with a dated footer",
    )
    printing.add_argument("what", type=_text, metavar="ITEM_ID|contacts|pathway:ID")
    printing.add_argument("-o", "--output", required=True, metavar="FILE.pdf")
    printing.add_argument("--source", type=_text, metavar="ID")
