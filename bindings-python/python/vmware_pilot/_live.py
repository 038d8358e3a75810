"""Containers handed out by Workflow and WorkflowStep attributes.

The record lives in the Rust core; an attribute such as ``wf.params`` is read out as a real
``dict`` (or ``list``). These subclasses write every change made through them back to the
record, so ``wf.params["note"] = "x"`` behaves as it does on a dataclass. Nested containers
are plain copies: assign the attribute to change them. Copies (``copy``, ``deepcopy``,
pickle) are plain dicts and lists, detached from the record.
"""

from __future__ import annotations

import copy
from typing import Any, Callable


class LiveDict(dict):
    __slots__ = ("_write",)

    def __init__(self, data: dict, write: Callable[[dict], None]) -> None:
        super().__init__(data)
        self._write = write

    def _sync(self) -> None:
        self._write(dict(self))

    def __setitem__(self, key: Any, value: Any) -> None:
        super().__setitem__(key, value)
        self._sync()

    def __delitem__(self, key: Any) -> None:
        super().__delitem__(key)
        self._sync()

    def __ior__(self, other: Any) -> "LiveDict":
        super().update(other)
        self._sync()
        return self

    def update(self, *args: Any, **kwargs: Any) -> None:
        super().update(*args, **kwargs)
        self._sync()

    def pop(self, *args: Any) -> Any:
        value = super().pop(*args)
        self._sync()
        return value

    def popitem(self) -> Any:
        item = super().popitem()
        self._sync()
        return item

    def setdefault(self, key: Any, default: Any = None) -> Any:
        value = super().setdefault(key, default)
        self._sync()
        return value

    def clear(self) -> None:
        super().clear()
        self._sync()

    def __copy__(self) -> dict:
        return dict(self)

    def __deepcopy__(self, memo: dict) -> dict:
        return copy.deepcopy(dict(self), memo)

    def __reduce__(self):
        return (dict, (dict(self),))


class LiveList(list):
    __slots__ = ("_write",)

    def __init__(self, data: list, write: Callable[[list], None]) -> None:
        super().__init__(data)
        self._write = write

    def _sync(self) -> None:
        self._write(list(self))

    def __setitem__(self, index: Any, value: Any) -> None:
        super().__setitem__(index, value)
        self._sync()

    def __delitem__(self, index: Any) -> None:
        super().__delitem__(index)
        self._sync()

    def __iadd__(self, other: Any) -> "LiveList":
        super().extend(other)
        self._sync()
        return self

    def append(self, value: Any) -> None:
        super().append(value)
        self._sync()

    def extend(self, values: Any) -> None:
        super().extend(values)
        self._sync()

    def insert(self, index: Any, value: Any) -> None:
        super().insert(index, value)
        self._sync()

    def pop(self, *args: Any) -> Any:
        value = super().pop(*args)
        self._sync()
        return value

    def remove(self, value: Any) -> None:
        super().remove(value)
        self._sync()

    def clear(self) -> None:
        super().clear()
        self._sync()

    def sort(self, *args: Any, **kwargs: Any) -> None:
        super().sort(*args, **kwargs)
        self._sync()

    def reverse(self) -> None:
        super().reverse()
        self._sync()

    def __copy__(self) -> list:
        return list(self)

    def __deepcopy__(self, memo: dict) -> list:
        return copy.deepcopy(list(self), memo)

    def __reduce__(self):
        return (list, (list(self),))


def live(value: Any, write: Callable[[Any], None]) -> Any:
    """``value`` wrapped to write back through ``write`` when it is a dict or list."""
    if type(value) is dict:
        return LiveDict(value, write)
    if type(value) is list:
        return LiveList(value, write)
    return value
