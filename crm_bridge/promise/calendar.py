"""Working calendar of a warehouse: which days goods can ship.

Shipping happens on working days only (a weekday mask minus holidays); the
customer lead time that follows is counted in calendar days. Scalar methods
serve one date at a time; :meth:`WorkingCalendar.working_mask` gives the day
grid the vectorised promise engine works on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import numpy as np

from crm_bridge.contract.errors import ValidationError

__all__ = ["WorkingCalendar", "to_day", "WEEKDAY_NAMES"]

WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def to_day(value: dt.date | str | np.datetime64, field: str) -> np.datetime64:
    """One date as ``datetime64[D]``, or a ``ValidationError`` naming ``field``.

    Accepts a ``date``, a ``datetime`` (its date is kept), an ISO string or a
    ``numpy.datetime64``.
    """
    try:
        day = np.datetime64(value, "D")
    except (TypeError, ValueError) as exc:
        raise ValidationError(
            f"{value!r} is not a date", code="invalid_date", field=field, details={"value": str(value)}
        ) from exc
    if np.isnat(day):
        raise ValidationError("a date is required", code="invalid_date", field=field)
    return day


class WorkingCalendar:
    """Working days of a warehouse.

    Parameters
    ----------
    workdays : iterable of int
        Working weekdays, Monday = 0 ... Sunday = 6.
    holidays : iterable of date or ISO str
        Closed days on top of the weekly mask.
    """

    def __init__(self, workdays: Iterable[int] = (0, 1, 2, 3, 4), holidays: Iterable = ()) -> None:
        self.workdays = tuple(sorted(set(workdays)))
        if not self.workdays or any(d not in range(7) for d in self.workdays):
            raise ValidationError(
                "workdays must be a non-empty set of weekdays 0 (Mon) to 6 (Sun)",
                code="invalid_calendar",
                field="workdays",
                details={"workdays": list(self.workdays)},
            )
        self.holidays = tuple(
            sorted({to_day(h, f"holidays[{i}]") for i, h in enumerate(holidays)})
        )
        weekmask = [int(d in self.workdays) for d in range(7)]
        self._busdaycal = np.busdaycalendar(weekmask=weekmask, holidays=list(self.holidays))

    def __repr__(self) -> str:
        days = ",".join(WEEKDAY_NAMES[d] for d in self.workdays)
        return f"WorkingCalendar(workdays={days}, holidays={len(self.holidays)})"

    def is_working(self, day: dt.date) -> bool:
        """Whether goods can ship on ``day``."""
        return bool(np.is_busday(to_day(day, "day"), busdaycal=self._busdaycal))

    def next_working_day(self, day: dt.date) -> dt.date:
        """The first working day on or after ``day``."""
        return self._offset(day, 0, "forward")

    def previous_working_day(self, day: dt.date) -> dt.date:
        """The last working day on or before ``day``."""
        return self._offset(day, 0, "backward")

    def add_working_days(self, day: dt.date, n: int) -> dt.date:
        """``n`` working days after ``day`` (before it when ``n`` < 0).

        A non-working ``day`` first moves to the next working day (forward) or
        the previous one (backward), as Odoo's resource calendars do.
        """
        return self._offset(day, int(n), "forward" if n >= 0 else "backward")

    def working_mask(self, start: dt.date | np.datetime64, n_days: int) -> np.ndarray:
        """Boolean array: is ``start + i`` a working day, for ``i`` in ``range(n_days)``."""
        days = to_day(start, "start") + np.arange(n_days)
        return np.is_busday(days, busdaycal=self._busdaycal)

    def _offset(self, day: dt.date, n: int, roll: str) -> dt.date:
        shifted = np.busday_offset(to_day(day, "day"), n, roll=roll, busdaycal=self._busdaycal)
        return shifted.astype(dt.date)
