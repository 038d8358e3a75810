"""Shared helpers for the built-in template modules."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from vmware_pilot.models import Workflow, WorkflowState, WorkflowStep, new_workflow_id

__all__ = ["Any", "Workflow", "WorkflowState", "WorkflowStep", "datetime", "new_workflow_id",
           "parallel_group", "timezone"]


def parallel_group(group_id: str, steps: list[WorkflowStep]) -> list[WorkflowStep]:
    """Tag ``steps`` (in place) as a parallel group: siblings an agent may dispatch together.
    Returns the same list."""
    if not group_id:
        raise ValueError(
            f"group_id must be non-empty (got {group_id!r}): it is the tag that lets these steps "
            "be dispatched together and that review_workflow checks. Give a short stable id such "
            "as 'gather-symptoms', or leave the steps sequential."
        )
    for s in steps:
        s.group_id = group_id
    return steps
