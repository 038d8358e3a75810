"""What every store of upstream's rows shares, whatever database holds them.

A backend (SQLite, PostgreSQL) only reads and writes rows; this class decides which write a
save is and keeps the in-process state:

* **Revisions.** A record object carries the row it was read from or last wrote
  (``_pilot_row``). Saving it replaces that row only — a compare-and-swap on the ``data``
  text — so two processes can never both act on one stale copy. An object that carries no
  row (``dataclasses.replace()``, a workflow built by hand) replaces the row this store last
  read for its id, if the stored row is still that one and has the same ``created_at``;
  otherwise it is a new workflow, and a stored one with its id is never replaced.
* **The live cache.** As upstream's, ``load`` returns the very object last saved, so its
  secrets (stored as ``***``) survive within the process — but only while that object is
  still what is stored: a row another process changed, or an object changed and not saved
  (a failed save), is read again. The cache is bounded; what an evicted object's secrets
  were is kept apart (values only), so a copy read again still gets them.
* **Failures change nothing.** A save that fails leaves the row, the cache and the object's
  revision as they were.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any, Callable

from vmware_pilot import _native
from vmware_pilot.stores.errors import WorkflowConflictError, WorkflowExistsError

#: ``(type, state, data, created_at, updated_at, id)``
Row = tuple[str, str, str, str, str, str]


class LiveCache(OrderedDict):
    """Objects saved by this store, newest last, at most ``limit`` of them (``_cache``)."""

    def __init__(self, limit: int, on_evict: Callable[[str, Any], None]) -> None:
        super().__init__()
        self.limit = limit
        self._on_evict = on_evict

    def put(self, key: str, value: Any) -> None:
        self[key] = value
        self.move_to_end(key)
        while len(self) > self.limit:
            old_key, old = self.popitem(last=False)
            self._on_evict(old_key, old)


class _SeenRows:
    """The row this store last read or wrote for each id, for objects that carry none.
    Bounded by count and by bytes; the texts are the same objects the records carry."""

    def __init__(self, limit: int = 1024, max_bytes: int = 32 << 20) -> None:
        self._rows: OrderedDict[str, str] = OrderedDict()
        self._bytes = 0
        self._limit = limit
        self._max_bytes = max_bytes

    def get(self, wf_id: str) -> str | None:
        return self._rows.get(wf_id)

    def put(self, wf_id: str, data: str) -> None:
        old = self._rows.pop(wf_id, None)
        if old is not None:
            self._bytes -= len(old)
        self._rows[wf_id] = data
        self._bytes += len(data)
        while self._rows and (len(self._rows) > self._limit or self._bytes > self._max_bytes):
            _, gone = self._rows.popitem(last=False)
            self._bytes -= len(gone)

    def pop(self, wf_id: str) -> None:
        old = self._rows.pop(wf_id, None)
        if old is not None:
            self._bytes -= len(old)


def _revision(wf: Any) -> str | None:
    return getattr(wf, "_pilot_row", None)


def _set_revision(wf: Any, data: str | None) -> None:
    try:
        wf._pilot_row = data
    except AttributeError:  # an embedder's stand-in object: it carries no revision
        pass


class RowStore:
    """The shared discipline; a backend implements the ``_db_*`` methods."""

    #: How many saved objects ``load`` can hand back as they are (identity, secrets).
    cache_size = 256
    #: How many evicted workflows' secrets are kept.
    secrets_size = 10_000

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._cache = LiveCache(self.cache_size, self._evicted)
        self._seen = _SeenRows()
        self._secrets: OrderedDict[str, Any] = OrderedDict()

    # ── what a backend provides ──────────────────────────────────────────────────────────
    def _db_select(self, wf_id: str) -> str | None:
        """The stored ``data`` text, or None."""
        raise NotImplementedError

    def _db_replace(self, row: Row, base: str, created_at: str | None) -> str:
        """Writes ``row`` over the stored row only if its data is ``base`` (and, when given,
        its created_at is ``created_at``), atomically. Returns ``"ok"``, ``"changed"`` (the
        stored data is another), ``"other"`` (another created_at) or ``"absent"`` (no such
        row: then it has inserted ``row``)."""
        raise NotImplementedError

    def _db_insert(self, row: Row) -> bool:
        """Inserts ``row``; False when the id is already stored (nothing written)."""
        raise NotImplementedError

    def _db_delete(self, wf_id: str) -> None:
        raise NotImplementedError

    # ── the discipline ───────────────────────────────────────────────────────────────────
    def save(self, wf: Any) -> None:
        """Stores ``wf`` (rendered whole from the object)."""
        self._store(wf, _native.render_row(wf))

    def create(self, wf: Any) -> None:
        """Stores a workflow that must be new: refused (``WorkflowExistsError``, nothing
        written) when its id is stored already, whatever this store read before."""
        self._store(wf, _native.render_row(wf), new=True)

    def _store(self, wf: Any, row: Row, new: bool = False) -> None:
        """Stores ``row``, the rendering of ``wf``; see the module's docstring for which write
        it is. Raises ``WorkflowConflictError`` / ``WorkflowExistsError`` (nothing written)."""
        data, wf_id = row[2], row[5]
        base = None if new else _revision(wf)
        try:
            if new:
                outcome = "ok" if self._db_insert(row) else "other"
            elif base is not None:
                outcome = self._db_replace(row, base, None)
            else:
                with self._lock:
                    seen = self._seen.get(wf_id)
                if seen is not None:
                    outcome = self._db_replace(row, seen, row[3])
                else:
                    outcome = "ok" if self._db_insert(row) else "other"
            if outcome == "changed":
                raise _conflict(wf_id)
            if outcome == "other":
                raise _exists(wf_id)
        except BaseException:
            with self._lock:
                if self._cache.get(wf_id) is wf:
                    # its content is no longer its row: it must not be handed out again
                    del self._cache[wf_id]
                    self._evicted(wf_id, wf)
            raise
        _set_revision(wf, data)
        with self._lock:
            self._seen.put(wf_id, data)
            self._secrets.pop(wf_id, None)
            self._cache.put(wf_id, wf)

    def load(self, workflow_id: str) -> Any:
        data = self._db_select(workflow_id)
        if data is None:
            return None
        with self._lock:
            cached = self._cache.get(workflow_id)
        if cached is not None and _revision(cached) == data:
            try:
                unchanged = _native.render_row(cached)[2] == data
            except (TypeError, ValueError):
                unchanged = False
            if unchanged:
                with self._lock:
                    self._cache.move_to_end(workflow_id)
                return cached
        secrets = self._secrets_for(workflow_id, cached)
        fresh = self._from_row(data, secrets)
        if fresh.id != workflow_id:
            # a damaged or hand-edited row: acting on it would save under the other id
            raise ValueError(
                f"Workflow '{workflow_id}' is unreadable: its stored record names the id "
                f"{str(fresh.id)[:80]!r}. Nothing was changed; the row needs repair by hand."
            )
        _set_revision(fresh, data)
        with self._lock:
            self._seen.put(workflow_id, data)
        return fresh

    def delete(self, workflow_id: str) -> None:
        with self._lock:
            self._cache.pop(workflow_id, None)
            self._seen.pop(workflow_id)
            self._secrets.pop(workflow_id, None)
        self._db_delete(workflow_id)

    # ── secrets kept in this process ─────────────────────────────────────────────────────
    def _evicted(self, wf_id: str, wf: Any) -> None:
        try:
            secrets = _native.secrets_of(wf)
        except (TypeError, ValueError):
            secrets = None
        if secrets is not None:
            self._secrets[wf_id] = secrets
            self._secrets.move_to_end(wf_id)
            while len(self._secrets) > self.secrets_size:
                self._secrets.popitem(last=False)

    def _secrets_for(self, wf_id: str, cached: Any) -> Any:
        if cached is not None:
            try:
                return _native.secrets_of(cached)
            except (TypeError, ValueError):
                return None
        with self._lock:
            return self._secrets.get(wf_id)

    @staticmethod
    def _from_row(data: str, secrets: Any = None) -> Any:
        from vmware_pilot.stores.sqlite import _from_json

        return _from_json(data, secrets)


def _conflict(wf_id: str) -> WorkflowConflictError:
    err = WorkflowConflictError(
        f"Workflow '{wf_id}' changed in the store since this copy was read (another Pilot "
        "process saved it); nothing was written and nothing was dispatched. Read it again — "
        f"get_workflow_status('{wf_id}') shows its current state — and repeat the call if it "
        "still makes sense."
    )
    err.code = "conflict"
    return err


def _exists(wf_id: str) -> WorkflowExistsError:
    return WorkflowExistsError(
        f"A workflow with id '{wf_id}' is already stored, and this object was not read from "
        "the store: saving it would replace that workflow, so nothing was written. Give the new "
        f"workflow a fresh id (models.new_workflow_id()), or load '{wf_id}' with store.load() "
        "and change that copy."
    )
