"""The facts store: SQLite in the workspace by default, any SQLAlchemy URL otherwise.

The schema is a numbered list of forward migrations written in the SQL that SQLite and
PostgreSQL share; `meta.schema_version` records how far a store has come. A store newer than
this code is refused rather than guessed at.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, bindparam, create_engine, event, make_url, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

from handoff.core.errors import WorkspaceError

MIGRATIONS: list[list[str]] = [
    [
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        """CREATE TABLE people (
            id TEXT PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL,
            vendor TEXT, team TEXT, start_date TEXT, end_date TEXT)""",
        """CREATE TABLE person_emails (
            email TEXT PRIMARY KEY, person_id TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE)""",
        """CREATE TABLE repos (
            name TEXT PRIMARY KEY, path TEXT NOT NULL, head TEXT, shallow INTEGER NOT NULL DEFAULT 0,
            ingested_at TEXT, options TEXT)""",
        """CREATE TABLE commits (
            repo TEXT NOT NULL, sha TEXT NOT NULL, author_name TEXT NOT NULL, author_email TEXT NOT NULL,
            authored_at TEXT NOT NULL, parents INTEGER NOT NULL, message TEXT NOT NULL,
            PRIMARY KEY (repo, sha))""",
        "CREATE INDEX commits_by_date ON commits (repo, authored_at)",
        """CREATE TABLE file_changes (
            repo TEXT NOT NULL, sha TEXT NOT NULL, path TEXT NOT NULL, old_path TEXT,
            status TEXT NOT NULL, added INTEGER, deleted INTEGER,
            PRIMARY KEY (repo, sha, path))""",
        "CREATE INDEX file_changes_by_path ON file_changes (repo, path)",
        """CREATE TABLE files (
            repo TEXT NOT NULL, path TEXT NOT NULL, blob TEXT NOT NULL, options TEXT NOT NULL,
            lines INTEGER NOT NULL, excluded TEXT,
            PRIMARY KEY (repo, path))""",
        """CREATE TABLE blame_lines (
            repo TEXT NOT NULL, path TEXT NOT NULL, email TEXT NOT NULL, name TEXT NOT NULL,
            lines INTEGER NOT NULL, PRIMARY KEY (repo, path, email))""",
        """CREATE TABLE authorship (
            repo TEXT NOT NULL, path TEXT NOT NULL, email TEXT NOT NULL, name TEXT NOT NULL,
            first_author INTEGER NOT NULL, deliveries INTEGER NOT NULL,
            added INTEGER NOT NULL, deleted INTEGER NOT NULL,
            PRIMARY KEY (repo, path, email))""",
    ],
    [
        """CREATE TABLE tickets (
            key TEXT PRIMARY KEY, source_file TEXT NOT NULL, repo TEXT, title TEXT NOT NULL, body TEXT NOT NULL,
            status TEXT NOT NULL, state TEXT NOT NULL, type TEXT NOT NULL,
            assignee_name TEXT, assignee_email TEXT, reporter_name TEXT, reporter_email TEXT,
            labels TEXT NOT NULL, created TEXT, updated TEXT, resolved TEXT, url TEXT NOT NULL,
            source TEXT NOT NULL, version TEXT NOT NULL)""",
        "CREATE INDEX tickets_by_file ON tickets (source_file)",
        """CREATE TABLE ticket_comments (
            key TEXT NOT NULL, n INTEGER NOT NULL, author_name TEXT, author_email TEXT, created TEXT,
            body TEXT NOT NULL, PRIMARY KEY (key, n))""",
        """CREATE TABLE adrs (
            repo TEXT NOT NULL, path TEXT NOT NULL, number INTEGER, title TEXT NOT NULL, status TEXT NOT NULL,
            date TEXT, deciders TEXT NOT NULL, format TEXT NOT NULL, PRIMARY KEY (repo, path))""",
        """CREATE TABLE adr_links (
            repo TEXT NOT NULL, path TEXT NOT NULL, kind TEXT NOT NULL, target TEXT NOT NULL, target_path TEXT,
            PRIMARY KEY (repo, path, kind, target))""",
        """CREATE TABLE commit_tickets (
            repo TEXT NOT NULL, sha TEXT NOT NULL, key TEXT NOT NULL, PRIMARY KEY (repo, sha, key))""",
        "CREATE INDEX commit_tickets_by_key ON commit_tickets (key)",
    ],
    [
        """CREATE TABLE checklists (
            person TEXT PRIMARY KEY, as_of TEXT NOT NULL, end_date TEXT, fingerprint TEXT NOT NULL,
            content TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL)""",
        """CREATE TABLE blame_history (
            repo TEXT NOT NULL, path TEXT NOT NULL, blob TEXT NOT NULL, options TEXT NOT NULL, email TEXT NOT NULL,
            name TEXT NOT NULL, lines INTEGER NOT NULL, PRIMARY KEY (repo, path, blob, options, email))""",
        """CREATE TABLE ownership_samples (
            repo TEXT NOT NULL, sha TEXT NOT NULL, sampled_at TEXT NOT NULL, folder TEXT NOT NULL,
            email TEXT NOT NULL, name TEXT NOT NULL, lines INTEGER NOT NULL,
            PRIMARY KEY (repo, sha, folder, email))""",
        """CREATE TABLE api_keys (
            id TEXT PRIMARY KEY, role TEXT NOT NULL, hash TEXT NOT NULL, created_at TEXT NOT NULL,
            revoked_at TEXT)""",
        """CREATE TABLE jobs (
            id TEXT PRIMARY KEY, kind TEXT NOT NULL, state TEXT NOT NULL, stage TEXT, done INTEGER NOT NULL DEFAULT 0,
            total INTEGER, request TEXT NOT NULL, result TEXT, errors TEXT NOT NULL DEFAULT '[]',
            cancel_requested INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL, updated_at TEXT NOT NULL)""",
    ],
    [
        "ALTER TABLE people ADD COLUMN aliases TEXT NOT NULL DEFAULT '[]'",
    ],
    [
        "ALTER TABLE jobs ADD COLUMN runner TEXT",
    ],
]

SCHEMA_VERSION = len(MIGRATIONS)
FACTS_VERSION = "facts_version"
WRITES = "handoff_writes"  # execution option of the connections of `transaction`
MIGRATION_LOCK = 0x48414E44  # "HAND": the PostgreSQL advisory lock held while a store migrates


class FactsStore:
    """A connection pool over the facts database, migrated to the current schema on open."""

    def __init__(self, url: str):
        self.url = url
        self.engine = _engine(url)
        self._migrate()

    @classmethod
    def sqlite(cls, path: Path) -> FactsStore:
        return cls(f"sqlite:///{path}")

    @contextmanager
    def transaction(self, changes_facts: bool = True) -> Iterator[Connection]:
        """One atomic unit: everything inside commits together or not at all.

        It gives the facts a new version (see `facts_version`) unless the caller says it writes
        none of them (job progress, API keys), so a writer that forgets to say so costs a reload,
        never a stale answer."""
        with self.engine.connect() as conn:
            with conn.execution_options(**{WRITES: True}).begin():
                yield conn
                if changes_facts:
                    set_meta(conn, FACTS_VERSION, uuid.uuid4().hex)

    def facts_version(self) -> str | None:
        """Changes with every transaction that may change the facts, whichever process made it: a server
        reuses one facts snapshot until this changes."""
        with self.read() as conn:
            return get_meta(conn, FACTS_VERSION)

    @contextmanager
    def read(self) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            yield conn

    def rows(self, sql: str, **params) -> list[Mapping]:
        """Rows as dicts; a list or tuple parameter expands for `IN :name`."""
        statement = text(sql)
        lists = [name for name, value in params.items() if isinstance(value, (list, tuple))]
        if lists:
            statement = statement.bindparams(*(bindparam(name, expanding=True) for name in lists))
        with self.read() as conn:
            return [dict(r._mapping) for r in conn.execute(statement, params)]

    def close(self) -> None:
        self.engine.dispose()

    def _migrate(self) -> None:
        try:
            with self.transaction() as conn:
                _lock_migrations(conn)
                version = _schema_version(conn)
                if version > SCHEMA_VERSION:
                    raise WorkspaceError(
                        f"facts store {_shown(self.url)} has schema {version}, newer than this Handoff "
                        f"({SCHEMA_VERSION}); upgrade Handoff"
                    )
                for number in range(version, SCHEMA_VERSION):
                    for statement in MIGRATIONS[number]:
                        conn.execute(text(statement))
                    set_meta(conn, "schema_version", str(number + 1))
        except OperationalError as exc:
            raise WorkspaceError(f"cannot open facts store {_shown(self.url)}: {exc.orig}") from None


def insert_many(conn: Connection, table: str, rows: Iterable[Mapping]) -> None:
    """Insert dict rows whose keys are the column names (all rows share the keys)."""
    rows = list(rows)
    if not rows:
        return
    columns = list(rows[0])
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(':' + c for c in columns)})"
    conn.execute(text(sql), rows)


def get_meta(conn: Connection, key: str) -> str | None:
    return conn.execute(text("SELECT value FROM meta WHERE key = :key"), {"key": key}).scalar()


def set_meta(conn: Connection, key: str, value: str) -> None:
    conn.execute(
        text("INSERT INTO meta (key, value) VALUES (:key, :value) "
             "ON CONFLICT (key) DO UPDATE SET value = excluded.value"),
        {"key": key, "value": value},
    )


def _lock_migrations(conn: Connection) -> None:
    """Workers opening a new PostgreSQL store together would each migrate it; the others wait here instead."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})


def _schema_version(conn: Connection) -> int:
    exists = conn.execute(text(
        "SELECT 1 FROM sqlite_master WHERE type='table' AND name='meta'"
        if conn.dialect.name == "sqlite"
        else "SELECT 1 FROM information_schema.tables WHERE table_name = 'meta' AND table_schema = current_schema()"
    )).scalar()
    if not exists:
        return 0
    return int(get_meta(conn, "schema_version") or 0)


def _engine(url: str) -> Engine:
    if not url.startswith("sqlite"):
        return create_engine(_with_driver(url), pool_pre_ping=True)
    engine = create_engine(url, connect_args={"timeout": 30})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn, _record):
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn):
        """A transaction that writes takes the write lock as it begins, waiting for it up to the timeout.
        Begun as a reader, it could not write once another connection had committed since its first read:
        SQLite fails that at once ("database is locked"), as two server processes opening the store did."""
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(WRITES) else "BEGIN")

    return engine


def _with_driver(url: str):
    """`postgresql://` names SQLAlchemy's default driver, psycopg2; Handoff ships psycopg 3."""
    parsed = make_url(url)
    return parsed.set(drivername="postgresql+psycopg") if parsed.drivername == "postgresql" else parsed


def _shown(url: str) -> str:
    """The URL for messages: a server URL's password is never printed."""
    return make_url(url).render_as_string(hide_password=True)
