"""The skill catalog: the companion skills Pilot can drive, their tools and risk labels.
A design aid for planning and the source of the safety classification; the data ships with
the core (templates/catalog/skills.json)."""

from __future__ import annotations

from vmware_pilot import _native

SKILL_CATALOG = _native.skill_catalog()
