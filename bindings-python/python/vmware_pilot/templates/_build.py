"""Python functions for the built-in templates, made from the templates themselves.

Each built-in is a data file interpreted by the core; its function here has the signature
upstream's function had (the core derives it from the template's parameters), so callers —
positional or keyword — and ``inspect.signature`` see the same thing.
"""

from __future__ import annotations

from typing import Any

from vmware_pilot import _native

_BUILTINS = _native.TemplateSet()


def _creator() -> str:
    from vmware_pilot.models import _creator as creator

    return creator()


def build(name: str, args: dict[str, Any]) -> Any:
    """The workflow template ``name`` builds for ``args`` (refusals raise ValueError)."""
    return _BUILTINS.instantiate(name, args, _creator())


def make(name: str, module: str) -> Any:
    """The function for built-in template ``name``, as if defined in ``module``."""
    signature = _BUILTINS.signature(name)
    namespace: dict[str, Any] = {"_build": build}
    source = f"def {name}{signature}:\n    return _build({name!r}, dict(locals()))\n"
    # compiled on its own: the signature's quoted annotations become plain strings, as
    # upstream's postponed annotations are
    exec(compile(source, f"<template {name}>", "exec", dont_inherit=True), namespace)  # noqa: S102
    fn = namespace[name]
    fn.__module__ = module
    fn.__qualname__ = name
    fn.__doc__ = _BUILTINS.description(name)
    return fn


def builtin_schema(name: str) -> dict[str, Any]:
    """The JSON Schema of built-in ``name``'s params."""
    return _BUILTINS.schema(name)
