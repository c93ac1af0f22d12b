"""Fixtures for sync tests: local servers, a test CA, signing keys, and a policy naming sources."""

from __future__ import annotations

import ssl
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme

sys.path.insert(0, str(Path(__file__).parent))

from servers import ConnectProxy, FeedServer
from syncing import PROXIED_HOST, PolicyWriter

from networkkit import _no_proxy_from_environment, _qt_application, keys

__all__ = ["_no_proxy_from_environment", "_qt_application", "keys"]


@pytest.fixture(scope="session")
def test_ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="session")
def ca_file(test_ca: trustme.CA, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ca") / "test-ca.pem"
    test_ca.cert_pem.write_to_path(str(path))
    return path


@pytest.fixture(scope="session")
def server_tls(test_ca: trustme.CA) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    test_ca.issue_cert("127.0.0.1", "localhost", PROXIED_HOST).configure_cert(context)
    return context


@pytest.fixture
def server() -> Iterator[FeedServer]:
    serving = FeedServer()
    yield serving
    serving.close()


@pytest.fixture
def https_server(server_tls: ssl.SSLContext) -> Iterator[FeedServer]:
    serving = FeedServer(server_tls)
    yield serving
    serving.close()


@pytest.fixture
def proxy() -> Iterator[ConnectProxy]:
    serving = ConnectProxy(hosts={PROXIED_HOST: "127.0.0.1"})
    yield serving
    serving.close()


@pytest.fixture
def signing_proxy() -> Iterator[ConnectProxy]:
    serving = ConnectProxy(credentials="alice:secret", hosts={PROXIED_HOST: "127.0.0.1"})
    yield serving
    serving.close()


@pytest.fixture
def policy(home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> PolicyWriter:
    """The IT policy file msguide reads in this test (MSGUIDE_POLICY), written by the test."""
    path = tmp_path / "policy.toml"
    monkeypatch.setenv("MSGUIDE_POLICY", str(path))
    return PolicyWriter(path)


@pytest.fixture
def store_path(home: Path) -> Path:
    return home / "data" / "msguide.sqlite"
