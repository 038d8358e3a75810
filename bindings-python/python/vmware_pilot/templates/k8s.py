"""Built-in templates (k8s). Their steps are data: templates/builtin/<name>.yaml."""

from vmware_pilot.templates._build import make

vks_cluster_deploy = make("vks_cluster_deploy", __name__)
