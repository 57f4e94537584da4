"""Units of measure, the way Odoo's ``uom.uom`` converts them.

The promise and pricing cores count in the product's base unit. A caller
holding a quantity in another unit of the same category converts it first.
Odoo gives every unit a ``factor``: how many of this unit make one reference
unit (Units: 1, Dozens: 1/12, grams: 1000 when kg is the reference). So
``qty`` in unit A is ``qty / factor_A`` reference units, which is
``qty / factor_A * factor_B`` in unit B. Rounding to a unit's precision is
left to the caller (Odoo's ``_compute_quantity`` does it).
"""

from __future__ import annotations

import math

import numpy as np

from crm_bridge.contract.errors import ValidationError

__all__ = ["convert_qty"]


def convert_qty(qty, from_factor: float, to_factor: float = 1.0):
    """Convert a quantity (scalar or array) between two units of one category.

    Parameters
    ----------
    qty : float or array-like
        Quantity in the source unit.
    from_factor, to_factor : float
        Odoo ``factor`` of the source and target units (``to_factor`` defaults
        to the reference unit).

    Returns
    -------
    float or numpy.ndarray
        The quantity in the target unit, e.g. ``convert_qty(2, 1/12)`` is 24
        (2 Dozens in Units).
    """
    for name, factor in (("from_factor", from_factor), ("to_factor", to_factor)):
        if not (isinstance(factor, (int, float)) and math.isfinite(factor) and factor > 0):
            raise ValidationError(
                f"{name} must be a positive number", code="invalid_uom_factor", field=name,
                details={"value": str(factor)},
            )
    converted = np.asarray(qty, dtype=float) / from_factor * to_factor
    return float(converted) if converted.ndim == 0 else converted
