"""Sync for the command line: `msguide sync [--json]` and `msguide import URL`.

Both run Qt's networking (for the system proxy and certificate store) on a QCoreApplication
event loop; in a process that already has a QApplication (tests, the desktop app) they use it.
"""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from PySide6.QtCore import QCoreApplication, QEventLoop

from msguide.errors import ExitCode, NetworkError, UsageError
from msguide.paths import Locations, locations
from msguide.policy import Policy, SourcePolicy, load_policy
from msguide.settings import Settings
from msguide.store.db import Store
from msguide.store.importer import ImportResult
from msguide.sync.accept import accept, accept_file, limits_for
from msguide.sync.controller import SyncController, transport_options
from msguide.sync.download import new_download
from msguide.sync.messages import failure_message
from msguide.sync.outcome import SourceOutcome, overall_exit_code
from msguide.sync.state import SyncStateFile, default_state_path
from msguide.sync.steps import signature_request
from msguide.sync.transport import FetchFailure, FetchRequest, FetchResult, Transport, refusal_for

_app: QCoreApplication | None = None


def ensure_core_app() -> QCoreApplication:
    """The running Qt application, or a QCoreApplication made for the command line."""
    global _app
    existing = QCoreApplication.instance()
    if existing is not None:
        return existing
    _app = QCoreApplication(["msguide"])
    return _app


@contextmanager
def _interruptible() -> Iterator[None]:
    """Let Ctrl+C stop a command waiting in Qt's event loop (Python's handler cannot run
    there); an import is one transaction and the state file is replaced atomically."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_DFL)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def configured_sources(
    where: Locations | None = None, policy: Policy | None = None
) -> list[SourcePolicy]:
    where = where or locations()
    policy = policy if policy is not None else load_policy(where.policy)
    return Settings(where.settings, policy).sources()


def run_sync(
    store: Store,
    sources: Sequence[SourcePolicy],
    *,
    policy: Policy,
    state: SyncStateFile,
    transport: Transport | None = None,
) -> tuple[SourceOutcome, ...]:
    """Sync `sources` and wait for the outcomes, running a Qt event loop meanwhile."""
    ensure_core_app()
    controller = SyncController(store, policy=policy, state=state, transport=transport)
    loop = QEventLoop()
    controller.finished.connect(loop.quit)
    with _interruptible():
        controller.start(sources)
        if controller.is_running():
            loop.exec()
    outcomes = controller.outcomes
    # Let the worker thread finish before the controller goes (Qt complains otherwise).
    controller.shutdown()
    controller.deleteLater()
    return outcomes


def fetch_blocking(transport: Transport, request: FetchRequest) -> FetchResult:
    """One fetch, waited for on a local event loop."""
    ensure_core_app()
    loop = QEventLoop()
    box: list[FetchResult] = []

    def done(result: FetchResult) -> None:
        box.append(result)
        loop.quit()

    with _interruptible():
        transport.fetch(request, done)
        if not box:
            loop.exec()
    return box[0]


def sync_all_cli(*, as_json: bool) -> int:
    """`msguide sync [--json]`: every configured source, one line (or JSON object) each."""
    from msguide.services import open_user_store

    where = locations()
    policy = load_policy(where.policy)
    settings = Settings(where.settings, policy)
    for problem in (*policy.problems, *settings.problems):  # made safe by policy and settings
        print(f"msguide: {problem}", file=sys.stderr)
    sources = settings.sources()
    if not sources:
        print(
            "No feeds are configured, so there is nothing to sync. IT can list feeds as "
            f"[[sources]] in the policy file ({where.policy}), or add one to your settings "
            f"({where.settings}).",
            file=sys.stderr if as_json else sys.stdout,
        )
        if as_json:
            print("[]")
        return ExitCode.OK
    with open_user_store(where).store as store:
        outcomes = run_sync(
            store, sources, policy=policy, state=SyncStateFile(default_state_path(where))
        )
    if as_json:
        from msguide.jsonout import print_json

        print_json([o.to_json() for o in outcomes])  # always valid JSON, whatever it quotes
    else:
        for outcome in outcomes:
            _print_outcome(outcome)
    return overall_exit_code(outcomes)


def _print_outcome(outcome: SourceOutcome) -> None:
    if not outcome.ok:
        print(f"msguide: {outcome.label}: {outcome.status}: {outcome.message}", file=sys.stderr)
        return
    print(f"{outcome.label}: {outcome.status}: {outcome.message}")
    result = outcome.result
    if result is None or not result.applied:
        return
    for mark, changes in (("+", result.added), ("~", result.changed), ("-", result.removed)):
        for change in changes[:20]:
            print(f"  {mark} {change.title}")
        if len(changes) > 20:
            print(f"  {mark} … and {len(changes) - 20} more")


def import_url(store: Store, url: str, *, force: bool, dry_run: bool) -> ImportResult:
    """`msguide import URL`: download the feed and its `.minisig`, show the diff, apply.

    A URL that is a configured source is judged by that source's keys (before parsing); any
    other URL like a file, by the policy's keys for the feed's source id. The sync state is
    not touched: the next `msguide sync` still checks every source as usual.
    """
    where = locations()
    policy = load_policy(where.policy)
    source = next((s for s in configured_sources(where, policy) if s.url == url), None)
    allow_insecure = source.allow_insecure_http if source is not None else False
    refusal = refusal_for(url, allow_insecure_http=allow_insecure)
    if refusal:
        raise UsageError(f"{refusal}; use an https:// address")
    from msguide.sync.qt_transport import QtTransport

    ensure_core_app()
    transport = QtTransport(transport_options(policy))
    limits = limits_for(policy)
    # The body goes to a file next to the store and is read from it item by item, as in a sync.
    download = new_download(store.path.parent)
    try:
        feed = fetch_blocking(
            transport,
            FetchRequest(
                url,
                max_bytes=limits.max_bytes,
                allow_insecure_http=allow_insecure,
                sink=download,
            ),
        )
        if isinstance(feed, FetchFailure):
            raise NetworkError(_failure_sentence(feed, url))
        probe = source or SourcePolicy(url=url, allow_insecure_http=allow_insecure)
        signature = _signature_for(fetch_blocking(transport, signature_request(probe)), url)
        if download is None or feed.body:
            accepted = accept(
                store,
                policy,
                source,
                feed.url,
                feed.body,
                signature,
                force=force,
                dry_run=dry_run,
                limits=limits,
            )
        else:
            download.finish()
            accepted = accept_file(
                store,
                policy,
                source,
                feed.url,
                download.path,
                signature,
                force=force,
                dry_run=dry_run,
                limits=limits,
            )
    finally:
        if download is not None:
            download.discard()
    return accepted.result


def _signature_for(result: FetchResult, url: str) -> bytes | None:
    """The `.minisig` bytes; a 4xx answer means "not published", other failures stop."""
    if not isinstance(result, FetchFailure):
        return result.body
    if result.kind != "http" or (result.http_status or 0) >= 500:
        raise NetworkError(
            f"the signature file could not be downloaded: {_failure_sentence(result, url)}"
        )
    return None


def _failure_sentence(failure: FetchFailure, url: str) -> str:
    _status, message, _code = failure_message(failure, url, "nothing was imported")
    # The CLI prefixes "msguide: " and the message is already a sentence for a person.
    return message.rstrip(".")
