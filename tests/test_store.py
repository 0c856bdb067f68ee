"""The facts store under concurrent writers: SQLite's locking, on a real database file."""

from __future__ import annotations

import threading

from sqlalchemy import text

from handoff.core.store import FactsStore, get_meta, set_meta


def test_two_write_transactions_that_overlap_both_commit(tmp_path):
    """The first reads, then waits while the second begins; each must wait its turn, never fail."""
    store = FactsStore.sqlite(tmp_path / "facts.db")
    first_has_read, errors = threading.Event(), []

    def write(key: str, before_write=lambda: None) -> None:
        try:
            with store.transaction() as conn:
                get_meta(conn, "schema_version")
                before_write()
                set_meta(conn, key, "written")
        except Exception as exc:  # noqa: BLE001  (collected for the assertion)
            errors.append(f"{key}: {exc}")

    def first() -> None:
        write("first", before_write=lambda: (first_has_read.set(), threading.Event().wait(0.3)))

    def second() -> None:
        first_has_read.wait()
        write("second")

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert store.rows("SELECT key, value FROM meta WHERE key IN ('first', 'second') ORDER BY key") == [
        {"key": "first", "value": "written"}, {"key": "second", "value": "written"}]


def test_a_store_opens_while_another_process_holds_a_write(tmp_path):
    """Opening migrates in a write transaction: it waits for a writer instead of failing."""
    path = tmp_path / "facts.db"
    store = FactsStore.sqlite(path)
    opened = []
    with store.transaction() as conn:
        conn.execute(text("UPDATE meta SET value = value WHERE key = 'schema_version'"))
        opener = threading.Thread(target=lambda: opened.append(FactsStore.sqlite(path)))
        opener.start()
        opener.join(0.3)
        assert opened == []  # waiting on the lock, not failed
    opener.join(30)
    assert len(opened) == 1
