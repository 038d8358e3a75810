"""Capture what upstream vmware-pilot 2.4.0's built-in templates build, as fixtures.

Run with a Python where upstream 2.4.0 is installed (never ours):

    /work/upstream-venv/bin/python scripts/capture_template_fixtures.py \
        tests/fixtures/template-cases.json

For each of the 15 built-in templates (in BUILTIN_TEMPLATES order) it calls the
template with argument sets chosen to reach every optional branch, and records the
workflow type, state, params and steps read from the returned Workflow — or, for
inputs the template refuses, the exception class and a few short factual substrings
of its message (never the message itself).

Normalisations, so the file holds no upstream prose and is deterministic:

* clone_and_test's final approval message and investigate_alert's two checkpoint
  messages become {"$pinned": [facts...]}: the facts our own wording must contain.
  Every pinned fact is checked against upstream's message here.
* baseline_capture without a baseline_name names the baseline from the local clock;
  that name is replaced by "$LOCAL_BASELINE_NAME".
* plan_and_approve's vm_names comes from a Python set; it is reordered to first
  appearance in `operations`, and the generated description rebuilt to match.

Arguments are round-tripped through JSON before the call, so what is recorded is
exactly what upstream was given. The script asserts as it goes and exits non-zero
if any case behaves other than declared (raises when it should build, or builds
when it should refuse).
"""

import json
import re
import sys
from pathlib import Path

from vmware_pilot.templates import BUILTIN_TEMPLATES
from vmware_policy.caller import audit_user

LOCAL_NAME = "$LOCAL_BASELINE_NAME"


def ok(case, **args):
    return {"case": case, "args": args}


def refuse(case, contains, **args):
    return {"case": case, "args": args, "contains": contains}


# ── argument sets ────────────────────────────────────────────────────────────

CLONE = [
    ok("resize cpu only", target_vm="web-01", change_spec={"cpu": 4}, snapshot_name="base"),
    ok("resize memory_mb only, target and monitor_minutes set", target_vm="web-01",
       change_spec={"memory_mb": 8192}, monitor_minutes=10, target="vc-prod",
       snapshot_name="pre-change"),
    ok("resize memory_gb int converted to memory_mb", target_vm="db-01",
       change_spec={"memory_gb": 2}, snapshot_name="base"),
    ok("resize memory_gb fractional 1.5 converted to 1536", target_vm="db-01",
       change_spec={"memory_gb": 1.5}, snapshot_name="base"),
    ok("resize memory_gb float 2.0 converted to integer 2048", target_vm="db-01",
       change_spec={"memory_gb": 2.0}, snapshot_name="base"),
    ok("resize cpu then memory_gb: memory_mb placed after cpu", target_vm="app-01",
       change_spec={"cpu": 2, "memory_gb": 4}, snapshot_name="base", target="vc"),
    ok("resize memory_gb before cpu: converted memory_mb moves after cpu; "
       "params.change_spec keeps caller's dict", target_vm="app-01",
       change_spec={"memory_gb": 4, "cpu": 2}, snapshot_name="base"),
    ok("resize memory_mb before cpu: caller key order kept", target_vm="app-01",
       change_spec={"memory_mb": 2048, "cpu": 8}, snapshot_name="base"),
    ok("snapshot_name with surrounding spaces is stripped", target_vm="web-01",
       change_spec={"cpu": 2}, snapshot_name="  nightly snap  "),
    ok("monitor_minutes 1", target_vm="web-01", change_spec={"cpu": 1},
       monitor_minutes=1, snapshot_name="s1"),
    ok("guest command without arguments", target_vm="web-01",
       change_spec={"command": "/usr/bin/uptime", "username": "ops"}, snapshot_name="base"),
    ok("guest command with arguments, password, working_directory", target_vm="web-01",
       change_spec={"command": "/usr/bin/apt-get", "arguments": "-y upgrade",
                    "username": "ops", "password": "pw", "working_directory": "/tmp"},
       snapshot_name="base", target="vc-prod", monitor_minutes=15),
    ok("guest command with empty arguments (not joined into the gate)", target_vm="web-01",
       change_spec={"command": "/bin/true", "arguments": "", "username": "ops"},
       snapshot_name="base"),
    ok("guest spec key order kept (password first); username kept unstripped",
       target_vm="web-01",
       change_spec={"password": "pw", "username": " ops ", "command": "/usr/bin/id"},
       snapshot_name="base"),
]

CLONE_REFUSALS = [
    refuse("empty change_spec", ["clone_and_test", "change_spec", "non-empty"],
           target_vm="web-01", change_spec={}, snapshot_name="base"),
    refuse("change_spec is a string", ["clone_and_test", "change_spec", "non-empty"],
           target_vm="web-01", change_spec="cpu=4", snapshot_name="base"),
    refuse("change_spec is a list", ["clone_and_test", "change_spec", "non-empty"],
           target_vm="web-01", change_spec=[{"cpu": 4}], snapshot_name="base"),
    refuse("resize mixed with command keys", ["change_spec", "command", "username",
                                              "reconfigure_vm"],
           target_vm="web-01",
           change_spec={"cpu": 4, "command": "/bin/true", "username": "ops"},
           snapshot_name="base"),
    refuse("both memory_gb and memory_mb", ["memory_gb", "memory_mb"],
           target_vm="web-01", change_spec={"memory_gb": 2, "memory_mb": 2048},
           snapshot_name="base"),
    refuse("memory_gb not a number", ["memory_gb", "lots"],
           target_vm="web-01", change_spec={"memory_gb": "lots"}, snapshot_name="base"),
    refuse("memory_gb string with unit", ["memory_gb", "2GB"],
           target_vm="web-01", change_spec={"memory_gb": "2GB"}, snapshot_name="base"),
    refuse("memory_gb is a bool", ["memory_gb"],
           target_vm="web-01", change_spec={"memory_gb": True}, snapshot_name="base"),
    refuse("memory_gb null", ["memory_gb"],
           target_vm="web-01", change_spec={"memory_gb": None}, snapshot_name="base"),
    refuse("memory_gb gives non-integral MB (0.1 GB = 102.4 MB)",
           ["memory_gb", "0.1", "102.4", "memory_mb"],
           target_vm="web-01", change_spec={"memory_gb": 0.1}, snapshot_name="base"),
    refuse("memory_gb zero", ["memory_gb", "memory_mb"],
           target_vm="web-01", change_spec={"memory_gb": 0}, snapshot_name="base"),
    refuse("memory_gb negative", ["memory_gb", "-1024", "memory_mb"],
           target_vm="web-01", change_spec={"memory_gb": -1}, snapshot_name="base"),
    refuse("guest spec with foreign key 'script'", ["change_spec", "script",
                                                    "run_vm_guest_command"],
           target_vm="web-01",
           change_spec={"script": "apt-get upgrade", "command": "/bin/sh", "username": "ops"},
           snapshot_name="base"),
    refuse("guest spec missing command", ["change_spec", "command"],
           target_vm="web-01", change_spec={"username": "ops", "arguments": "-a"},
           snapshot_name="base"),
    refuse("guest spec blank command", ["change_spec", "command"],
           target_vm="web-01", change_spec={"command": "   ", "username": "ops"},
           snapshot_name="base"),
    refuse("guest spec missing username", ["clone_and_test", "username"],
           target_vm="web-01", change_spec={"command": "/usr/bin/uptime"},
           snapshot_name="base"),
    refuse("guest spec blank username", ["clone_and_test", "username"],
           target_vm="web-01", change_spec={"command": "/usr/bin/uptime", "username": "  "},
           snapshot_name="base"),
    refuse("guest spec non-string username", ["clone_and_test", "username"],
           target_vm="web-01", change_spec={"command": "/usr/bin/uptime", "username": 0},
           snapshot_name="base"),
    refuse("snapshot_name missing (default empty)",
           ["snapshot_name", "list_vm_snapshots", "web-01"],
           target_vm="web-01", change_spec={"cpu": 4}),
    refuse("snapshot_name blank", ["snapshot_name", "list_vm_snapshots", "web-01"],
           target_vm="web-01", change_spec={"cpu": 4}, snapshot_name="   "),
    refuse("snapshot_name not a string", ["snapshot_name", "list_vm_snapshots", "web-01"],
           target_vm="web-01", change_spec={"cpu": 4}, snapshot_name=7),
    refuse("bad change_spec reported before missing snapshot_name", ["change_spec"],
           target_vm="web-01", change_spec={}),
]

INCIDENT = [
    ok("entity and alert name", alert_entity="esx-01", alert_name="Host CPU usage"),
    ok("with target", alert_entity="vm-db-01", alert_name="VM memory", target="vc-prod"),
    ok("non-ASCII alert name", alert_entity="esx-02", alert_name="CPU \u00e9lev\u00e9 \u2014 \u26a0"),
    ok("empty alert name kept empty", alert_entity="esx-03", alert_name=""),
]

INVESTIGATE = [
    ok("entity only: label is the entity, no deep dive", alert_entity="vm-web-01"),
    ok("alert_name given", alert_entity="vm-web-01", alert_name="High CPU"),
    ok("target only: aria steps use target", alert_entity="esx-01", target="vc-prod"),
    ok("aria_target only: aria steps use aria_target, monitor steps empty target",
       alert_entity="esx-01", aria_target="aria-prod"),
    ok("deep_dive without alert_name", alert_entity="cluster-a", deep_dive=True),
    ok("deep_dive with alert_name and target (aria falls back to target)",
       alert_entity="cluster-a", alert_name="Cluster DRS imbalance", deep_dive=True,
       target="vc-prod"),
    ok("deep_dive with target and distinct aria_target", alert_entity="ds-01",
       alert_name="Datastore latency", deep_dive=True, target="vc-prod",
       aria_target="aria-prod"),
    ok("deep_dive explicitly false with both targets", alert_entity="ds-01",
       deep_dive=False, target="vc", aria_target="aria"),
]

PLAN = [
    ok("no operations", operations=[]),
    ok("operations without vm_name", operations=[{"action": "refresh_inventory"}]),
    ok("one VM over three operations", operations=[
        {"action": "power_off", "vm_name": "db01"},
        {"action": "revert_snapshot", "vm_name": "db01", "snapshot_name": "baseline"},
        {"action": "power_on", "vm_name": "db01"},
    ]),
    ok("several VMs, repeated names (vm_names order normalised to first appearance)",
       operations=[
           {"action": "power_off", "vm_name": "web-03"},
           {"action": "power_off", "vm_name": "app-01"},
           {"action": "create_snapshot", "vm_name": "web-03", "snapshot_name": "pre"},
           {"action": "power_off", "vm_name": "db-02"},
           {"action": "power_on", "vm_name": "app-01"},
           {"action": "power_on", "vm_name": "cache-09"},
           {"action": "power_on", "vm_name": "batch-11"},
       ]),
    ok("several VMs with description and target (vm_names order normalised)",
       operations=[
           {"action": "reset", "vm_name": "zeta"},
           {"action": "reset", "vm_name": "alpha"},
           {"action": "reset", "vm_name": "mid"},
       ], description="Reset the trio", target="vc-lab"),
    ok("mixed operations with and without vm_name (vm_names order normalised)",
       operations=[
           {"action": "refresh_inventory"},
           {"action": "clone", "vm_name": "tmpl-01", "new_name": "tmpl-01-copy"},
           {"action": "power_on", "vm_name": "tmpl-01-copy"},
           {"action": "refresh_inventory"},
       ]),
    ok("description given, no operations", operations=[], description="Nothing yet"),
]

COMPLIANCE = [ok("defaults (alarms + monitor capacity rollup + anomalies)")]
for _alarms in (True, False):
    for _capacity in (True, False):
        for _cluster in ("", "domain-c8"):
            COMPLIANCE.append(ok(
                f"check_alarms={_alarms} check_capacity={_capacity} "
                f"cluster_id={'set' if _cluster else 'empty'}",
                target="vc-prod", check_alarms=_alarms, check_capacity=_capacity,
                cluster_id=_cluster))

_NET = dict(segment_id="app-seg", display_name="App Net", subnet="10.10.0.1/24",
            transport_zone_path="/infra/sites/default/enforcement-points/default/"
                                "transport-zones/tz-overlay")
NETWORK = [
    ok("no optional parts", **_NET),
    ok("tier1 only", **_NET, tier1_id="t1-app", tier0_path="/infra/tier-0s/t0"),
    ok("tier1 + NAT", **_NET, tier1_id="t1-app", nat_source="10.10.0.0/24",
       nat_translated="192.0.2.10"),
    ok("NAT without tier1 (no NAT step)", **_NET, nat_source="10.10.0.0/24",
       nat_translated="192.0.2.10"),
    ok("tier1 + nat_source without nat_translated (no NAT step)", **_NET,
       tier1_id="t1-app", nat_source="10.10.0.0/24"),
    ok("DFW only", **_NET, dfw_policy_id="app-policy"),
    ok("all parts with target", **_NET, tier1_id="t1-app", tier0_path="/infra/tier-0s/t0",
       nat_source="10.10.0.0/24", nat_translated="192.0.2.10", dfw_policy_id="app-policy",
       target="nsx-prod"),
]

_VKS = dict(namespace_name="team-a", cluster_id="domain-c8", storage_policy="vsan-default",
            tkc_name="tkc-a", k8s_version="v1.29.4+vmware.3")
VKS = [
    ok("defaults", **_VKS),
    ok("vm_class, worker_count and target overridden", **_VKS,
       vm_class="guaranteed-large", worker_count=5, target="vc-prod"),
    ok("single worker", **_VKS, worker_count=1),
]

ROLLING = [
    ok("no VMs", vm_names=[]),
    ok("one VM", vm_names=["web-01"]),
    ok("three VMs with target", vm_names=["web-01", "web-02", "web-03"], target="vc-prod"),
    ok("two VMs given out of alphabetical order", vm_names=["b", "a"]),
]

CAPACITY = [
    ok("cpu only", vm_name="db-01", cpu=8),
    ok("memory only", vm_name="db-01", memory_mb=32768),
    ok("cpu and memory with target", vm_name="db-01", cpu=4, memory_mb=16384, target="vc"),
    ok("neither cpu nor memory", vm_name="db-01"),
    ok("cpu=0 is treated as absent but kept in params", vm_name="db-01", cpu=0,
       memory_mb=4096),
]

DR = [
    ok("default snapshot", vm_name="web-01"),
    ok("custom snapshot", vm_name="web-01", snapshot_name="golden-2026"),
    ok("custom snapshot and target", vm_name="db-01", snapshot_name="pre-upgrade",
       target="vc-dr"),
]

_PATCH = dict(patch_local_path="/srv/patches/kb123.msu", patch_guest_path="C:\\Temp\\kb123.msu",
              install_command="wusa.exe C:\\Temp\\kb123.msu /quiet")
PATCH = [
    ok("one VM, no password", vm_names=["win-01"], **_PATCH, username="Administrator"),
    ok("two VMs with password and target", vm_names=["win-01", "win-02"], **_PATCH,
       username="ops", password="s3cret", target="vc-prod"),
    ok("no VMs", vm_names=[], **_PATCH, username="ops"),
    ok("username kept unstripped", vm_names=["lin-01"],
       patch_local_path="/srv/p.deb", patch_guest_path="/tmp/p.deb",
       install_command="/usr/bin/dpkg -i /tmp/p.deb", username=" ops ", password="pw"),
]
PATCH_REFUSALS = [
    refuse("blank username", ["patch_deployment", "username"], vm_names=["win-01"], **_PATCH,
           username=""),
    refuse("whitespace username", ["patch_deployment", "username"], vm_names=["win-01"],
           **_PATCH, username="   "),
]

STORAGE = [
    ok("default port", host_name="esx-01.lab", iscsi_address="192.0.2.50"),
    ok("custom port", host_name="esx-01.lab", iscsi_address="192.0.2.50", iscsi_port=3261),
    ok("custom port and target", host_name="esx-02.lab", iscsi_address="iscsi.lab",
       iscsi_port=860, target="vc-prod"),
]

_ALL_FALSE = dict(include_vms=False, include_hosts=False, include_network=False,
                  include_storage=False, include_alarms=False)
CAPTURE = [
    ok("all flags, explicit baseline_name", baseline_name="pre-upgrade"),
    ok("all flags, baseline_name clock-derived (replaced by $LOCAL_BASELINE_NAME)"),
    ok("all flags false: zero steps", baseline_name="empty", **_ALL_FALSE),
    ok("vms + storage only, target", baseline_name="partial", target="vc-prod",
       include_hosts=False, include_network=False, include_alarms=False),
    ok("hosts + network + alarms, baseline_name clock-derived (replaced by "
       "$LOCAL_BASELINE_NAME)", include_vms=False, include_storage=False, target="vc"),
    ok("alarms only, explicit empty baseline_name is clock-derived (replaced by "
       "$LOCAL_BASELINE_NAME)", baseline_name="", **{**_ALL_FALSE, "include_alarms": True}),
]

AUDIT = [
    ok("defaults"),
    ok("all include flags false: anomalies only", include_vms=False, include_hosts=False,
       include_network=False, include_storage=False),
    ok("custom baseline name and target", baseline_name="pre-upgrade", target="vc-prod"),
    ok("hosts + storage only", baseline_name="nightly", include_vms=False,
       include_network=False),
]

REMEDIATE = [
    ok("no drift items", drift_items=[]),
    ok("item with only resource: defaults skill aiops, tool create_vm_plan, params {}",
       drift_items=[{"resource": "vm-01"}]),
    ok("item without resource: fix_item_0 and 'unknown' in message",
       drift_items=[{"skill": "monitor", "tool": "get_vm_info", "params": {"vm_name": "x"}}],
       target="vc"),
    ok("gated tool gets confirm=True; ungated rollback params copied unchanged",
       drift_items=[{"resource": "vm-02", "skill": "aiops", "tool": "power_off_vm",
                     "params": {"vm_name": "vm-02", "force": False},
                     "rollback_tool": "power_on_vm",
                     "rollback_params": {"vm_name": "vm-02"}}]),
    ok("ungated tool with gated rollback tool: rollback gets confirm=True",
       drift_items=[{"resource": "vm-03", "skill": "aiops", "tool": "power_on_vm",
                     "params": {"vm_name": "vm-03"}, "rollback_tool": "power_off_vm",
                     "rollback_params": {"vm_name": "vm-03", "force": True}}],
       target="vc-prod"),
    ok("skill 'vmware-nsx' with gated delete_segment; skill kept as given",
       drift_items=[{"resource": "seg-old", "skill": "vmware-nsx", "tool": "delete_segment",
                     "params": {"segment_id": "seg-old"}}]),
    ok("ungated tool: confirm/dry_run in params passed through untouched",
       drift_items=[{"resource": "ds-01", "skill": "storage", "tool": "list_all_datastores",
                     "params": {"confirm": False, "dry_run": True}}]),
    ok("rollback_params without rollback_tool kept (not confirmed)",
       drift_items=[{"resource": "vm-04", "skill": "aiops", "tool": "reconfigure_vm",
                     "params": {"vm_name": "vm-04", "cpu": 2},
                     "rollback_params": {"vm_name": "vm-04", "cpu": 1, "confirm": False}}]),
    ok("pre-2.0 tool name renamed on the step, after the gate check (no confirm added)",
       drift_items=[{"resource": "vm-05", "skill": "aiops", "tool": "vm_power_off",
                     "params": {"vm_name": "vm-05"}, "rollback_tool": "vm_power_on",
                     "rollback_params": {"vm_name": "vm-05"}}]),
    ok("exactly five items: no ellipsis", drift_items=[
        {"resource": f"vm-{n}", "tool": "create_vm_plan", "params": {"n": n}}
        for n in range(1, 6)]),
    ok("seven items, some without resource: message truncated with '...'", drift_items=[
        {"resource": "vm-a"}, {"skill": "nsx", "tool": "list_segments"}, {"resource": "vm-c"},
        {"resource": "vm-d", "skill": "aiops", "tool": "delete_vm_snapshot",
         "params": {"vm_name": "vm-d", "snapshot_name": "old"}},
        {}, {"resource": "vm-f"}, {"resource": "vm-g"},
    ], target="vc-prod"),
]
REMEDIATE_REFUSALS = [
    refuse("gated tool params carry confirm", ["drift item 0", "power_off_vm", "confirm"],
           drift_items=[{"resource": "vm-01", "skill": "aiops", "tool": "power_off_vm",
                         "params": {"vm_name": "vm-01", "confirm": True}}]),
    refuse("gated tool params carry dry_run", ["drift item 0", "power_off_vm", "dry_run"],
           drift_items=[{"resource": "vm-01", "skill": "aiops", "tool": "power_off_vm",
                         "params": {"vm_name": "vm-01", "dry_run": True}}]),
    refuse("gated tool params carry confirmed", ["drift item 0", "migrate_vm", "confirmed"],
           drift_items=[{"resource": "vm-01", "skill": "aiops", "tool": "migrate_vm",
                         "params": {"vm_name": "vm-01", "confirmed": False}}]),
    refuse("second item (vmware-nsx) carries confirm and dry_run",
           ["drift item 1", "delete_segment", "confirm", "dry_run"],
           drift_items=[{"resource": "ok-item"},
                        {"resource": "seg", "skill": "vmware-nsx", "tool": "delete_segment",
                         "params": {"dry_run": True, "confirm": False}}]),
    refuse("gated rollback tool params carry dry_run",
           ["drift item 0 rollback", "power_off_vm", "dry_run"],
           drift_items=[{"resource": "vm-03", "skill": "aiops", "tool": "power_on_vm",
                         "params": {"vm_name": "vm-03"}, "rollback_tool": "power_off_vm",
                         "rollback_params": {"vm_name": "vm-03", "dry_run": True}}]),
    refuse("gated rollback tool params carry confirm",
           ["drift item 0 rollback", "delete_segment", "confirm"],
           drift_items=[{"resource": "seg", "skill": "nsx", "tool": "create_segment",
                         "params": {"segment_id": "seg"}, "rollback_tool": "delete_segment",
                         "rollback_params": {"segment_id": "seg", "confirm": True}}]),
]

CASES = {
    "clone_and_test": CLONE + CLONE_REFUSALS,
    "incident_response": INCIDENT,
    "investigate_alert": INVESTIGATE,
    "plan_and_approve": PLAN,
    "compliance_scan": COMPLIANCE,
    "network_segment_setup": NETWORK,
    "vks_cluster_deploy": VKS,
    "rolling_restart": ROLLING,
    "capacity_expansion": CAPACITY,
    "disaster_recovery": DR,
    "patch_deployment": PATCH + PATCH_REFUSALS,
    "storage_expansion": STORAGE,
    "baseline_capture": CAPTURE,
    "baseline_audit": AUDIT,
    "baseline_remediate": REMEDIATE + REMEDIATE_REFUSALS,
}


# ── conversion and normalisation ─────────────────────────────────────────────

def jsonable(v):
    if isinstance(v, dict):
        assert all(isinstance(k, str) for k in v), v
        return {k: jsonable(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [jsonable(x) for x in v]
    if v is None or isinstance(v, (bool, int, float, str)):
        return v
    raise TypeError(f"not JSON: {v!r}")


def dedupe(items):
    out = []
    for x in items:
        if x not in out:
            out.append(x)
    return out


def pin(message, facts):
    facts = dedupe(facts)
    missing = [f for f in facts if f not in message]
    assert not missing, (missing, message)
    return {"$pinned": facts}


def pin_clone_final(steps, args):
    spec = args["change_spec"]
    snapshot = args["snapshot_name"].strip()
    staging = f"{args['target_vm']}-staging"
    facts = [staging, args["target_vm"], snapshot,
             f"{args.get('monitor_minutes', 5)} minute", "not rolled back"]
    if {"cpu", "memory_mb", "memory_gb"} & set(spec):
        facts.append("hot-add")
        if "cpu" in spec:
            facts.append(f"{spec['cpu']} vCPU")
        mb = spec.get("memory_mb", spec.get("memory_gb", 0) * 1024)
        if "memory_mb" in spec or "memory_gb" in spec:
            facts.append(f"{int(mb)} MB memory")
    else:
        facts.append(spec["command"])
    finals = [i for i, s in enumerate(steps) if s["action"] == "apply_to_production"]
    assert len(finals) == 1
    gate = steps[finals[0] - 1]
    assert gate["action"] == "require_approval"
    gate["params"]["message"] = pin(gate["params"]["message"], facts)


def pin_investigate(steps, args):
    label = args.get("alert_name") or args["alert_entity"]
    gates = [s for s in steps if s["action"] == "require_approval"]
    assert len(gates) == (2 if args.get("deep_dive") else 1)
    gates[0]["params"]["message"] = pin(gates[0]["params"]["message"], [
        label, args["alert_entity"], "investigation-protocol.md", "falsifiability",
        "sufficiency", "necessity", "mechanism", "deep_dive=True"])
    if len(gates) == 2:
        gates[1]["params"]["message"] = pin(gates[1]["params"]["message"], [
            label, "third round", "three rounds"])


def normalise_plan(expect, args):
    ops = args["operations"]
    first = {}
    for i, op in enumerate(ops):
        if "vm_name" in op:
            first.setdefault(op["vm_name"], i)
    upstream = expect["params"]["vm_names"]
    assert sorted(upstream) == sorted(first), (upstream, first)
    ordered = sorted(upstream, key=first.__getitem__)
    expect["params"]["vm_names"] = ordered
    if not args.get("description"):
        old = f"Batch operation on {', '.join(upstream)} ({len(ops)} steps)"
        new = f"Batch operation on {', '.join(ordered)} ({len(ops)} steps)"
        assert expect["params"]["description"] == old
        expect["params"]["description"] = new
        gate = expect["steps"][1]
        assert gate["params"]["message"] == f"Plan ready: {old}. Review and approve?"
        gate["params"]["message"] = f"Plan ready: {new}. Review and approve?"


def replace_str(v, old, new):
    if isinstance(v, str):
        return v.replace(old, new)
    if isinstance(v, dict):
        return {k: replace_str(x, old, new) for k, x in v.items()}
    if isinstance(v, list):
        return [replace_str(x, old, new) for x in v]
    return v


def normalise_capture(expect, args):
    if args.get("baseline_name"):
        return expect
    name = expect["params"]["baseline_name"]
    assert re.fullmatch(r"baseline-\d{8}-\d{6}", name), name
    assert expect["params"]["baseline_path"] == f"~/.vmware/baselines/{name}.json"
    return replace_str(expect, name, LOCAL_NAME)


STEP_FIELDS = ("index", "action", "skill", "tool", "params", "rollback_tool",
               "rollback_params", "group_id")


def capture(name, fn, spec):
    args = json.loads(json.dumps(spec["args"]))  # exactly what the fixture will hold
    row = {"template": name, "case": spec["case"], "args": args}
    try:
        wf = fn(**json.loads(json.dumps(args)))
    except Exception as exc:  # noqa: BLE001 — a refusal is what some cases record
        if "contains" not in spec:
            raise AssertionError(f"{name} / {spec['case']}: unexpected {exc!r}") from exc
        message = str(exc)
        missing = [c for c in spec["contains"] if c not in message]
        assert not missing, (name, spec["case"], missing, message)
        row["error"] = {"class": type(exc).__name__, "contains": spec["contains"]}
        return row
    assert "contains" not in spec, f"{name} / {spec['case']}: expected a refusal"
    for i, s in enumerate(wf.steps):
        assert s.index == i and s.status == "pending" and s.result is None, (name, s)
    expect = {
        "workflow_type": wf.workflow_type,
        "state": wf.state.value,
        "params": jsonable(wf.params),
        "created_by_is_caller": wf.created_by == audit_user(),
        "steps": [{f: jsonable(getattr(s, f)) for f in STEP_FIELDS} for s in wf.steps],
    }
    assert expect["created_by_is_caller"] is True
    if name == "clone_and_test":
        pin_clone_final(expect["steps"], args)
    elif name == "investigate_alert":
        pin_investigate(expect["steps"], args)
    elif name == "plan_and_approve":
        normalise_plan(expect, args)
    elif name == "baseline_capture":
        expect = normalise_capture(expect, args)
    # The safety reading of the same workflow: review's verdict, findings (without their
    # prose) and summary, and the approval-gate violations (built-ins are exempt from the
    # rule but satisfy it).
    from vmware_pilot.approval_gate import gate_violations
    from vmware_pilot.review import review
    rv = review(wf)
    expect["review"] = {
        "verdict": rv["verdict"],
        "findings": [{k: f[k] for k in ("severity", "kind", "step_index")} for f in rv["findings"]],
        "summary": rv["summary"],
    }
    expect["gate_violations"] = [{"step_index": v.step_index, "kind": v.kind} for v in gate_violations(wf)]
    row["expect"] = expect
    return row


def main(out):
    assert list(CASES) == list(BUILTIN_TEMPLATES), "cover every built-in, in order"
    rows = []
    for name, fn in BUILTIN_TEMPLATES.items():
        for spec in CASES[name]:
            rows.append(capture(name, fn, spec))
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    Path(out).write_text(json.dumps(rows, indent=2, ensure_ascii=False) + "\n",
                         encoding="utf-8")
    refusals = sum("error" in r for r in rows)
    for name in BUILTIN_TEMPLATES:
        mine = [r for r in rows if r["template"] == name]
        bad = sum("error" in r for r in mine)
        print(f"{name:24} {len(mine) - bad:3} built {bad:3} refused")
    print(f"{len(rows)} cases ({refusals} refusals) -> {out}")


if __name__ == "__main__":
    main(sys.argv[1])
