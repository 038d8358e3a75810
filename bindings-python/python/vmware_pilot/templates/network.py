"""Built-in templates (network). Their steps are data: templates/builtin/<name>.yaml."""

from vmware_pilot.templates._build import make

network_segment_setup = make("network_segment_setup", __name__)
