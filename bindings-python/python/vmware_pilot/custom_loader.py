"""Custom workflow templates from ``~/.vmware/workflows/*.yaml``.

Files keep vmware-pilot 2.4's format — ``name``, ``description``, ``authors``, ``steps``
with ``{{variable}}`` placeholders in step params — and may also use the typed template
format of the core (``parameters``, ``${...}``; see docs/templates.md). Files are read
again on every call. A custom workflow must put a ``require_approval`` step before any
step that could change the estate; one that does not still lists, but planning it is
refused with the file and the step named.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from vmware_pilot import _native
from vmware_pilot.approval_gate import enforce  # noqa: F401  (public name upstream)

_log = logging.getLogger("vmware-pilot.custom")

_WORKFLOWS_DIR = Path("~/.vmware/workflows").expanduser()


def _display_path(path: Path) -> str:
    """``path`` with the home directory shown as ``~``: the file to edit."""
    try:
        return "~/" + path.resolve().relative_to(Path.home().resolve()).as_posix()
    except (ValueError, OSError):
        return str(path)


def _read(path: Path) -> Any:
    import yaml

    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def load_custom_templates() -> dict[str, Any]:
    """Name → loader function (called with the caller's params as keywords)."""
    if not _WORKFLOWS_DIR.exists():
        return {}
    try:
        import yaml  # noqa: F401
    except ImportError:
        _log.warning("pyyaml not installed, custom workflows disabled")
        return {}
    files = []
    for path in sorted(_WORKFLOWS_DIR.glob("*.yaml")):
        try:
            files.append((_read(path), path.name, _display_path(path)))
        except Exception:  # noqa: BLE001 — one bad file must not hide the others
            _log.warning("Failed to load workflow from %s", path.name, exc_info=True)
    try:
        template_set = _native.TemplateSet(files)
    except Exception:  # noqa: BLE001
        _log.warning("Failed to read custom workflows", exc_info=True)
        return {}
    for warning in template_set.warnings:
        _log.warning("%s", warning)
    loaders: dict[str, Any] = {}
    for doc, file_name, _ in files:
        name = doc.get("name") if isinstance(doc, dict) else None
        if name is None or not isinstance(doc.get("steps"), list) or name not in template_set:
            continue
        if not template_set.is_custom(str(name)):
            continue
        loaders[str(name)] = _make_loader(template_set, str(name), file_name)
    return loaders


def _make_loader(template_set: Any, name: str, file_name: str) -> Any:
    def loader(**params: Any) -> Any:
        from vmware_pilot.models import _creator

        return template_set.instantiate(name, params, _creator())

    loader.__doc__ = template_set.description(name) or f"Custom workflow from {file_name}"
    loader.__name__ = name
    loader.__qualname__ = name
    return loader


def _substitute(obj: Any, params: dict[str, Any]) -> Any:
    """``{{var}}`` placeholders in strings replaced by ``str()`` of the param (unknown ones
    kept), recursively through dicts and lists — the core's substitution."""
    return _native.substitute(obj, params)


def list_custom_workflows() -> list[dict[str, Any]]:
    """``{"name", "description", "file", "steps"}`` per custom file (unreadable files left out)."""
    if not _WORKFLOWS_DIR.exists():
        return []
    try:
        import yaml  # noqa: F401
    except ImportError:
        return []
    result = []
    for path in sorted(_WORKFLOWS_DIR.glob("*.yaml")):
        try:
            entry = _native.custom_listing(_read(path), path.name)
        except Exception:  # noqa: BLE001
            continue
        if entry is not None:
            entry.pop("type", None)
            result.append(entry)
    return result
