"""The command line (DESIGN.md §3): the contract that scripts and admins rely on.

Every command prints one clear sentence on failure and exits with the documented code:
0 success, 2 usage, 3 invalid or untrusted feed, 4 network, 5 local storage, and 1 for a bug
in msguide (its traceback goes to the log only). `main` is that boundary (msguide.boundary);
text quoted from the arguments goes through msguide.safetext before it is printed.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from msguide import __version__
from msguide.errors import ExitCode, StorageError, UsageError
from msguide.safetext import safe_json, safe_text

# argparse and json load only for commands: starting the desktop app must not wait for them.
if TYPE_CHECKING:
    import argparse


def _print_json(data: object, stream: TextIO | None = None) -> None:
    from msguide.jsonout import print_json

    print_json(data, stream)


def _open_store(read_only: bool = False) -> Any:
    from msguide.services import open_user_store

    opened = open_user_store(read_only=read_only)
    for notice in opened.notices:  # a repair or a read-only fallback: say it once
        print(f"msguide: {safe_text(notice)}", file=sys.stderr)
    return opened.store


# --- search ---------------------------------------------------------------------------------


def cmd_search(args: argparse.Namespace) -> int:
    from msguide.store.search import MARK_END, MARK_START, Filters, search

    filters = Filters(
        audience=args.audience, category=args.category, kind=args.kind, source=args.source
    )
    from msguide.store.suggest import better_spelling

    with _open_store() as store, store.read() as connection:
        found = search(connection, args.text, filters, limit=args.limit)
        total = len(found) if len(found) < args.limit else None
        suggested = better_spelling(connection, args.text, filters, total)
    if suggested is not None:  # stderr: the results on stdout keep their shape
        print(f"did you mean: {suggested}", file=sys.stderr)
    if args.json:
        _print_json([hit.to_json() for hit in found])
        return ExitCode.OK
    if not found:
        print("No results. Try fewer or shorter words, or remove a filter.")
        return ExitCode.OK
    bold = sys.stdout.isatty() and os.environ.get("NO_COLOR") is None
    for number, hit in enumerate(found, 1):
        details = " · ".join(x for x in (hit.kind, hit.publisher, hit.phone) if x)
        print(f"{number}. {hit.title}")
        print(f"   {details}")
        if hit.url:
            print(f"   {hit.url}")
        snippet = hit.snippet.replace("\n", " ")
        if bold:
            snippet = snippet.replace(MARK_START, "\x1b[1m").replace(MARK_END, "\x1b[0m")
        else:
            snippet = snippet.replace(MARK_START, "").replace(MARK_END, "")
        if snippet:
            print(f"   {snippet}")
    return ExitCode.OK


# --- pathways -------------------------------------------------------------------------------


def cmd_pathway_list(args: argparse.Namespace) -> int:
    from msguide.store.pathways import list_pathways

    with _open_store() as store, store.read() as connection:
        entries = list_pathways(connection)
    if args.json:
        _print_json([entry.to_json() for entry in entries])
    elif not entries:
        print("The content holds no pathways.")
    for entry in [] if args.json else entries:
        print(f"{entry.id}  {entry.title} ({entry.steps} steps, from {entry.source})")
    return ExitCode.OK


def cmd_pathway_show(args: argparse.Namespace) -> int:
    from msguide.pathway_text import pathway_json, pathway_text
    from msguide.store.pathways import find_pathways, load_pathway

    with _open_store() as store, store.read() as connection:
        found = find_pathways(connection, args.id)
        if not found:
            raise UsageError(f'there is no pathway "{args.id}"; `msguide pathway list` lists them')
        if len(found) > 1:
            names = ", ".join(entry.key for entry in found)
            raise UsageError(f'several sources have a pathway "{args.id}"; name one: {names}')
        stored = load_pathway(connection, found[0].source, found[0].id)
    if stored is None:  # removed by an import between the two reads
        raise UsageError(f'there is no pathway "{args.id}"; `msguide pathway list` lists them')
    if args.json:
        _print_json(pathway_json(stored))
    else:
        sys.stdout.write(pathway_text(stored))
    return ExitCode.OK


# --- import ---------------------------------------------------------------------------------


def _print_result(result: Any, verbose: bool = True) -> None:
    print(result.summary())
    if not verbose:
        return
    for mark, changes in (("+", result.added), ("~", result.changed), ("-", result.removed)):
        for change in changes[:50]:
            fields = f" ({', '.join(change.fields)})" if change.fields else ""
            print(f"  {mark} {change.title}{fields}")
        if len(changes) > 50:
            print(f"  {mark} … and {len(changes) - 50} more")


def _require_admin_tools(what: str) -> None:
    """Import and rollback are admin tools, which the IT policy may hide (`[admin] tools`)."""
    from msguide.paths import locations
    from msguide.policy import load_policy

    policy = load_policy(locations().policy)
    if not policy.admin_tools:
        why = f" {policy.problems[0]}" if policy.problems else ""
        raise UsageError(f"{what} is turned off by your IT policy ({policy.origin}).{why}")


def cmd_import(args: argparse.Namespace) -> int:
    from msguide.importing import import_file, looks_like_url

    _require_admin_tools("importing feeds")
    if not looks_like_url(args.source) and args.source.lower().endswith(".zip"):
        from msguide.offline.commands import import_pack_command

        return import_pack_command(args)  # an offline pack (feeds + documents), issue 6
    if looks_like_url(args.source):
        from msguide.sync.service import import_url

        with _open_store() as store:
            result = import_url(store, args.source, force=args.force, dry_run=args.dry_run)
    else:
        path = Path(args.source)
        signature = Path(args.signature) if args.signature else None
        with _open_store() as store:
            result = import_file(
                store, path, signature_path=signature, force=args.force, dry_run=args.dry_run
            )
    if args.json:
        _print_json(result.to_json())
    else:
        _print_result(result)
    return ExitCode.OK


# --- history, rollback, export --------------------------------------------------------------


def cmd_history(args: argparse.Namespace) -> int:
    from msguide.store.history import history

    with _open_store() as store:
        revisions = history(store, args.source)
    if args.json:
        _print_json([r.to_json() for r in revisions])
        return ExitCode.OK
    if not revisions:
        print("The store holds no content yet.")
    for r in revisions:
        mark = "*" if r.current else " "
        signed = "signed" if r.signed else r.signature_state
        print(
            f"{mark} {r.source} {r.sequence:>6}  {r.imported_at}  {r.item_count:>6} items  "
            f"+{r.added} ~{r.changed} -{r.removed}  {signed}  {r.origin}"
        )
    return ExitCode.OK


def cmd_rollback(args: argparse.Namespace) -> int:
    from msguide.store.importer import rollback

    _require_admin_tools("rolling back content")
    with _open_store() as store:
        result = rollback(store, args.source, args.sequence, dry_run=args.dry_run)
    if args.json:
        _print_json(result.to_json())
    else:
        _print_result(result)
    return ExitCode.OK


def _single_source(store: Any, wanted: str | None) -> str:
    from msguide.store.export import source_ids

    known = source_ids(store)
    if wanted:
        if wanted not in known:
            raise UsageError(f'there is no source "{wanted}"; known: {", ".join(known) or "none"}')
        return wanted
    if len(known) == 1:
        return known[0]
    if not known:
        raise StorageError("the store holds no content to export")
    raise UsageError(
        f"the store holds several sources; choose one with --source ({', '.join(known)})"
    )


def cmd_export(args: argparse.Namespace) -> int:
    from msguide.store.export import export_feed

    with _open_store() as store:
        data = export_feed(store, _single_source(store, args.source))
    if args.output in (None, "-"):
        if sys.stdout is None:  # the windowed Windows program has no console to write to
            raise UsageError("there is no console here: use -o FILE, or msguide-cli export")
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        _write_file(Path(args.output), data)
        print(f"Wrote {len(data):,} bytes to {safe_text(args.output)}", file=sys.stderr)
    return ExitCode.OK


def _write_file(path: Path, data: bytes) -> None:
    if not path.name or path.name in (".", ".."):
        raise UsageError(f'"{path}" is not a file name to write to')
    try:
        temporary = path.with_name(f".{path.name}.tmp")
        temporary.write_bytes(data)
        os.replace(temporary, path)
    except OSError as error:
        raise StorageError(f"cannot write {path}: {error.strerror or error}") from None


# --- feed tools -----------------------------------------------------------------------------


def _read_input(path: str, what: str = "a feed file") -> bytes:
    from msguide.importing import read_feed_file

    # Bounded, and only a regular file: never /dev/zero or a pipe (issue 14); a name too long
    # for the system is a usage error.
    return read_feed_file(Path(path), what=what)


def _is_file(name: str) -> bool:
    """Whether `name` names an existing file; a name the system cannot take (too long, a NUL)
    is no file: `feed verify -k RW…` passes keys and .pub files through the same option."""
    try:
        return Path(name).exists()
    except (OSError, ValueError):
        return False


def cmd_feed_validate(args: argparse.Namespace) -> int:
    from msguide.feed.parse import parse

    feed = parse(_read_input(args.file))
    counts = {
        kind: sum(1 for i in feed.items if i.kind == kind)
        for kind in ("resource", "news", "contact")
    }
    if args.json:
        _print_json(
            {
                "valid": True,
                "source": feed.source.id,
                "sequence": feed.sequence,
                "published": feed.published,
                "expires": feed.expires,
                "items": len(feed.items),
                "kinds": counts,
                "pathways": len(feed.pathways),
            }
        )
    else:
        pathways = f", {len(feed.pathways)} pathways" if feed.pathways else ""
        print(
            f"{safe_text(args.file)} is a valid feed: {feed.source.id} sequence {feed.sequence}, "
            f"{len(feed.items)} items ({counts['resource']} resources, {counts['news']} news, "
            f"{counts['contact']} contacts){pathways}"
        )
    return ExitCode.OK


def cmd_feed_schema(args: argparse.Namespace) -> int:
    import json

    from msguide.feed.format import json_schema
    from msguide.feed.parse import DEFAULT_LIMITS

    text = json.dumps(json_schema(DEFAULT_LIMITS.max_items), indent=2, ensure_ascii=False) + "\n"
    if args.output in (None, "-"):
        sys.stdout.write(text)
    else:
        _write_file(Path(args.output), text.encode())
    return ExitCode.OK


def _password(args: argparse.Namespace, *, confirm: bool) -> str | None:
    if args.no_password:
        return None
    from_env = os.environ.get("MSGUIDE_KEY_PASSWORD")
    if from_env is not None:
        return from_env
    import getpass

    if not sys.stdin.isatty():
        raise UsageError("give the key's password in MSGUIDE_KEY_PASSWORD, or use --no-password")
    password = getpass.getpass("Password for the secret key: ")
    if confirm and getpass.getpass("Password again: ") != password:
        raise UsageError("the two passwords differ; nothing was written")
    return password


def cmd_feed_keygen(args: argparse.Namespace) -> int:
    from msguide.feed.signature import generate_keys

    secret_path = Path(args.secret_key)
    public_path = Path(args.public_key)
    for path in (secret_path, public_path):
        if path.exists() and not args.force:
            raise UsageError(f"{path} already exists; use --force to replace it")
    keys = generate_keys(_password(args, confirm=True))
    _write_file(secret_path, keys.secret)
    if os.name != "nt":
        secret_path.chmod(0o600)
    _write_file(public_path, keys.public)
    print(
        f"Key {keys.key_id}: secret key in {safe_text(secret_path)}, "
        f"public key in {safe_text(public_path)}."
    )
    print("Pin this public key in the IT policy file:")
    print(f'  keys = ["{keys.public_base64}"]')
    return ExitCode.OK


def cmd_feed_sign(args: argparse.Namespace) -> int:
    from msguide.feed.parse import parse
    from msguide.feed.signature import sign

    data = _read_input(args.file)
    if not args.skip_validation:
        parse(data)
    secret = _read_input(args.secret_key, "a key file")
    signature = sign(data, secret, _password(args, confirm=False), file_name=Path(args.file).name)
    output = Path(args.output or f"{args.file}.minisig")
    _write_file(output, signature)
    print(f"Signed {safe_text(args.file)}; signature in {safe_text(output)}")
    return ExitCode.OK


def cmd_feed_verify(args: argparse.Namespace) -> int:
    from msguide.feed.signature import verify

    data = _read_input(args.file)
    signature = _read_input(args.signature or f"{args.file}.minisig", "a signature file")
    keys = [
        _read_input(k, "a key file").decode("utf-8", "replace") if _is_file(k) else k
        for k in args.key
    ]
    status = verify(data, signature, keys)
    print(f"{safe_text(args.file)}: {status.describe()}")
    return ExitCode.OK


# --- doctor, seed, self-test ----------------------------------------------------------------


def cmd_doctor(args: argparse.Namespace) -> int:
    from msguide.diagnostics import doctor_report, format_report

    report = doctor_report(online=args.online)
    if args.json:
        _print_json(safe_json(report))
    else:
        print(format_report(report))
    return ExitCode.OK if report["store"].get("ok") else ExitCode.STORAGE


def cmd_build_seed(args: argparse.Namespace) -> int:
    from msguide.paths import source_root
    from msguide.store.seed import build_seed

    if "" in (args.feed, args.output):  # an empty name must not mean "the project's own seed"
        raise UsageError("build-seed: --feed and -o need a file name")
    root = source_root()
    feed = Path(args.feed) if args.feed is not None else root / "data" / "seed-feed.json"
    output = Path(args.output) if args.output is not None else root / "data" / "seed.sqlite"
    result = build_seed(feed, output)
    print(
        f"Built {safe_text(output)} from {safe_text(feed)}: {result.source} sequence "
        f"{result.sequence}, {len(result.added)} items"
    )
    return ExitCode.OK


def cmd_gui(args: argparse.Namespace) -> int:
    return run_gui(list(getattr(args, "qt_args", []) or []))


def run_gui(qt_args: list[str]) -> int:
    from msguide.ui.app import run

    return run(sys.argv[:1] + qt_args)


def cmd_pack_create(args: argparse.Namespace) -> int:
    from msguide.offline.commands import pack_create_command

    return pack_create_command(args)


def cmd_offline(args: argparse.Namespace) -> int:
    from msguide.offline.commands import offline_command

    return offline_command(args)


def cmd_sync(args: argparse.Namespace) -> int:
    from msguide.sync.service import sync_all_cli

    return sync_all_cli(as_json=args.json)


def cmd_self_test(_args: argparse.Namespace) -> int:
    from msguide.selftest import run_self_test

    return run_self_test()


# --- parser ---------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    import argparse
    from typing import NoReturn

    class _Parser(argparse.ArgumentParser):
        def error(self, message: str) -> NoReturn:
            raise UsageError(f"{message} (see `{self.prog} --help`)")

    parser = _Parser(
        prog="msguide",
        description="Offline guidance on modern slavery and "
        "human trafficking. Without a command, starts the desktop app.",
    )
    parser.add_argument("--version", action="version", version=f"msguide {__version__}")
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="check the installation (bundled data, search, Qt) and exit",
    )
    commands = parser.add_subparsers(dest="command", parser_class=_Parser, metavar="COMMAND")

    def add(
        name: str,
        handler: Callable[[argparse.Namespace], int],
        help_text: str,
        parent: Any = commands,
    ) -> argparse.ArgumentParser:
        sub: argparse.ArgumentParser = parent.add_parser(
            name, help=help_text, description=help_text
        )
        sub.set_defaults(handler=handler)
        return sub

    add("gui", cmd_gui, "start the desktop app (the default)")

    search = add("search", cmd_search, "search the local store")
    search.add_argument(
        "text", type=_text, help="words to look for; quotes make a phrase, -word excludes"
    )
    search.add_argument("--audience", type=_text, metavar="ID")
    search.add_argument("--category", type=_text, metavar="ID")
    search.add_argument("--kind", choices=("resource", "news", "contact"))
    search.add_argument("--source", type=_text, metavar="ID")
    search.add_argument(
        "--limit", type=_whole_number("--limit", 1, MAX_LIMIT), default=20, metavar="N"
    )
    search.add_argument("--json", action="store_true", help="print results as JSON")

    path = add("pathway", lambda _a: _usage(path), "'What to do now' pathways: list, show")
    path_commands = path.add_subparsers(
        dest="pathway_command", parser_class=_Parser, metavar="TOOL"
    )
    path_list = add("list", cmd_pathway_list, "list the pathways", path_commands)
    path_list.add_argument("--json", action="store_true")
    path_show = add(
        "show", cmd_pathway_show, "print a pathway's steps, choices and cited items", path_commands
    )
    path_show.add_argument("id", metavar="ID", help="a pathway id, or SOURCE:ID")
    path_show.add_argument("--json", action="store_true")

    imp = add("import", cmd_import, "import a feed file or URL: shows the changes, then applies")
    imp.add_argument("source", metavar="PATH|URL")
    imp.add_argument("--dry-run", action="store_true", help="show the changes, apply nothing")
    imp.add_argument(
        "--force",
        action="store_true",
        help="accept a feed older than the one held (an admin's rollback)",
    )
    imp.add_argument(
        "--signature",
        metavar="FILE",
        help="the detached signature (default: PATH.minisig when present)",
    )
    imp.add_argument("--json", action="store_true")

    sync = add("sync", cmd_sync, "fetch every configured source now")
    sync.add_argument("--json", action="store_true")

    hist = add("history", cmd_history, "list the revisions held for each source")
    hist.add_argument("--source", type=_text, metavar="ID")
    hist.add_argument("--json", action="store_true")

    back = add("rollback", cmd_rollback, "make an earlier revision of a source current again")
    back.add_argument("source", type=_text, metavar="SOURCE")
    back.add_argument(
        "sequence", type=_whole_number("SEQUENCE", 0, MAX_SEQUENCE), metavar="SEQUENCE"
    )
    back.add_argument("--dry-run", action="store_true")
    back.add_argument("--json", action="store_true")

    exp = add("export", cmd_export, "write a source's current content as a feed")
    exp.add_argument("-o", "--output", metavar="FILE", help="file to write (default: stdout)")
    exp.add_argument("--source", type=_text, metavar="ID")

    feed = add("feed", lambda _a: _usage(feed), "feed tools for publishers: validate, sign, …")
    feed_commands = feed.add_subparsers(dest="feed_command", parser_class=_Parser, metavar="TOOL")
    validate = add("validate", cmd_feed_validate, "check a feed file", feed_commands)
    validate.add_argument("file")
    validate.add_argument("--json", action="store_true")
    schema = add("schema", cmd_feed_schema, "print the feed format's JSON Schema", feed_commands)
    schema.add_argument("-o", "--output", metavar="FILE")
    keygen = add(
        "keygen", cmd_feed_keygen, "make a minisign key pair for signing feeds", feed_commands
    )
    keygen.add_argument("-s", "--secret-key", default="msguide.key", metavar="FILE")
    keygen.add_argument("-p", "--public-key", default="msguide.pub", metavar="FILE")
    keygen.add_argument(
        "--no-password",
        action="store_true",
        help="leave the secret key unencrypted (for build servers)",
    )
    keygen.add_argument("--force", action="store_true")
    sign = add("sign", cmd_feed_sign, "sign a feed file (writes FILE.minisig)", feed_commands)
    sign.add_argument("file")
    sign.add_argument("-s", "--secret-key", default="msguide.key", metavar="FILE")
    sign.add_argument("-o", "--output", metavar="FILE")
    sign.add_argument("--no-password", action="store_true")
    sign.add_argument(
        "--skip-validation", action="store_true", help="sign even if the file is not a valid feed"
    )
    verify = add(
        "verify", cmd_feed_verify, "check a feed's signature against a public key", feed_commands
    )
    verify.add_argument("file")
    verify.add_argument(
        "-k",
        "--key",
        action="append",
        required=True,
        metavar="KEY|FILE",
        help="public key (RW…) or .pub file; repeatable",
    )
    verify.add_argument("--signature", metavar="FILE")

    pack = add("pack", lambda _a: _usage(pack), "offline packs for laptops without a network")
    pack_commands = pack.add_subparsers(dest="pack_command", parser_class=_Parser, metavar="TOOL")
    pack_create = add(
        "create",
        cmd_pack_create,
        "write the current feeds, their signatures and offline documents to a zip",
        pack_commands,
    )
    pack_create.add_argument("output", metavar="OUT.zip")
    pack_create.add_argument(
        "--source", action="append", type=_text, metavar="ID", help="only this source (repeatable)"
    )
    pack_create.add_argument("--json", action="store_true")

    offline = add("offline", lambda _a: _usage(offline), "documents kept on this computer")
    offline_commands = offline.add_subparsers(
        dest="offline_command", parser_class=_Parser, metavar="TOOL"
    )
    for name, text in (
        ("status", "what is kept offline, and what is wanted"),
        ("download", "download the documents to keep offline now"),
    ):
        add(name, cmd_offline, text, offline_commands).add_argument("--json", action="store_true")
    keep = add("keep", cmd_offline, "keep an item's documents offline", offline_commands)
    keep.add_argument("item", type=_text, metavar="ID")
    keep.add_argument("--source", type=_text, metavar="ID")
    keep.add_argument("--off", action="store_true", help="stop keeping it offline on purpose")
    add("clean", cmd_offline, "remove documents no current item needs", offline_commands)
    add("clear", cmd_offline, "remove every offline document", offline_commands)

    doctor = add("doctor", cmd_doctor, "check paths, versions, the store and the network")
    doctor.add_argument("--json", action="store_true")
    doctor.add_argument(
        "--online",
        action="store_true",
        help="also fetch each configured feed once (proxy and TLS check)",
    )

    seed = add("build-seed", cmd_build_seed, "rebuild data/seed.sqlite from data/seed-feed.json")
    seed.add_argument("--feed", metavar="FILE")
    seed.add_argument("-o", "--output", metavar="FILE")

    from msguide.cli_favourites_print import add_favourites_and_print_commands

    add_favourites_and_print_commands(add, commands, _Parser)
    return parser


MAX_LIMIT = 100_000  # the most items a feed may hold
MAX_SEQUENCE = 2**63 - 1  # SQLite's largest integer


def _whole_number(what: str, low: int, high: int) -> Callable[[str], int]:
    """An argparse type: a whole number from `low` to `high`, or one usage sentence."""
    import argparse

    def convert(text: str) -> int:
        try:
            number = int(text.strip()) if len(text) <= 40 else None
        except ValueError:
            number = None
        if number is None or not low <= number <= high:
            raise argparse.ArgumentTypeError(
                f"must be a whole number from {low} to {high}, not {safe_text(text[:40])}"
            )
        return number

    return convert


def _text(value: str) -> str:
    """An argparse type for words and ids: text that can be looked up. A lone surrogate is how
    Python holds bytes that are not UTF-8; no id or word can hold one (file names may)."""
    import argparse

    if any("\ud800" <= char <= "\udfff" for char in value):
        raise argparse.ArgumentTypeError(
            f"{safe_text(value[:40])} is not valid text (it holds bytes that are not UTF-8)"
        )
    return value


def _usage(parser: argparse.ArgumentParser) -> int:
    """`msguide feed` with no tool: one sentence naming the tools, like every usage error."""
    import argparse

    tools = [
        name
        for action in parser._actions
        if isinstance(action, argparse._SubParsersAction)
        for name in action.choices
    ]
    raise UsageError(f"{parser.prog} needs a tool: {', '.join(tools)} (see `{parser.prog} --help`)")


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command. Whatever it raises becomes its exit code and one sentence here."""
    argv = list(sys.argv[1:] if argv is None else argv)
    as_json = "--json" in argv
    command = "msguide"
    try:
        if not argv or argv[0].startswith("-qt") or argv[0] in ("-platform", "-style"):
            return run_gui(argv)
        args = build_parser().parse_args(argv)
        if args.self_test:
            return cmd_self_test(args)
        if args.command not in (None, "gui"):  # the desktop app starts its own log
            from msguide.logsetup import setup_logging

            command = f"msguide {args.command}"
            setup_logging(what=command)
        handler = getattr(args, "handler", None)
        if handler is None:
            return run_gui([])
        return int(handler(args))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return ExitCode.OK
    except Exception as error:  # the one boundary: a sentence and an exit code, never a trace
        from msguide.boundary import report_failure

        return report_failure(error, as_json=as_json, what=command)


def gui_main() -> int:
    return run_gui(sys.argv[1:])


if __name__ == "__main__":
    raise SystemExit(main())
