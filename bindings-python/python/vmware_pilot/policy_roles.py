"""What vmware-policy needs to apply roles to this skill: Pilot declares no tools that escape
a role, and no resolver for targets. With a vmware-policy that has no roles, nothing is
declared."""

from __future__ import annotations

from vmware_policy import skill_name

#: Tools that give their holder more than a role grants (none).
ESCAPES = frozenset()

try:
    from vmware_policy.roles import declare_role_metadata
except ImportError:  # vmware-policy without roles
    declare_role_metadata = None

if declare_role_metadata is not None:
    declare_role_metadata(skill_name(__name__), escapes=ESCAPES)
