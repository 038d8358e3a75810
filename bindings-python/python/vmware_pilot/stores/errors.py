"""The store's errors. Each is a ``ValueError``, so the MCP tools pass its message — which
says what happened and what to do — through to the agent."""

from __future__ import annotations

from vmware_pilot import _native

#: The stored row changed since this copy was read (another process saved it).
WorkflowConflictError = _native.WorkflowConflictError


class WorkflowExistsError(WorkflowConflictError):
    """A new workflow names an id that is already stored; nothing was written."""

    code = "already_exists"


class WorkflowStoreError(ValueError):
    """The database could not be read or written (locked, full, read-only, damaged);
    nothing was changed. ``code`` names the cause."""

    def __init__(self, message: str, code: str = "store_unavailable") -> None:
        super().__init__(message)
        self.code = code
