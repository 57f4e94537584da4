"""Structured errors shared by every capability.

A caller (the Odoo form, a scheduled action, an external CRM over XML-RPC)
always gets the same shape back: a machine-readable ``code``, the ``field``
at fault when there is one, and a sentence for a person.
"""

from __future__ import annotations

from typing import Any

__all__ = ["FusionError", "ValidationError", "NotFoundError", "InsufficientDataError"]


class FusionError(Exception):
    """Base of every error the cores raise on purpose.

    Parameters
    ----------
    code : str
        Stable machine-readable code, e.g. ``"invalid_quantity"``.
    message : str
        Explanation for a person.
    field : str, optional
        Name of the input field at fault.
    details : dict, optional
        Extra JSON-serialisable context (the offending value, limits...).
    """

    default_code = "error"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        field: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code or self.default_code
        self.field = field
        self.message = message
        self.details = details or {}

    def to_dict(self) -> dict[str, Any]:
        """The error as a plain dict, the form it takes over XML-RPC."""
        payload: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.field is not None:
            payload["field"] = self.field
        if self.details:
            payload["details"] = self.details
        return payload

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.to_dict()!r})"


class ValidationError(FusionError):
    """The input is malformed: wrong type, out of range, unknown key."""

    default_code = "invalid_input"


class NotFoundError(FusionError):
    """A referenced record (product, partner, order...) does not exist or is not visible."""

    default_code = "not_found"


class InsufficientDataError(FusionError):
    """Too little data to fit or score a model meaningfully; nothing was scored."""

    default_code = "insufficient_data"
