"""Reasons: why a check answered what it did, for machines and for people.

A reason travels to the Odoo popover (its ``message``) and over XML-RPC (the
whole dict), so its values are restricted to what XML-RPC carries: dates go
as ISO strings and ``None`` as ``False``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Reason", "xmlrpc_value"]


def xmlrpc_value(value: Any) -> Any:
    """Dates as ISO strings, ``None`` as ``False``, numpy scalars as Python ones."""
    if value is None:
        return False
    if isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(value, "item"):  # numpy scalar
        return value.item()
    return value


@dataclass(frozen=True)
class Reason:
    """``code``: stable, for machines; ``message``: for people; ``params``: the figures in the message."""

    code: str
    message: str
    params: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        params = {key: xmlrpc_value(value) for key, value in self.params.items()}
        return {"code": self.code, "message": self.message, "params": params}
