"""Built-in templates (monitoring). Their steps are data: templates/builtin/<name>.yaml."""

from vmware_pilot.templates._build import make

incident_response = make("incident_response", __name__)
compliance_scan = make("compliance_scan", __name__)
investigate_alert = make("investigate_alert", __name__)
