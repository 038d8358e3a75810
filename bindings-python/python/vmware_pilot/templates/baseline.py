"""Built-in templates (baseline). Their steps are data: templates/builtin/<name>.yaml."""

from vmware_pilot.templates._build import make

baseline_capture = make("baseline_capture", __name__)
baseline_audit = make("baseline_audit", __name__)
baseline_remediate = make("baseline_remediate", __name__)
