"""Running workflows: to the next approval gate, to the end, or to a failure.

Pilot never calls VMware itself. Without a dispatch function (the MCP server's default) it
executes nothing: steps are handed to the calling agent in ``pending_dispatch`` and the run
ends ``dispatch_required``. With one — ``dispatch(skill, tool, params) -> result`` — each
step is stored ``running`` before it is dispatched, so a crash can never run it twice.
Every decision is the core's; this module performs the calls and saves the record.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from typing import Any

from vmware_pilot import _native
from vmware_pilot.models import Workflow, WorkflowStore

_log = logging.getLogger("vmware-pilot.executor")

#: ``(skill, tool, params) -> result``
DispatchFn = Callable[[str, str, dict[str, Any]], Any]


class StepEffectUnknownError(Exception):
    """A dispatch that ended without telling whether the tool took effect (a timeout, a
    lost connection): the step is recorded ``interrupted``, not ``failed``."""

    def __init__(self, message: str, payload: Any = None) -> None:
        super().__init__(message)
        self.payload = payload


def _returned_failure(result: Any, skill: str = "", tool: str = "") -> str | None:
    """The failure a dispatch's return value reports, or None (a string never fails)."""
    return _native.returned_failure(result, skill, tool)


def _noop_dispatch(skill: str, tool: str, params: dict[str, Any]) -> Any:
    """Never called: without a dispatcher steps are handed out, not faked."""
    raise RuntimeError(f"No dispatch configured for {skill}.{tool} — Pilot will not pretend to run it.")


class WorkflowExecutor:
    """Runs workflows against ``store``, dispatching through ``dispatch`` when given."""

    def __init__(self, store: WorkflowStore, dispatch: DispatchFn | None = None) -> None:
        self._store = store
        self._has_dispatch = dispatch is not None
        self._dispatch = dispatch if dispatch is not None else _noop_dispatch

    def _preflight(self) -> Any:
        return getattr(self._dispatch, "preflight", None) if self._has_dispatch else None

    def _session(self, wf: Workflow, preflight: bool = True) -> Any:
        return _native.Session(wf, self._has_dispatch, self._preflight() if preflight else None)

    def run_until_checkpoint(self, wf: Workflow) -> dict[str, Any]:
        """Run to the next checkpoint; the result carries ``outcome``: ``completed``,
        ``awaiting_approval``, ``dispatch_required`` or ``failed``."""
        session = self._session(wf)
        return self._drive(session, session.run())

    def resume_after_approval(
        self, wf: Workflow, approver: str = "", acknowledge_not_executed: bool = False
    ) -> dict[str, Any]:
        """Approve the pending gate as ``approver`` (required) and run on."""
        session = self._session(wf)
        return self._drive(session, session.approve(approver or "", bool(acknowledge_not_executed)))

    def rollback(self, wf: Workflow) -> dict[str, Any]:
        """Undo the successful steps, last first, with their rollback tools."""
        session = self._session(wf, preflight=False)
        return self._drive(session, session.rollback())

    def cancel(self, wf: Workflow, reason: str = "") -> dict[str, Any]:
        """Move a non-terminal workflow to ``cancelled``; nothing is undone."""
        session = self._session(wf, preflight=False)
        return self._drive(session, session.cancel(reason or ""))

    @staticmethod
    def _resolve_step_refs(params: dict[str, Any], steps: list, current_index: int) -> dict[str, Any]:
        """``params`` with ``__from_step_N__[:key]`` references filled from earlier results."""
        return _native.resolve_step_refs(params, steps, current_index)

    def _save(self, session: Any) -> None:
        """Stores the session's record; only then do its changes reach the Workflow object,
        so a failed save leaves the object as the store has it."""
        store_row = getattr(self._store, "_store", None)
        if store_row is None:  # an embedder's own store: it saves the object itself
            session.commit()
            self._store.save(session.workflow)
            return
        row = session.row()
        store_row(session.workflow, row)
        session.commit()
        if _VERIFY_ROWS:
            _verify(session.workflow, row)

    def _drive(self, session: Any, answer: tuple[str, Any]) -> dict[str, Any]:
        kind, payload = answer
        while True:
            if kind == "refused":
                return payload
            # every transition is stored before anything it hands out is performed
            self._save(session)
            if kind == "done":
                return payload
            index, skill, tool, params = payload[0]
            try:
                result = self._dispatch(skill, tool, params)
            except StepEffectUnknownError as exc:
                outcome: tuple = ("unknown", str(exc), exc.payload)
            except Exception as exc:  # noqa: BLE001 — a raising dispatch fails the step
                outcome = ("raised", str(exc))
            else:
                outcome = ("returned", result)
            kind, payload = session.report(index, outcome)


#: VMWARE_PILOT_VERIFY_ROWS=1 (the test suites set it): after every save, the row rendered
#: piece by piece from the core's working copy must equal the row rendered whole from the
#: Workflow object it was written back into.
_VERIFY_ROWS = os.environ.get("VMWARE_PILOT_VERIFY_ROWS") == "1"


def _verify(wf: Workflow, row: tuple) -> None:
    whole = _native.render_row(wf)
    if tuple(whole) != tuple(row):
        raise AssertionError(
            "vmware-pilot: the stored row differs from the Workflow object's own rendering "
            f"(workflow {row[5]!r}); please report this.\nstored: {row[2][:2000]}\nobject: {whole[2][:2000]}"
        )
