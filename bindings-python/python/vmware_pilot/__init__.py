"""VMware Pilot — approval-gated, multi-step workflows for the VMware skill family.

A drop-in for vmware-pilot 2.4: the same modules and names, the same stored rows and
templates; the workflow engine itself is the project's Rust core (``vmware_pilot._native``).
"""

__version__ = "3.0.0"
