"""``~/.vmware/workflows.db``: upstream's SQLite file, table and bytes.

Upstream's schema, ``json.dumps`` rows, 0700/0600 modes and WAL journal, so that upstream
2.4.0 and this package open each other's databases and continue each other's workflows.
What ``RowStore`` adds (no lost update, no silent replace, bounded cache) is done with plain
SQL on the same table. Beyond upstream:

* Errors say what happened — locked, disk full, read-only, damaged — and that nothing was
  changed (``WorkflowStoreError``), instead of a bare ``OperationalError``.
* A connection per thread is kept open (a run saves at every step). Its WAL is bounded (cut
  back after checkpoints); when the disk runs low on space the connection is closed after
  every commit (the WAL goes with it), so a nearly full disk holds no more than upstream's
  close-after-every-write; a write that still finds the disk full closes the connection
  (folding the WAL away) and tries once more.
* A database that held workflows and is found emptied (truncated to 0 bytes, or empty with
  a WAL beside it) is refused with a message, never opened as an empty store. A small marker
  file beside it (``workflows.db-pilot``) remembers that it held rows.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from pathlib import Path
from typing import Any

from vmware_pilot import _native
from vmware_pilot.stores.errors import WorkflowStoreError
from vmware_pilot.stores.rows import Row, RowStore

_DEFAULT_DB = Path("~/.vmware/workflows.db").expanduser()

_CREATE_TABLE = """\
CREATE TABLE IF NOT EXISTS workflows (
    id         TEXT PRIMARY KEY,
    type       TEXT NOT NULL,
    state      TEXT NOT NULL,
    data       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
)
"""

# A replace is a compare-and-swap: the old row goes only if it is still the one this copy
# derives from, and the new one takes its place in the same transaction. DELETE + INSERT
# (what upstream's INSERT OR REPLACE does) rather than UPDATE: SQLite reuses the freed pages
# at once, where an UPDATE of a grown row needs room for both copies — on a nearly full disk
# that is the difference between running on and failing.
_DELETE_IF = "DELETE FROM workflows WHERE id = ? AND data = ?"
_DELETE_IF_COPY = _DELETE_IF + " AND created_at = ?"
_INSERT = "INSERT INTO workflows (type, state, data, created_at, updated_at, id) VALUES (?, ?, ?, ?, ?, ?)"

#: The WAL file is cut back to this size after a checkpoint. (Smaller limits cost ~50 %
#: more per commit: the file is cut and grown again at every checkpoint.)
_WAL_KEEP_BYTES = 16 << 20
#: Below this much free disk space, the connection is closed after every commit — upstream's
#: footprint (it closes the database after every write, which removes the WAL).
_LOW_SPACE_BYTES = 64 << 20


def _from_json(data: str, secrets: Any = None) -> Any:
    """A stored ``data`` text as a ``Workflow``, secrets put back where given."""
    try:
        return _native.from_json(data, secrets)
    except json.JSONDecodeError:
        # rows written by Python may hold NaN/Infinity, which only Python's parser reads
        from vmware_pilot.models import _from_dict

        return _from_dict(json.loads(data))


def _store_error(path: Path, exc: sqlite3.Error) -> WorkflowStoreError:
    """The error a caller sees for a failed database call; the transaction was rolled back."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in str(exc):
        return WorkflowStoreError(
            f"{path} is locked by another process (still busy after the wait); nothing was "
            "changed — retry the call.", "store_locked")
    if name.startswith("SQLITE_FULL") or "full" in str(exc):
        return WorkflowStoreError(
            f"The disk holding {path} is full; nothing was changed. Free some space, then retry "
            "the call.", "store_full")
    if name.startswith("SQLITE_READONLY") or "readonly" in str(exc):
        return WorkflowStoreError(
            f"{path} is read-only (the file, its folder or the file system); nothing was changed. "
            "Make it writable by this user, then retry the call.", "store_read_only")
    if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")) or "not a database" in str(exc):
        return WorkflowStoreError(
            f"{path} is damaged (not a readable SQLite database); nothing was changed. Restore it "
            "from a backup, or move it aside to start with an empty store.", "store_damaged")
    if name.startswith("SQLITE_CANTOPEN"):
        return WorkflowStoreError(
            f"{path} cannot be opened (a missing folder or permissions); nothing was changed.",
            "store_unavailable")
    return WorkflowStoreError(
        f"{path}: the database call failed ({name or type(exc).__name__}); nothing was changed.",
        "store_unavailable")


class WorkflowStore(RowStore):
    """Workflows in SQLite (``~/.vmware/workflows.db`` by default), one row each.

    ``busy_timeout`` is how long a write waits for another process's lock (seconds).
    """

    def __init__(self, db_path: Path | str | None = None, *, busy_timeout: float = 5.0) -> None:
        super().__init__()
        self._path = Path(db_path).expanduser() if db_path else _DEFAULT_DB
        self._marker = self._path.with_name(self._path.name + "-pilot")
        self._timeout = busy_timeout
        self._local = threading.local()
        self._open: list[sqlite3.Connection] = []
        self._path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        self._refuse_if_emptied()
        try:
            conn = self._connect()
            try:
                conn.execute(_CREATE_TABLE)
                conn.execute("PRAGMA journal_mode=WAL")
                conn.commit()
                holds_rows = conn.execute("SELECT EXISTS (SELECT 1 FROM workflows)").fetchone()[0]
            finally:
                conn.close()
        except sqlite3.Error as exc:
            raise _store_error(self._path, exc) from exc
        if holds_rows:
            self._remember_rows()
        self._harden_permissions()

    # ── files ────────────────────────────────────────────────────────────────────────────
    def _harden_permissions(self) -> None:
        """Owner-only: the directory 0700, the database and its WAL/SHM files 0600."""
        try:
            os.chmod(self._path.parent, 0o700)
        except OSError:
            pass
        for suffix in ("", "-wal", "-shm", "-pilot"):
            candidate = self._path.with_name(self._path.name + suffix)
            try:
                if candidate.exists():
                    os.chmod(candidate, 0o600)
            except OSError:
                pass

    def _remember_rows(self) -> None:
        """Notes beside the database that it holds workflows (once)."""
        if self._marker.exists():
            return
        try:
            fd = os.open(self._marker, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as fh:
                fh.write("vmware-pilot: this workflows.db holds workflows; an empty file here means they were lost\n")
        except OSError:
            pass  # best effort: only the emptied-store check reads it

    def _refuse_if_emptied(self) -> None:
        try:
            size = self._path.stat().st_size
        except FileNotFoundError:
            return
        if size:
            return
        wal = self._path.with_name(self._path.name + "-wal")
        wal_size = wal.stat().st_size if wal.exists() else 0
        if wal_size or self._marker.exists():
            why = f"a {wal_size}-byte WAL file lies beside it" if wal_size else "it held workflows before"
            raise WorkflowStoreError(
                f"{self._path} is empty (0 bytes) but {why}: the file was truncated or replaced, and "
                "opening it would show an empty store. Nothing was changed. Restore it from a backup; "
                f"to start afresh on purpose, move it (and {self._marker.name}) aside.", "store_damaged")

    # ── connections ──────────────────────────────────────────────────────────────────────
    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(str(self._path), timeout=self._timeout)

    def _conn(self) -> sqlite3.Connection:
        """This thread's connection, kept open: a workflow run saves at every step."""
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._connect()
            conn.execute(f"PRAGMA journal_size_limit = {_WAL_KEEP_BYTES}")
            self._local.conn = conn
            with self._lock:
                self._open.append(conn)
        return conn

    def _low_on_space(self) -> bool:
        try:
            st = os.statvfs(self._path.parent)
        except OSError:
            return False
        return st.f_bavail * st.f_frsize < _LOW_SPACE_BYTES

    def _drop_conn(self) -> None:
        """Forgets this thread's connection after an error (the next call opens a new one)."""
        conn = getattr(self._local, "conn", None)
        self._local.conn = None
        if conn is not None:
            with self._lock:
                if conn in self._open:
                    self._open.remove(conn)
            try:
                conn.close()
            except sqlite3.Error:
                pass

    def close(self) -> None:
        """Closes this store's connections (the last close folds the WAL into the database)."""
        with self._lock:
            conns, self._open = self._open, []
        for conn in conns:
            try:
                conn.close()
            except sqlite3.Error:
                pass
        self._local = threading.local()

    def _write(self, work: Any) -> Any:
        """Runs ``work(conn)`` in one transaction. A full disk is met once by closing the
        connection — the last close folds the WAL into the database and removes it — and
        trying again on a new one."""
        for attempt in (1, 2):
            conn = self._conn()
            try:
                with conn:
                    done = work(conn)
                if self._low_on_space():
                    # close, as upstream does after every write: the last close folds the WAL
                    # into the database and removes the WAL and shared-memory files
                    self._drop_conn()
                return done
            except sqlite3.Error as exc:
                self._drop_conn()
                full = (getattr(exc, "sqlite_errorname", "") or "").startswith("SQLITE_FULL")
                if full and attempt == 1:
                    continue
                raise _store_error(self._path, exc) from exc
        raise AssertionError("unreachable")

    def _read(self, sql: str, args: tuple = ()) -> list[tuple]:
        try:
            return self._conn().execute(sql, args).fetchall()
        except sqlite3.Error as exc:
            self._drop_conn()
            raise _store_error(self._path, exc) from exc

    # ── rows (RowStore's backend) ────────────────────────────────────────────────────────
    def _db_select(self, wf_id: str) -> str | None:
        rows = self._read("SELECT data FROM workflows WHERE id = ?", (wf_id,))
        return rows[0][0] if rows else None

    def _db_replace(self, row: Row, base: str, created_at: str | None) -> str:
        def work(conn: sqlite3.Connection) -> str:
            if created_at is None:
                cur = conn.execute(_DELETE_IF, (row[5], base))
            else:
                cur = conn.execute(_DELETE_IF_COPY, (row[5], base, created_at))
            if cur.rowcount:
                conn.execute(_INSERT, row)
                return "ok"
            stored = conn.execute("SELECT data, created_at FROM workflows WHERE id = ?", (row[5],)).fetchone()
            if stored is None:
                conn.execute(_INSERT, row)  # deleted meanwhile: written again, as upstream would
                return "absent"
            if created_at is not None and stored[1] != created_at:
                return "other"
            return "changed"

        return self._write(work)

    def _db_insert(self, row: Row) -> bool:
        def work(conn: sqlite3.Connection) -> bool:
            try:
                conn.execute(_INSERT, row)
            except sqlite3.IntegrityError:
                return False
            return True

        inserted = self._write(work)
        if inserted:
            self._remember_rows()
        return inserted

    def _db_delete(self, wf_id: str) -> None:
        self._write(lambda conn: conn.execute("DELETE FROM workflows WHERE id = ?", (wf_id,)))

    # ── listings (upstream's) ────────────────────────────────────────────────────────────
    def list_active(self) -> list[dict[str, Any]]:
        rows = self._read(
            "SELECT id, type, state, created_at, updated_at FROM workflows "
            "WHERE state NOT IN ('completed', 'failed', 'cancelled') ORDER BY created_at DESC"
        )
        return [_summary(r) for r in rows]

    def list_all(self, limit: int = 20) -> list[dict[str, Any]]:
        rows = self._read(
            "SELECT id, type, state, created_at, updated_at FROM workflows ORDER BY created_at DESC LIMIT ?",
            (limit,),
        )
        return [_summary(r) for r in rows]


def _summary(r: tuple) -> dict[str, Any]:
    return {"id": r[0], "type": r[1], "state": r[2], "created_at": r[3], "updated_at": r[4]}
