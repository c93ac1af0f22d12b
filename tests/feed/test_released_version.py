"""A feed with pathways still imports into msguide 0.1.0, the release that knows no pathways.

The mechanism is the real old code: the test takes `src/msguide` as it was at RELEASED_COMMIT
(the last commit before pathways, version 0.1.0) out of git history into a temporary folder and
runs it in a fresh interpreter. That release refuses an item whose kind it does not know, which
is why pathways live in `_msguide.pathways` (docs/feed-format.md): it ignores unknown keys there.
The store it writes then opens in this msguide, which upgrades it and finds the pathways.
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from feedmaker import pathway_feed, to_bytes
from msguide.store.db import SCHEMA_VERSION, Store
from msguide.store.pathways import list_pathways, load_pathway

PROJECT = Path(__file__).resolve().parents[2]
RELEASED_COMMIT = "b3cb3ceec37689399d8d3f4adad4676fbd039d6f"  # msguide 0.1.0, before pathways

IMPORT_WITH_RELEASED = """
import json, sys
sys.path.insert(0, sys.argv[1])
import msguide
assert msguide.__file__.startswith(sys.argv[1]), msguide.__file__
from msguide.errors import FeedError
from msguide.feed.parse import parse
from msguide.store.seed import build_seed
try:
    feed = parse(open(sys.argv[2], "rb").read())
except FeedError as error:
    print(json.dumps({"refused": str(error), "path": error.path}))
    raise SystemExit(0)
build_seed(__import__("pathlib").Path(sys.argv[2]), __import__("pathlib").Path(sys.argv[3]))
print(json.dumps({"version": msguide.__version__, "items": len(feed.items)}))
"""


@pytest.fixture(scope="module")
def released_src(tmp_path_factory: pytest.TempPathFactory) -> Path:
    git = shutil.which("git")
    if git is None or not (PROJECT / ".git").exists():
        pytest.skip("needs the project's git history (a git checkout) to run msguide 0.1.0")
    found = subprocess.run(
        [git, "-C", str(PROJECT), "cat-file", "-e", f"{RELEASED_COMMIT}^{{commit}}"],
        check=False,
        capture_output=True,
    )
    if found.returncode != 0:
        pytest.skip(f"the git history lacks {RELEASED_COMMIT[:7]} (a shallow clone?)")
    archive = subprocess.run(
        [git, "-C", str(PROJECT), "archive", "--format=tar", RELEASED_COMMIT, "src/msguide"],
        check=True,
        capture_output=True,
    ).stdout
    folder = tmp_path_factory.mktemp("released")
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    return folder / "src"


def _run_released(src: Path, feed: Path, store: Path) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", IMPORT_WITH_RELEASED, str(src), str(feed), str(store)],
        capture_output=True,
        text=True,
        check=False,
        timeout=90,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_the_released_version_imports_a_feed_with_pathways(
    released_src: Path, tmp_path: Path
) -> None:
    feed = tmp_path / "feed.json"
    feed.write_bytes(to_bytes(pathway_feed()))
    old_store = tmp_path / "old.sqlite"
    result = _run_released(released_src, feed, old_store)
    assert result == {"version": "0.1.0", "items": 4}

    # This msguide upgrades the store the old one wrote and finds the pathways it had ignored.
    with Store.open(old_store) as store:
        assert store.schema_version() == SCHEMA_VERSION
        with store.read() as connection:
            assert [p.id for p in list_pathways(connection)] == ["adult-concern"]
            stored = load_pathway(connection, "test-source", "adult-concern")
    assert stored is not None
    assert [s.id for s in stored.pathway.steps] == ["start", "refer", "advice", "done"]
    assert stored.cited["helpline"].title == "Modern Slavery & Exploitation Helpline"


def test_the_released_version_refuses_an_item_of_kind_pathway(
    released_src: Path, tmp_path: Path
) -> None:
    """Why pathways are not items: 0.1.0 refuses the whole feed over one unknown kind."""
    doc = pathway_feed()
    doc["items"][0]["_msguide"]["kind"] = "pathway"
    feed = tmp_path / "feed.json"
    feed.write_bytes(to_bytes(doc))
    result = _run_released(released_src, feed, tmp_path / "old.sqlite")
    assert result["path"] == "items[0]._msguide.kind"
    assert "is not one of resource, news, contact" in str(result["refused"])
    assert not (tmp_path / "old.sqlite").exists()


def test_the_bundled_feed_imports_into_the_released_version(
    released_src: Path, tmp_path: Path
) -> None:
    seed_feed = PROJECT / "data" / "seed-feed.json"
    result = _run_released(released_src, seed_feed, tmp_path / "s.db")
    assert result["version"] == "0.1.0"
    assert result["items"] == len(json.loads(seed_feed.read_bytes())["items"])
