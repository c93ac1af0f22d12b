"""Pathways in the store: replaced with each import, restored by rollback, exported, upgraded."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from feedmaker import pathway_document, pathway_feed, to_bytes
from msguide.feed.parse import parse
from msguide.store.db import SCHEMA_VERSION, Store
from msguide.store.export import export_feed
from msguide.store.importer import Provenance, import_feed, rollback
from msguide.store.pathways import list_pathways, load_pathway
from msguide.store.userstate import is_favourite, set_favourite

ORIGIN = Provenance(origin="test")


def load(store: Store, raw: bytes) -> None:
    import_feed(store, parse(raw), raw, ORIGIN)


def pathway_ids(store: Store) -> list[str]:
    with store.read() as connection:
        return [entry.id for entry in list_pathways(connection)]


def test_an_import_stores_each_pathway_with_what_it_cites(store: Store) -> None:
    load(store, to_bytes(pathway_feed(pathway_document("first"), pathway_document("second"))))
    assert pathway_ids(store) == ["first", "second"]
    with store.read() as connection:
        stored = load_pathway(connection, "test-source", "second")
        assert load_pathway(connection, "test-source", "missing") is None
    assert stored is not None and stored.source_name == "Test source"
    expected = parse(to_bytes(pathway_feed(pathway_document("second")))).pathways[0]
    assert stored.pathway == expected
    assert set(stored.cited) == {"nrm-adult", "helpline"}
    assert stored.cited["helpline"].phone == "08000 121 700"
    assert stored.cited["helpline"].kind == "contact"


def test_a_new_revision_replaces_the_pathways_and_rollback_restores_them(store: Store) -> None:
    load(store, to_bytes(pathway_feed(pathway_document("first"), sequence=1)))
    load(store, to_bytes(pathway_feed(pathway_document("second"), sequence=2)))
    assert pathway_ids(store) == ["second"]
    rollback(store, "test-source", 1)
    assert pathway_ids(store) == ["first"]
    without = pathway_feed(sequence=3)
    del without["_msguide"]["pathways"]
    load(store, to_bytes(without))
    assert pathway_ids(store) == []
    rollback(store, "test-source", 2)
    assert pathway_ids(store) == ["second"]


def test_export_keeps_the_pathways(store: Store) -> None:
    raw = to_bytes(pathway_feed())
    load(store, raw)
    exported = export_feed(store, "test-source")
    assert parse(exported).pathways == parse(raw).pathways


def _make_schema_1(path: Path) -> None:
    """A store as msguide 0.1.0 left it: no pathways table, user_version 1."""
    connection = sqlite3.connect(path)
    connection.execute("DROP TABLE pathways")
    connection.execute("DROP TABLE synonyms")  # schema 3
    connection.execute("PRAGMA user_version = 1")
    connection.commit()
    connection.close()


def test_upgrading_a_schema_1_store_fills_pathways_and_keeps_user_state(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite"
    with Store.open(path) as store:
        load(store, to_bytes(pathway_feed()))
        set_favourite(store, "test-source", "helpline", True)
    _make_schema_1(path)
    with Store.open(path) as store:
        assert store.schema_version() == SCHEMA_VERSION
        assert pathway_ids(store) == ["adult-concern"]
        assert is_favourite(store, "test-source", "helpline")
        # New revisions and rollback work on the upgraded store.
        load(store, to_bytes(pathway_feed(pathway_document("later"), sequence=2)))
        assert pathway_ids(store) == ["later"]
        rollback(store, "test-source", 1)
        assert pathway_ids(store) == ["adult-concern"]


def test_the_upgraded_table_is_the_one_a_new_store_has(tmp_path: Path) -> None:
    fresh, upgraded = tmp_path / "fresh.sqlite", tmp_path / "upgraded.sqlite"
    Store.open(fresh).close()
    Store.open(upgraded).close()
    _make_schema_1(upgraded)
    Store.open(upgraded).close()

    def table_sql(path: Path) -> str:
        connection = sqlite3.connect(path)
        try:
            return str(
                connection.execute(
                    "SELECT sql FROM sqlite_master WHERE name = 'pathways'"
                ).fetchone()[0]
            )
        finally:
            connection.close()

    assert table_sql(upgraded) == table_sql(fresh)


def test_a_schema_1_store_opens_read_only_without_pathways(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite"
    with Store.open(path) as store:
        load(store, to_bytes(pathway_feed()))
    _make_schema_1(path)
    with Store.open(path, read_only=True) as store:
        assert store.schema_version() == 1
        assert pathway_ids(store) == []
        with store.read() as connection:
            assert load_pathway(connection, "test-source", "adult-concern") is None
            count = connection.exec_driver_sql("SELECT COUNT(*) FROM items").scalar_one()
    assert count == 4


def test_a_damaged_pathway_row_is_left_out_not_shown(store: Store) -> None:
    load(store, to_bytes(pathway_feed(pathway_document("first"), pathway_document("second"))))
    with store.write() as session:
        session.connection().exec_driver_sql(
            "UPDATE pathways SET document = '{\"id\": \"first\"' WHERE id = 'first'"
        )
    assert pathway_ids(store) == ["second"]
    with store.read() as connection:
        assert load_pathway(connection, "test-source", "first") is None
