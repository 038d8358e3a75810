"""Built-in workflow templates, and the user's custom ones from ~/.vmware/workflows/.

Each built-in is a data file (templates/builtin/*.yaml in the project) run by the core's
template interpreter; the functions here build a ``Workflow`` from keyword or positional
arguments, with the same signatures as vmware-pilot 2.4's.
"""

from __future__ import annotations

import logging
from typing import Any

from vmware_pilot.templates._common import parallel_group
from vmware_pilot.templates.baseline import baseline_audit, baseline_capture, baseline_remediate
from vmware_pilot.templates.k8s import vks_cluster_deploy
from vmware_pilot.templates.monitoring import compliance_scan, incident_response, investigate_alert
from vmware_pilot.templates.network import network_segment_setup
from vmware_pilot.templates.storage import storage_expansion
from vmware_pilot.templates.vm import (
    capacity_expansion,
    clone_and_test,
    disaster_recovery,
    patch_deployment,
    plan_and_approve,
    rolling_restart,
)

__all__ = [
    "BUILTIN_TEMPLATES", "TEMPLATES", "baseline_audit", "baseline_capture", "baseline_remediate",
    "capacity_expansion", "clone_and_test", "compliance_scan", "disaster_recovery",
    "get_all_templates", "incident_response", "investigate_alert", "network_segment_setup",
    "parallel_group", "patch_deployment", "plan_and_approve", "rolling_restart",
    "storage_expansion", "vks_cluster_deploy",
]

BUILTIN_TEMPLATES = {
    "clone_and_test": clone_and_test,
    "incident_response": incident_response,
    "investigate_alert": investigate_alert,
    "plan_and_approve": plan_and_approve,
    "compliance_scan": compliance_scan,
    "network_segment_setup": network_segment_setup,
    "vks_cluster_deploy": vks_cluster_deploy,
    "rolling_restart": rolling_restart,
    "capacity_expansion": capacity_expansion,
    "disaster_recovery": disaster_recovery,
    "patch_deployment": patch_deployment,
    "storage_expansion": storage_expansion,
    "baseline_capture": baseline_capture,
    "baseline_audit": baseline_audit,
    "baseline_remediate": baseline_remediate,
}

#: Older name of BUILTIN_TEMPLATES.
TEMPLATES = BUILTIN_TEMPLATES


def get_all_templates() -> dict[str, Any]:
    """Built-ins plus the custom templates in ~/.vmware/workflows/, read again on every call
    (a YAML dropped there is available at once). A custom template named like a built-in
    replaces it — loudly."""
    from vmware_pilot.custom_loader import load_custom_templates

    templates = dict(BUILTIN_TEMPLATES)
    custom = load_custom_templates()
    shadowed = sorted(set(custom) & set(BUILTIN_TEMPLATES))
    if shadowed:
        logging.getLogger("vmware-pilot.templates").warning(
            "Custom workflow YAML shadows built-in template(s) %s: the file in "
            "~/.vmware/workflows/ is used instead. Rename it if that is not intended.",
            ", ".join(shadowed),
        )
    templates.update(custom)
    return templates
