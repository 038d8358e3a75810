"""What a step's rollback really undoes. A step that creates an object (a clone) is undone
only by a rollback tool that removes it; any other rollback leaves the object behind."""

from __future__ import annotations

from vmware_pilot import _native
from vmware_pilot.models import WorkflowStep

NOT_REVERSIBLE_NOTE, OUTSIDE_PILOT_NOTE = _native.notes()


def is_read_only(step: WorkflowStep) -> bool:
    """True when the skill catalog marks the step's tool low risk (names alone never do)."""
    return _native.is_read_only(step)


def leaves_behind(step: WorkflowStep) -> str:
    """What stays after ``step``'s rollback runs, or "" when it is a full undo."""
    return _native.leaves_behind(step)
