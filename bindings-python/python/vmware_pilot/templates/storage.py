"""Built-in templates (storage). Their steps are data: templates/builtin/<name>.yaml."""

from vmware_pilot.templates._build import make

storage_expansion = make("storage_expansion", __name__)
