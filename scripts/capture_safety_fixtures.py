"""Capture what upstream vmware-pilot 2.4.0's safety functions say about hand-built workflows.

Run with a Python where upstream 2.4.0 is installed (never ours):

    /work/upstream-venv/bin/python /work/main/scripts/capture_safety_fixtures.py \
        /work/main/tests/fixtures/safety-cases.json

Every case below is a Workflow built directly (no template, no storage, no clock), and for
each one the file records:

* ``workflow``        -- ``wf.to_dict()``, the input our port is fed;
* ``review``          -- ``review.review(wf)``;
* ``gate_violations`` -- ``approval_gate.gate_violations(wf)`` as dicts;
* ``is_custom``       -- ``approval_gate.is_custom_workflow(wf)``;
* ``rollback_radius`` / ``cancel_radius`` -- ``lifecycle_gate.{rollback,cancel}_blast_radius``
  with ``acknowledge_unknown_effects`` False and True;
* ``rollback_refusal`` / ``cancel_refusal`` -- ``lifecycle_gate.refusal("roll back" /
  "cancel", wf, radius)`` for each of those two radii (``null`` when the call may act);
* ``gate_refusal`` (some cases) -- ``approval_gate.refusal(...)``: the arguments and result.

Top-level sections ``classify`` (``review.classify_step``), ``acts``
(``approval_gate._acts``) and ``preview_redaction`` (``lifecycle_gate._is_secret_name``)
record the building blocks directly.

Upstream's free-text sentences are not copied: each one is replaced by
``{"$prose": [facts...]}``, short factual substrings (step numbers, skill.tool, states,
names, flags) that our own wording must still contain. Each fact is asserted to occur in
upstream's text here. Short formatted findings that are part of the data format are kept.

The output is deterministic (no clock, no randomness): running it twice gives identical bytes.
The script also asserts that the cases reach every branch it claims to cover.
"""

import json
import sys
from dataclasses import asdict

from vmware_pilot import approval_gate, lifecycle_gate, review as review_mod
from vmware_pilot.models import Workflow, WorkflowState, WorkflowStep

STAMP = "2026-11-21T00:00:00+00:00"
UNMEASURED_ACK = "acknowledge_unknown_effects=True"


# ── building blocks ──────────────────────────────────────────────────────────

def S(index, tool, skill="aiops", *, action="run", params=None, status="pending",
      rb="", rbp=None, group=""):
    """One step: ``rb``/``rbp`` are the rollback tool and params, ``group`` the group_id."""
    return {"index": index, "action": action, "skill": skill, "tool": tool,
            "params": {} if params is None else params, "status": status,
            "rollback_tool": rb, "rollback_params": {} if rbp is None else rbp,
            "group_id": group}


def GATE(index, status="pending", params=None, group=""):
    return S(index, "approve", "pilot", action="require_approval",
             params={"message": "Proceed?"} if params is None else params,
             status=status, group=group)


def C(case, steps, *, state="pending", wtype="custom_check", params=None,
      rollback_results=None, gate_refusal=None):
    return {"case": case, "steps": steps, "state": state, "wtype": wtype,
            "params": {} if params is None else params,
            "rollback_results": [] if rollback_results is None else rollback_results,
            "gate_refusal": gate_refusal}


def REFUSE(verb, source="", retry="", extra="", keywords=()):
    """approval_gate.refusal arguments; ``keywords`` are facts taken from retry/extra."""
    return {"verb": verb, "source": source, "retry": retry, "extra": extra,
            "keywords": list(keywords)}


# ── review / classification cases ────────────────────────────────────────────

REVIEW_CASES = [
    C("no steps: estimate floored at 0.5, approved", []),
    C("catalog reads only (4 x 0.2 = 0.8)", [
        S(0, "get_vm_info", "monitor", params={"vm_name": "web-01"}),
        S(1, "list_alerts", "aria"),
        S(2, "get_vsan_health", "storage"),
        S(3, "search_logs", "log-insight", params={"query": "error"}),
    ]),
    C("delete_vm by tool-name hint, ungated", [
        S(0, "delete_vm", params={"vm_name": "web-01"}),
    ]),
    C("destructive hint in the action only, unknown tools, ungated", [
        S(0, "snapshot_gc", action="Remove stale snapshots", params={"vm_name": "web-01"}),
        S(1, "guest_op", action="SHUTDOWN the guest"),
    ]),
    C("hint order: action 'delete' beats tool 'drop'; force_power_off; rollback beats catalog "
      "medium", [
        S(0, "drop_cache", action="delete cached rows"),
        S(1, "force_power_off_vm", params={"vm_name": "web-02"}),
        S(2, "rollback_vm_plan", params={"plan_id": "p-1"}),
        S(3, "create_segment", "nsx", action="rollback on failure"),
    ]),
    C("catalog high and destructive names behind one approval gate (5 + 3 x 1.5)", [
        GATE(0),
        S(1, "power_off_vm", params={"vm_name": "web-01"}),
        S(2, "delete_segment", "nsx", params={"segment_name": "seg-a"}),
        S(3, "restart_ako", "avi"),
    ]),
    C("catalog high exact matches, ungated", [
        S(0, "run_vm_guest_command", params={"vm_name": "web-01", "command": "/bin/true"}),
        S(1, "issue_tkc_kubeconfig", "vks", params={"cluster_name": "tkc-1"}),
        S(2, "assign_vgpu", "privateai", params={"vm_name": "gpu-01", "profile": "grid_a100"}),
    ]),
    C("misspelt or wrong skill falls back to the tool's catalog risk", [
        S(0, "run_vm_guest_command", "aiopps", params={"vm_name": "web-01"}),
        S(1, "get_vm_info", "monitr", params={"vm_name": "web-01"}),
        S(2, "create_segment", "nsxx", params={"segment_name": "seg-b"}),
        S(3, "list_segments", "aiops"),
        S(4, "power_off_vm", "nsx", params={"vm_name": "web-03"}),
        S(5, "power_on_vm", "vmware-aiops", params={"vm_name": "web-03"}),
    ]),
    C("read name hints incl. the substring blind spot (retarget_vm, quiesce_widget)", [
        S(0, "retarget_vm", params={"vm_name": "web-01", "new_host": "esx-02"}),
        S(1, "quiesce_widget"),
        S(2, "vm_status_probe"),
        S(3, "describe_thing"),
        S(4, "List_Segments", "nsx"),
        S(5, "status_list"),
    ]),
    C("unknown tools, ungated: unclassified findings", [
        S(0, "frobnicate", params={"vm_name": "web-01"}),
        S(1, "do_magic", "newskill", action="list things"),
        S(2, "approve", "pilot", action="approve"),
        S(3, "", "aiops"),
    ]),
    C("unknown tools behind an approval gate: counted, no finding", [
        GATE(0),
        S(1, "frobnicate"),
        S(2, "do_magic", "newskill"),
    ]),
    C("catalog medium writes stay ungated; scan_target is a write despite 'scan'", [
        S(0, "create_segment", "nsx", params={"segment_name": "seg-c"}),
        S(1, "power_on_vm", params={"vm_name": "web-01"}),
        S(2, "scan_target", "harden", params={"target": "vc-prod"}),
    ]),
    C("empty params: target/description exempt, None flagged, falsy non-strings not", [
        S(0, "get_vm_info", "monitor", params={
            "vm_name": "", "target": "", "description": "", "folder": None,
            "Target": "", "description_extra": None, "count": 0, "enabled": False,
            "tags": [], "opts": {}, "target_vm": "web-01"}),
    ]),
    C("empty params on an approval step are not checked; on a gated destructive step they are", [
        GATE(0, params={"message": "", "note": None}),
        S(1, "delete_vm", params={"vm_name": "", "datacenter": None}),
        S(2, "get_vm_info", "monitor", params={"vm_name": ""}),
    ]),
    C("placeholder params REVIEW/todo/FixMe and near misses", [
        S(0, "get_vm_info", "monitor", params={
            "a": "REVIEW", "b": "todo", "c": "FixMe", "d": " todo ", "e": "TODO later",
            "f": "\ufb01xme", "g": "review ", "h": "Todo", "target": "TODO", "n": 7}),
        S(1, "create_segment", "nsx", params={"segment_name": "REVIEW", "gateway": ""}),
    ]),
    C("delete_then_use: later reads/writes flagged, later destructive step not", [
        GATE(0),
        S(1, "delete_vm", params={"vm_name": "web-01", "datacenter": "dc1"}),
        S(2, "get_vm_info", "monitor", params={"vm_name": "web-01"}),
        S(3, "power_on_vm", params={"name": "web-01", "dc": "dc1"}),
        S(4, "delete_vm", params={"vm_name": "web-01"}),
    ]),
    C("delete_then_use: earliest deleter named, id-fragment keys (provider has 'id'), "
      "non-strings ignored", [
        S(0, "get_vm_info", "monitor", params={"vm_name": "/infra/seg-a"}),
        GATE(1),
        S(2, "delete_segment", "nsx", params={"segment_path": "/infra/seg-a",
                                             "provider": "t0-main", "vm_id": 42}),
        S(3, "delete_nat_rule", "nsx", params={"rule_id": "nat-1",
                                              "segment_path": "/infra/seg-a"}),
        S(4, "list_segments", "nsx", params={"filter": "/infra/seg-a", "gw": "t0-main",
                                            "rule": "nat-1", "x": 42}),
        S(5, "frobnicate", params={"ref": "nat-1"}),
    ]),
    C("indices out of list order: approval listed last still gates, delete_then_use "
      "compares indices", [
        S(5, "delete_vm", params={"vm_name": "a"}),
        S(2, "get_vm_info", "monitor", params={"vm_name": "a"}),
        S(7, "get_vm_info", "monitor", params={"vm_name": "a"}),
        GATE(0),
    ]),
    C("an approval after a destructive step does not cover it", [
        S(0, "delete_vm", params={"vm_name": "old-01"}),
        GATE(1),
        S(2, "delete_segment", "nsx", params={"segment_name": "seg-old"}),
    ]),
    C("two contiguous read groups: 8 x 0.2 - 2 x 0.5 = 0.6", [
        S(0, "get_vm_info", "monitor", group="g1"),
        S(1, "get_vm_info", "monitor", group="g1"),
        S(2, "get_vm_info", "monitor", group="g1"),
        S(3, "get_vm_info", "monitor", group="g1"),
        S(4, "list_alerts", "aria", group="g2"),
        S(5, "list_alerts", "aria", group="g2"),
        S(6, "list_alerts", "aria", group="g2"),
        S(7, "list_alerts", "aria", group="g2"),
    ]),
    C("non-contiguous group is a medium finding; verdict stays approved", [
        S(0, "get_vm_info", "monitor", group="g1"),
        S(1, "list_alerts", "aria"),
        S(2, "get_events", "monitor", group="g1"),
        S(3, "get_alarms", "monitor", group="g1"),
    ]),
    C("destructive steps in a parallel group (gated), single-step group", [
        GATE(0),
        S(1, "power_off_vm", params={"vm_name": "a"}, group="pg"),
        S(2, "delete_vm", params={"vm_name": "b"}, group="pg"),
        S(3, "get_vm_info", "monitor", group="pg"),
        S(4, "list_alerts", "aria", group="solo"),
    ]),
    C("ungated, non-contiguous destructive group: finding order", [
        S(0, "delete_vm", params={"vm_name": "a"}, group="x"),
        S(1, "frobnicate", group="y"),
        S(2, "delete_segment", "nsx", params={"segment_name": "s"}, group="x"),
        S(3, "list_alerts", "aria", group="y"),
    ]),
    C("writes in three groups: estimate negative, floored at 0.5", [
        S(0, "create_segment", "nsx", group="a"),
        S(1, "create_segment", "nsx", group="b"),
        S(2, "create_segment", "nsx", group="c"),
    ]),
    C("estimate rounding: 7 reads + 1 destructive + 2 approvals + 1 group = 12.4", [
        GATE(0),
        S(1, "get_vm_info", "monitor", group="r"),
        S(2, "get_vm_info", "monitor", group="r"),
        S(3, "get_vm_info", "monitor", group="r"),
        S(4, "list_alerts", "aria"),
        S(5, "list_alerts", "aria"),
        S(6, "list_alerts", "aria"),
        S(7, "list_alerts", "aria"),
        GATE(8),
        S(9, "delete_vm", params={"vm_name": "z"}),
        S(10, "power_on_vm", params={"vm_name": "y"}),
    ]),
    C("approval step inside a group: the group still counts", [
        GATE(0, group="g"),
        S(1, "get_vm_info", "monitor", group="g"),
    ]),
]


# ── approval gate cases ──────────────────────────────────────────────────────

GATE_CASES = [
    C("confirm=True on a catalog write with no approval before it", [
        S(0, "create_segment", "nsx", params={"segment_name": "seg-a", "confirm": True}),
        S(1, "get_vm_info", "monitor"),
    ], gate_refusal=REFUSE("save", retry="call create_workflow again",
                           keywords=["create_workflow"])),
    C("acting flags on reads and writes: confirm/confirmed/dry_run variants", [
        S(0, "get_vm_info", "monitor", params={"confirm": "yes"}),
        S(1, "power_on_vm", params={"confirmed": 1}),
        S(2, "create_segment", "nsx", params={"dry_run": False}),
        S(3, "list_segments", "nsx", params={"dry_run": None}),
        S(4, "reconfigure_vm", params={"dry_run": "false"}),
        S(5, "acknowledge_alert", "aria", params={"confirm": "off"}),
        S(6, "create_namespace", "vks", params={"confirm": " YES "}),
        S(7, "rescan_storage", "storage", params={"dry_run": True}),
    ], gate_refusal=REFUSE("confirm")),
    C("confirm on an already-flagged step is not counted twice; source file in refusal", [
        S(0, "delete_vm", params={"vm_name": "old", "confirm": True}),
        S(1, "frobnicate", params={"confirm": True}),
        S(2, "create_segment", "nsx", params={"confirm": True}),
    ], params={"_source": "/home/ops/.vmware/workflows/cleanup.yaml"},
        gate_refusal=REFUSE("plan", source="/home/ops/.vmware/workflows/cleanup.yaml",
                            retry="call plan_workflow again",
                            extra="force=True does not skip this gate.",
                            keywords=["plan_workflow", "force=True"])),
    C("violations sorted by step index across kinds", [
        S(0, "frobnicate"),
        S(1, "list_segments", "nsx", params={"confirmed": True}),
        S(2, "delete_segment", "nsx", params={"segment_name": "s"}),
        S(3, "power_off_vm", params={"vm_name": "v"}),
        S(4, "scan_target", "harden", params={"dry_run": 0}),
    ], gate_refusal=REFUSE("run", extra="force=True does not skip this gate.",
                           keywords=["force=True"])),
    C("confirm after an approval gate: no violation; the gate's own confirm ignored", [
        GATE(0, params={"message": "ok?", "confirm": True}),
        S(1, "create_segment", "nsx", params={"confirm": True}),
        S(2, "delete_segment", "nsx", params={"segment_name": "s", "confirm": True}),
    ]),
    C("an approval gate covers only later steps", [
        S(0, "create_segment", "nsx", params={"confirm": True}),
        GATE(1),
        S(2, "create_segment", "nsx", params={"confirm": True}),
    ], gate_refusal=REFUSE("save", source="nightly.yaml", retry="save it again",
                           keywords=["save it again"])),
    C("falsy confirm spellings do not act", [
        S(0, "create_segment", "nsx", params={"confirm": "false"}),
        S(1, "create_segment", "nsx", params={"confirm": "no"}),
        S(2, "create_segment", "nsx", params={"confirm": "0"}),
        S(3, "create_segment", "nsx", params={"confirm": "none"}),
        S(4, "create_segment", "nsx", params={"confirmed": "null"}),
        S(5, "create_segment", "nsx", params={"confirm": ""}),
        S(6, "create_segment", "nsx", params={"confirm": 0}),
        S(7, "create_segment", "nsx", params={"confirmed": False}),
        S(8, "create_segment", "nsx", params={"confirm": None}),
        S(9, "create_segment", "nsx", params={"confirm": " OFF "}),
        S(10, "create_segment", "nsx", params={"dry_run": "yes"}),
    ]),
]


# ── is_custom_workflow cases ─────────────────────────────────────────────────

_READ = [S(0, "get_vm_info", "monitor", params={"vm_name": "web-01"})]
CUSTOM_CASES = [
    C("built-in type, no markers: not custom", _READ, wtype="clone_and_test"),
    C("built-in type, custom True", _READ, wtype="clone_and_test", params={"custom": True}),
    C("built-in type, custom False: not custom", _READ, wtype="incident_response",
      params={"custom": False}),
    C("built-in type, custom 'yes'", _READ, wtype="baseline_audit", params={"custom": "yes"}),
    C("built-in type, custom 'false' (a non-empty string) counts as custom", _READ,
      wtype="baseline_audit", params={"custom": "false"}),
    C("built-in type, custom 0 and '' do not", _READ, wtype="rolling_restart",
      params={"custom": 0, "other": ""}),
    C("built-in type with a _source key (YAML reusing a built-in name)", _READ,
      wtype="network_segment_setup", params={"_source": "network_segment_setup.yaml"}),
    C("built-in type with _source None: the key alone marks it custom", _READ,
      wtype="compliance_scan", params={"_source": None}),
    C("non-built-in type, custom False: still custom", _READ, wtype="my_flow",
      params={"custom": False}),
    C("type differing from a built-in only in case is custom", _READ, wtype="Clone_And_Test"),
]


# ── lifecycle (blast radius) cases ───────────────────────────────────────────

_MIXED = [
    GATE(0, status="success"),
    S(1, "get_vm_info", "monitor", status="success"),
    S(2, "create_segment", "nsx", status="success", rb="delete_segment",
      rbp={"segment_name": "seg-a", "confirm": True}),
    S(3, "reconfigure_vm", status="success", params={"vm_name": "db-01", "cpu": 8}),
    S(4, "retarget_vm", status="success", params={"vm_name": "db-01"}),
    S(5, "get_events", "monitor", status="success", rb="clear_events",
      rbp={"since": "1h"}),
    S(6, "power_on_vm", status="failed", rb="power_off_vm", rbp={"vm_name": "db-01"}),
    S(7, "reconfigure_vm", status="skipped"),
    S(8, "power_on_vm", status="pending"),
]

LIFECYCLE_CASES = [
    C("failed run: undo, left in place, catalog read with a rollback, name-read stays", _MIXED,
      state="failed"),
    C("same steps while running: no blockers", _MIXED, state="running"),
    C("running workflow with a step left running", [
        GATE(0, status="success"),
        S(1, "create_segment", "nsx", status="success", rb="delete_segment",
          rbp={"segment_name": "seg-r"}),
        S(2, "power_on_vm", status="running", rb="power_off_vm", rbp={"vm_name": "r-01"}),
        S(3, "reconfigure_vm", status="pending"),
    ], state="running"),
    C("awaiting approval: only a read ran", [
        S(0, "get_vm_info", "monitor", status="success"),
        GATE(1, status="pending"),
        S(2, "delete_vm", status="pending", params={"vm_name": "old"}),
    ], state="awaiting_approval"),
    C("pending, never started", [
        GATE(0),
        S(1, "delete_vm", params={"vm_name": "old"}),
        S(2, "power_on_vm", params={"vm_name": "new"}),
    ], state="pending"),
    C("completed: rollback and cancel both blocked", [
        GATE(0, status="success"),
        S(1, "create_segment", "nsx", status="success", rb="delete_segment",
          rbp={"segment_name": "seg-c"}),
        S(2, "reconfigure_vm", status="success"),
    ], state="completed"),
    C("cancelled: both blocked, handed-out and pending steps listed", [
        GATE(0, status="rolled_back"),
        S(1, "reconfigure_vm", status="not_executed"),
        S(2, "power_on_vm", status="pending", rb="power_off_vm"),
    ], state="cancelled"),
    C("draft: rollback blocked, cancel allowed", [
        S(0, "create_segment", "nsx", params={"segment_name": "d"}),
        S(1, "get_vm_info", "monitor"),
    ], state="draft"),
    C("rolling_back: rollback blocked; rolled_back and partially_rolled_back steps", [
        GATE(0, status="success"),
        S(1, "deploy_linked_clone", status="partially_rolled_back", rb="power_off_vm",
          params={"new_name": "web-staging", "vm_name": "web-01"}),
        S(2, "create_segment", "nsx", status="rolled_back", rb="delete_segment"),
        S(3, "reconfigure_vm", status="success", rb="reconfigure_vm",
          rbp={"vm_name": "web-01", "cpu": 2}),
    ], state="rolling_back"),
    C("earlier partial rollbacks: leaves_behind per skill spelling and name source", [
        S(0, "deploy_linked_clone", status="partially_rolled_back", rb="power_off_vm",
          params={"new_name": "web-staging", "vm_name": "web-01"}),
        S(1, "clone_vm", "vmware-aiops", status="rolled_back", rb="delete_vm",
          params={"new_name": "gone"}),
        S(2, "deploy_vm_from_template", "AIops", status="partially_rolled_back",
          rb="power_off_vm", params={"vm_name": "db-new"}),
        S(3, "batch_clone_vms", "vmware_aiops", status="partially_rolled_back",
          rb="power_off_vm", params={}),
        S(4, "create_vm", status="partially_rolled_back", rb="",
          params={"vm_name": "bare-01"}),
        S(5, "create_segment", "nsx", status="partially_rolled_back", rb="power_off_vm"),
        S(6, "deploy_vm_from_ova", status="partially_rolled_back", rb="delete_vm",
          params={"vm_name": "ova-1"}),
    ], state="failed"),
    C("would-roll-back clones whose rollback is partial; agent-side clones", [
        S(0, "deploy_linked_clone", status="success", rb="power_off_vm",
          params={"new_name": "lc-1"}, rbp={"vm_name": "lc-1"}),
        S(1, "deploy_vm_from_ova", status="success", rb="delete_vm",
          params={"vm_name": "ova-1"}, rbp={"vm_name": "ova-1", "confirm": True}),
        S(2, "batch_linked_clone_vms", status="success", rb="delete_vm",
          params={"new_name": "", "vm_name": "lc-batch"}),
        S(3, "clone_vm", status="not_executed", rb="power_off_vm",
          params={"new_name": "agent-clone"}),
        S(4, "deploy_linked_clone", status="reported_done", rb="delete_vm",
          params={"new_name": "agent-lc"}),
    ], state="failed"),
    C("handed out to the caller: not_executed / reported_done with and without rollbacks", [
        GATE(0, status="success"),
        S(1, "reconfigure_vm", status="not_executed", params={"vm_name": "p-01"}),
        S(2, "retarget_vm", status="not_executed", params={"vm_name": "p-01"}),
        S(3, "get_vm_info", "monitor", status="not_executed"),
        S(4, "power_on_vm", status="reported_done", params={"vm_name": "p-02"}),
        S(5, "create_segment", "nsx", status="not_executed", rb="delete_segment",
          rbp={"segment_name": "seg-h"}),
        S(6, "list_segments", "nsx", status="reported_done"),
        S(7, "power_off_vm", status="pending"),
    ], state="running"),
    C("secrets in rollback_params: storage-sensitive and preview-only names", [
        S(0, "create_segment", "nsx", status="success", rb="delete_segment",
          params={"password": "step-secret"},
          rbp={"segment_name": "seg-s", "password": "p1", "token": "t1",
               "kubeconfig": "apiVersion: v1", "Password": "p2", "db_password": "p3",
               "apiToken": "t2", "clientSecret": "c1", "auth_key": "a1",
               "token_count": 3, "AUTHToken": "t3",
               "nested": {"private_key": "pk", "items": [{"secret": "s1"},
                                                          {"apiKey": "k1", "note": "n"}]}}),
        S(1, "deploy_linked_clone", status="not_executed", rb="delete_vm",
          params={"new_name": "sec-clone"},
          rbp={"vm_name": "sec-clone", "confirm": True, "client-secret": "c2",
               "credential_id": "cid-1", "bearer": "b1"}),
    ], state="failed"),
    C("unknown effects: rollback_results 'unknown' makes the line name the rollback tool", [
        S(0, "create_segment", "nsx", status="interrupted", rb="delete_segment",
          rbp={"segment_name": "seg-i"}),
        S(1, "power_on_vm", status="interrupted", rb="power_off_vm"),
        S(2, "reconfigure_vm", status="running", rb="reconfigure_vm",
          rbp={"vm_name": "i-01", "cpu": 2}),
        S(3, "power_on_vm", status="running"),
        S(4, "create_segment", "nsx", status="success", rb="delete_segment"),
    ], state="failed", rollback_results=[
        {"step": 0, "tool": "delete_segment", "status": "unknown"},
        {"step": 1, "tool": "power_off_vm", "status": "success"},
        {"step": 2, "tool": "reconfigure_vm", "status": "unknown"},
        {"step": 3, "status": "unknown"},
        {"step": 4, "status": "unknown"},
        {"status": "unknown"},
    ]),
    C("unrecognised statuses 'weird', None and 'SUCCESS' stay unmeasured after ack", [
        S(0, "create_segment", "nsx", status="weird", rb="delete_segment"),
        S(1, "power_on_vm", status=None),
        S(2, "reconfigure_vm", status="interrupted"),
        S(3, "create_segment", "nsx", status="SUCCESS", rb="delete_segment"),
    ], state="failed"),
    C("nothing executed: failed, skipped, rolled_back only", [
        S(0, "create_segment", "nsx", status="rolled_back", rb="delete_segment"),
        S(1, "power_on_vm", status="failed", rb="power_off_vm"),
        S(2, "reconfigure_vm", status="skipped"),
    ], state="failed"),
    C("gates and catalog reads that ran are not changes", [
        GATE(0, status="success"),
        S(1, "get_vm_info", "monitor", status="success"),
        S(2, "list_segments", "nsx", status="success"),
        S(3, "create_segment", "nsx", status="pending"),
    ], state="running"),
    C("every step status in one workflow", [
        S(0, "create_segment", "nsx", status="pending", rb="delete_segment"),
        S(1, "power_on_vm", status="running", rb="power_off_vm"),
        S(2, "create_segment", "nsx", status="success", rb="delete_segment",
          rbp={"segment_name": "e-2"}),
        S(3, "reconfigure_vm", status="failed"),
        S(4, "reconfigure_vm", status="skipped"),
        S(5, "create_segment", "nsx", status="rolled_back", rb="delete_segment"),
        S(6, "deploy_linked_clone", status="partially_rolled_back", rb="power_off_vm",
          params={"new_name": "e-clone"}),
        S(7, "reconfigure_vm", status="not_executed"),
        S(8, "power_on_vm", status="reported_done", rb="power_off_vm"),
        S(9, "create_segment", "nsx", status="interrupted", rb="delete_segment"),
        S(10, "reconfigure_vm", status="weird"),
        S(11, "reconfigure_vm", status=None),
        S(12, "reconfigure_vm", status="success"),
    ], state="running"),
    C("over the cap: 20 executed steps with rollbacks, 18 pending (lists capped at 16)",
      [S(i, "create_segment", "nsx", status="success", rb="delete_segment",
         rbp={"segment_name": f"seg-{i}"}) for i in range(20)]
      + [S(i, "power_on_vm", params={"vm_name": f"vm-{i}"}) for i in range(20, 38)],
      state="running"),
    C("over the cap: 17 interrupted and 17 applied steps without rollback",
      [S(i, "power_on_vm", status="interrupted", params={"vm_name": f"vm-{i}"})
       for i in range(17)]
      + [S(i, "reconfigure_vm", status="success", params={"vm_name": f"vm-{i}"})
         for i in range(17, 34)],
      state="failed"),
    C("over the cap: 17 each of not_executed, reported_done (with rollback) and "
      "partially_rolled_back",
      [S(i, "reconfigure_vm", status="not_executed") for i in range(17)]
      + [S(i, "create_segment", "nsx", status="reported_done", rb="delete_segment",
           rbp={"segment_name": f"seg-{i}"}) for i in range(17, 34)]
      + [S(i, "deploy_linked_clone", status="partially_rolled_back", rb="power_off_vm",
           params={"new_name": f"clone-{i}"}) for i in range(34, 51)],
      state="failed"),
]

CASES = REVIEW_CASES + GATE_CASES + CUSTOM_CASES + LIFECYCLE_CASES


# ── building-block tables ────────────────────────────────────────────────────

CLASSIFY = [
    ("aiops", "delete_vm", ""),
    ("nsx", "delete_segment", ""),
    ("aiops", "remove_vm_tag", ""),
    ("vks", "destroy_cluster", ""),
    ("aiops", "force_power_off_vm", ""),
    ("aiops", "guest_shutdown", ""),
    ("nsx-security", "drop_rule_cache", ""),
    ("aiops", "rollback_vm_plan", ""),
    ("aiops", "DELETE_VM", ""),
    ("aiops", "snapshot_gc", "Remove stale snapshots"),
    ("aiops", "drop_cache", "delete cached rows"),
    ("nsx", "create_segment", "rollback on failure"),
    ("storage", "dropbox_listing", ""),
    ("aiops", "power_off_vm", ""),
    ("vks", "issue_tkc_kubeconfig", ""),
    ("avi", "restart_ako", ""),
    ("aiops", "restore_vm_clean_slate", ""),
    ("aiops", "power_on_vm", ""),
    ("aiops", "acknowledge_vcenter_alarm", ""),
    ("harden", "scan_target", ""),
    ("monitor", "get_vm_info", ""),
    ("aria", "get_capacity_overview", ""),
    ("aiops", "list_segments", ""),
    ("aiopps", "run_vm_guest_command", ""),
    ("vmware-aiops", "power_on_vm", ""),
    ("AIOPS", "power_off_vm", ""),
    ("nsx", "power_off_vm", ""),
    ("", "get_vm_info", ""),
    ("aiops", "retarget_vm", ""),
    ("aiops", "quiesce_widget", ""),
    ("aiops", "status_list", ""),
    ("aiops", "get_status", ""),
    ("aiops", "show_config", ""),
    ("aiops", "browse_datastore", ""),
    ("storage", "scan_luns", ""),
    ("aiops", "vm_health", ""),
    ("aiops", "fetch_logs", ""),
    ("aiops", "describe_vm", ""),
    ("aiops", "inspect_host", ""),
    ("monitor", "List_Virtual_Machines", ""),
    ("vks", "get_tkc_kubeconfig", ""),
    ("aiops", "frobnicate", ""),
    ("newskill", "do_magic", "list things"),
    ("pilot", "approve", "approve"),
    ("aiops", "clone_vm", ""),
    ("aiops", "create_vm", ""),
    ("aiops", "", ""),
    ("aiops", None, None),
]

ACTS = [
    {},
    {"confirm": True}, {"confirm": "true"}, {"confirm": " YES "}, {"confirm": 1},
    {"confirm": 2.5}, {"confirm": "on"}, {"confirm": "nope"}, {"confirm": "n"},
    {"confirm": "0.0"}, {"confirm": [0]}, {"confirm": {"a": 1}}, {"confirm": -1},
    {"confirm": False}, {"confirm": 0}, {"confirm": 0.0}, {"confirm": ""},
    {"confirm": "false"}, {"confirm": "no"}, {"confirm": "off"}, {"confirm": "0"},
    {"confirm": "none"}, {"confirm": "null"}, {"confirm": "NULL"}, {"confirm": " False "},
    {"confirm": "\tno\n"}, {"confirm": "\u00a0off\u2003"}, {"confirm": "\x1cno"},
    {"confirm": None}, {"confirm": []}, {"confirm": {}},
    {"confirmed": True}, {"confirmed": "yes"}, {"confirmed": "No"}, {"confirmed": None},
    {"dry_run": False}, {"dry_run": "false"}, {"dry_run": 0}, {"dry_run": ""},
    {"dry_run": "no"}, {"dry_run": []}, {"dry_run": None}, {"dry_run": True},
    {"dry_run": "yes"}, {"dry_run": 1}, {"dry_run": " TRUE "},
    {"confirm": False, "dry_run": False}, {"confirm": True, "dry_run": True},
    {"confirm": "no", "confirmed": "yes"}, {"confirm": None, "confirmed": None, "dry_run": None},
    {"Confirm": True}, {"CONFIRMED": "yes"}, {"Dry_Run": False},
]

SECRET_KEYS = [
    "password", "Password", "PASSWORD", "db_password", "db2Password", "DBPassword",
    "apiToken", "AUTHToken", "clientSecret", "client-secret", "my-secret-value",
    "auth_key", "authKey", "keyAuth", "auth", "author", "oauth_token",
    "token_count", "tokenCount", "token_type", "tokenizer", "password_expiry",
    "secret_name", "secretName", "api_key", "apiKey", "API_KEY", "apikey", "x_api_key_url",
    "private_key", "privateKey", "PrivateKeyId", "ssh_key", "kubeconfig", "passphrase",
    "pwd", "user_pwd", "bearer", "Authorization", "credentials", "credential_id",
    "secret", "", "__",
]


# ── normalisation: upstream prose -> facts ───────────────────────────────────

def dedupe(items):
    out = []
    for x in items:
        if x not in out:
            out.append(x)
    return out


def prose(text, facts):
    """``{"$prose": facts}`` after checking each fact occurs in upstream's ``text``."""
    assert isinstance(text, str) and text, text
    facts = dedupe(facts)
    missing = [f for f in facts if f not in text]
    assert not missing, (missing, text)
    return {"$prose": facts}


def note(text, facts):
    return "" if text == "" else prose(text, facts)


def label(step):
    return f"{step.skill}.{step.tool}"


def norm_review(result, by_index):
    out = json.loads(json.dumps(result))
    for f in out["findings"]:
        if f["kind"] in ("ungated_destructive", "ungated_unclassified"):
            s = by_index[f["step_index"]]
            _, reason = review_mod.classify_step(s.skill, s.tool, s.action)
            f["message"] = prose(f["message"], [f"Step {s.index}", label(s), reason,
                                                "require_approval"])
    return out


CONFIRM_FACTS = ["confirm=True", "require_approval"]


def norm_violation(v):
    d = asdict(v)
    if d["kind"] == approval_gate.CONFIRM_KIND:
        d["reason"] = prose(d["reason"], CONFIRM_FACTS)
    return d


def leaves_facts(step):
    what = step.params.get("new_name") or step.params.get("vm_name")
    facts = [what] if isinstance(what, str) else []
    if step.rollback_tool:
        facts.append(step.rollback_tool)
    return facts + ["stays"]


def norm_entries(entries, by_index):
    for e in entries:
        if "leaves_behind" in e:
            e["leaves_behind"] = note(e["leaves_behind"], leaves_facts(by_index[e["index"]]))


def unmeasured_facts(wf, ack):
    """Facts for each unmeasured line, in upstream's order (unrecognised, then unknown)."""
    known = lifecycle_gate.KNOWN_STEP_STATUSES
    lines = [[f"step {s.index}", label(s), str(s.status)]
             for s in wf.steps if s.status not in known]
    if not ack:
        undo_unknown = {r.get("step") for r in wf.rollback_results
                        if r.get("status") == "unknown"}
        for s in wf.steps:
            if s.status in ("running", "interrupted"):
                facts = [f"step {s.index}", label(s), s.status, UNMEASURED_ACK]
                if s.index in undo_unknown:
                    facts.append(f"{s.rollback_tool} (its rollback)")
                lines.append(facts)
    return lines


def blocker_facts(wf, kind):
    return [wf.state.value] + (["terminal"] if kind == "cancel" else [])


def norm_radius(radius, wf, kind, ack, by_index):
    """Returns (normalised radius, facts of every blocker and unmeasured line)."""
    out = json.loads(json.dumps(radius))
    for key in ("would_roll_back", "not_reversed_by_pilot", "left_behind_by_earlier_rollback"):
        if key in out:
            norm_entries(out[key], by_index)
    for key, facts in (("left_in_place_note", ["not reversible"]),
                       ("not_reversible_outside_pilot_note", ["not reversible"]),
                       ("handed_out_to_caller_note", ["may already"])):
        if key in out:
            out[key] = note(out[key], facts)
    reason_facts = []
    assert len(out["blockers"]) <= 1
    if out["blockers"]:
        bf = blocker_facts(wf, kind)
        out["blockers"] = [prose(out["blockers"][0], bf)]
        reason_facts.append(bf)
    expected = unmeasured_facts(wf, ack)
    assert len(expected) == len(out["unmeasured"]), (expected, out["unmeasured"])
    out["unmeasured"] = [prose(line, facts) for line, facts in zip(out["unmeasured"], expected)]
    reason_facts += expected
    return out, reason_facts


def lifecycle(wf, kind, by_index):
    fn = (lifecycle_gate.rollback_blast_radius if kind == "rollback"
          else lifecycle_gate.cancel_blast_radius)
    verb = "roll back" if kind == "rollback" else "cancel"
    radii, refusals = {}, {}
    for ack in (False, True):
        key = "ack_true" if ack else "ack_false"
        raw = fn(wf, ack)
        radius, reason_facts = norm_radius(raw, wf, kind, ack, by_index)
        radii[key] = radius
        ref = lifecycle_gate.refusal(verb, wf, raw)
        if ref is None:
            assert not reason_facts
            refusals[key] = None
            continue
        assert ref["blast_radius"] is raw
        facts = [verb, wf.id] + [f for fs in reason_facts for f in fs]
        refusals[key] = {"error": prose(ref["error"], facts), "workflow_id": ref["workflow_id"],
                         "state": ref["state"], "blast_radius": radius}
        assert list(ref) == list(refusals[key])
    return radii, refusals


def gate_refusal(wf, violations, spec):
    args = {k: spec[k] for k in ("verb", "source", "retry", "extra")}
    result = approval_gate.refusal(wf.workflow_type, violations, **args)
    facts = [args["verb"], wf.workflow_type, "require_approval"]
    facts += [f"step {v.step_index} ({v.skill}.{v.tool}" for v in violations]
    if args["source"]:
        facts.append(args["source"])
    facts += spec["keywords"]
    first = violations[0]
    fix = json.loads(json.dumps(result["fix"]))
    fix["step"]["params"]["message"] = prose(fix["step"]["params"]["message"],
                                             [f"{first.skill}.{first.tool}"])
    out = {"error": prose(result["error"], facts),
           "approval_gate_violations": [norm_violation(v) for v in violations],
           "fix": fix}
    assert list(out) == list(result)
    return {"args": {"workflow_name": wf.workflow_type, **args}, "result": out}


# ── driver ───────────────────────────────────────────────────────────────────

def build(n, spec):
    steps = [WorkflowStep(**s) for s in json.loads(json.dumps(spec["steps"]))]
    return Workflow(
        id=f"wf-20261121-000000-{n:06d}",
        workflow_type=spec["wtype"],
        state=WorkflowState(spec["state"]),
        steps=steps,
        params=json.loads(json.dumps(spec["params"])),
        created_at=STAMP,
        updated_at=STAMP,
        rollback_results=json.loads(json.dumps(spec["rollback_results"])),
        created_by="tester",
    )


def capture_case(n, spec):
    wf = build(n, spec)
    by_index = {s.index: s for s in wf.steps}
    assert len(by_index) == len(wf.steps), "step indices must be unique"
    violations = approval_gate.gate_violations(wf)
    rollback_radius, rollback_refusal = lifecycle(wf, "rollback", by_index)
    cancel_radius, cancel_refusal = lifecycle(wf, "cancel", by_index)
    case = {
        "case": spec["case"],
        "workflow": wf.to_dict(),
        "review": norm_review(review_mod.review(wf), by_index),
        "gate_violations": [norm_violation(v) for v in violations],
        "is_custom": approval_gate.is_custom_workflow(wf),
        "rollback_radius": rollback_radius,
        "cancel_radius": cancel_radius,
        "rollback_refusal": rollback_refusal,
        "cancel_refusal": cancel_refusal,
    }
    if spec["gate_refusal"] is not None:
        assert violations, spec["case"]
        case["gate_refusal"] = gate_refusal(wf, violations, spec["gate_refusal"])
    return case


def check_coverage(cases, classify):
    """Fail loudly if an edit to the cases drops a branch this file claims to cover."""
    kinds = {f["kind"] for c in cases for f in c["review"]["findings"]}
    kinds |= {v["kind"] for c in cases for v in c["gate_violations"]}
    want_kinds = {"empty_param", "placeholder_param", "delete_then_use", "ungated_destructive",
                  "ungated_unclassified", "non_contiguous_group",
                  "destructive_in_parallel_group", "confirm_without_approval"}
    assert want_kinds <= kinds, want_kinds - kinds
    states = {c["workflow"]["state"] for c in cases}
    assert states == {s.value for s in WorkflowState}, states
    statuses = {s["status"] for c in cases for s in c["workflow"]["steps"]}
    want = set(lifecycle_gate.KNOWN_STEP_STATUSES) | {"weird", None}
    assert want <= statuses, want - statuses
    assert {c["is_custom"] for c in cases} == {True, False}
    assert any(c["review"]["summary"]["est_duration_min"] == 0.5
               and c["review"]["summary"]["parallel_groups"] for c in cases)
    tiers = {r["tier"] for r in classify}
    assert tiers == {"destructive", "write", "read", "unknown"}, tiers
    for key in ("rollback_refusal", "cancel_refusal"):
        got = {c[key]["ack_true"] is None for c in cases}
        assert got == {True, False}, key
    caps = [c for c in cases if c["rollback_radius"]["ack_false"]["would_roll_back_count"] > 16]
    assert caps and all(len(c["rollback_radius"]["ack_false"]["would_roll_back"]) == 16
                        for c in caps)


def main(argv):
    if len(argv) != 2:
        sys.exit(f"usage: {argv[0]} OUTPUT.json")
    cases = [capture_case(n, spec) for n, spec in enumerate(CASES, start=1)]
    classify = []
    for skill, tool, action in CLASSIFY:
        tier, reason = review_mod.classify_step(skill, tool, action)
        classify.append({"skill": skill, "tool": tool, "action": action,
                         "tier": tier, "reason": reason})
    acts = [{"params": p, "acts": approval_gate._acts(json.loads(json.dumps(p)))} for p in ACTS]
    redaction = [{"key": k, "secret": lifecycle_gate._is_secret_name(k)} for k in SECRET_KEYS]
    check_coverage(cases, classify)
    assert {a["acts"] for a in acts} == {True, False}
    assert {r["secret"] for r in redaction} == {True, False}
    doc = {
        "source": "vmware-pilot 2.4.0 (scripts/capture_safety_fixtures.py)",
        "cases": cases,
        "classify": classify,
        "acts": acts,
        "preview_redaction": redaction,
    }
    text = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    with open(argv[1], "w", encoding="utf-8") as fh:
        fh.write(text)
    print(f"{len(cases)} cases, {len(classify)} classify rows, {len(acts)} acts rows, "
          f"{len(redaction)} redaction keys -> {argv[1]}")


if __name__ == "__main__":
    main(sys.argv)
