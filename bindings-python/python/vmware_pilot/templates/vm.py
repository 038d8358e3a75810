"""Built-in templates (vm). Their steps are data: templates/builtin/<name>.yaml."""

from vmware_pilot.templates._build import make

clone_and_test = make("clone_and_test", __name__)
plan_and_approve = make("plan_and_approve", __name__)
rolling_restart = make("rolling_restart", __name__)
capacity_expansion = make("capacity_expansion", __name__)
disaster_recovery = make("disaster_recovery", __name__)
patch_deployment = make("patch_deployment", __name__)
