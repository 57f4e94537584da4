"""Assign work items to people: the most expected value within each person's free capacity.

One solver serves leads and tickets: a value per (item, person) pair, a free
capacity per person, and an optimal assignment (the transportation problem,
solved exactly by SciPy's HiGHS simplex; not a greedy pass: a
greedy pass gives the best salesperson the first lead even when a later one
needs them more).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

from crm_bridge.contract.errors import ValidationError

__all__ = ["ANY_LANGUAGE", "Assignment", "assign", "chosen_people", "language_allowed"]

UNASSIGNED = -1
#: In a person's languages: they take items in any language.
ANY_LANGUAGE = "*"


def language_allowed(item_langs: Sequence[str], person_langs: Sequence) -> np.ndarray:
    """(items, people) booleans: the person works in the item's language.

    ``person_langs`` holds, per person, a set of language codes or a
    comma-separated text; ``"*"`` among them means any language.
    """
    spoken = [set(value.split(",")) if isinstance(value, str) else set(value) for value in person_langs]
    # One row per distinct language, then one lookup per item: a batch has few languages and many items.
    langs, index = np.unique(np.asarray([str(lang) for lang in item_langs], dtype=object), return_inverse=True)
    table = np.array([[ANY_LANGUAGE in person or lang in person for person in spoken] for lang in langs],
                     dtype=bool).reshape(len(langs), len(spoken))
    return table[index.reshape(-1)]


@dataclass(frozen=True)
class Assignment:
    """Who gets each item.

    Attributes
    ----------
    person : numpy.ndarray
        Index of the chosen person per item, ``-1`` when nobody has room
        or nobody may take it.
    value : numpy.ndarray
        The chosen pair's value (NaN when unassigned).
    """

    person: np.ndarray
    value: np.ndarray

    @property
    def unassigned(self) -> int:
        return int((self.person == UNASSIGNED).sum())


def assign(value: np.ndarray, capacity: np.ndarray, allowed: np.ndarray | None = None) -> Assignment:
    """The assignment of items to people that maximises the total value.

    Parameters
    ----------
    value : numpy.ndarray
        Shape (items, people): what giving item *i* to person *j* is worth
        (expected revenue of a lead, minus expected hours of a ticket...).
    capacity : numpy.ndarray
        Shape (people,): how many more items each person can take now
        (their limit minus their current load); negative counts as zero.
    allowed : numpy.ndarray, optional
        Shape (items, people) booleans: pairs that may be chosen (a language
        the person does not speak, a team they are not in).

    Returns
    -------
    Assignment
        When the items outnumber the free capacity, the least valuable ones
        stay unassigned rather than overloading anyone.

    Raises
    ------
    ValidationError
        If the shapes disagree or a value is not finite.
    """
    value = np.asarray(value, dtype=float)
    capacity = np.maximum(np.asarray(capacity, dtype=float), 0).astype(int)
    if value.ndim != 2 or capacity.shape != (value.shape[1],):
        raise ValidationError("value must be (items, people) and capacity (people,).", code="invalid_shape",
                              field="value", details={"value": list(value.shape), "capacity": list(capacity.shape)})
    if allowed is not None and np.shape(allowed) != value.shape:
        raise ValidationError("allowed must have the shape of value.", code="invalid_shape", field="allowed")
    if not np.isfinite(value).all():
        raise ValidationError("Every value must be a finite number.", code="invalid_value", field="value")
    n_items, n_people = value.shape
    person = np.full(n_items, UNASSIGNED)
    allowed = np.ones(value.shape, dtype=bool) if allowed is None else np.asarray(allowed, dtype=bool)
    if n_items == 0 or not allowed.any() or capacity.sum() == 0:
        return Assignment(person, np.full(n_items, np.nan))
    # Variables: one per allowed (item, person) pair. Each item at most once, each person at most their
    # capacity. Assigning anything must beat leaving it out, so every pair is worth more than the
    # whole spread of values: the most items get assigned first, then the most value.
    rows, cols = np.nonzero(allowed)
    spread = float(np.ptp(value[rows, cols])) * n_items + 1.0
    gain = value[rows, cols] - float(value[rows, cols].min()) + spread
    n_pairs = rows.size
    pairs = np.arange(n_pairs)
    per_item = sparse.csr_array((np.ones(n_pairs), (rows, pairs)), shape=(n_items, n_pairs))
    per_person = sparse.csr_array((np.ones(n_pairs), (cols, pairs)), shape=(n_people, n_pairs))
    # A transportation problem: its constraint matrix is totally unimodular, so the simplex's vertex of the
    # linear relaxation is already whole and ten times faster than branch and bound; milp only if it is not.
    result = linprog(-gain / spread, A_ub=sparse.vstack([per_item, per_person]),
                     b_ub=np.concatenate([np.ones(n_items), capacity]), bounds=(0, 1), method="highs-ds")
    if result.success and not np.all((result.x < 1e-6) | (result.x > 1 - 1e-6)):
        result = milp(-gain / spread, integrality=np.ones(n_pairs), bounds=Bounds(0, 1),
                      constraints=[LinearConstraint(per_item, 0, 1), LinearConstraint(per_person, 0, capacity)])
    if not result.success:
        raise ValidationError(f"The assignment could not be solved: {result.message}", code="unsolved",
                              field="value")
    taken = result.x > 0.5
    person[rows[taken]] = cols[taken]
    chosen = np.where(person >= 0, value[np.arange(n_items), np.maximum(person, 0)], np.nan)
    return Assignment(person, chosen)


def chosen_people(people: np.ndarray, chosen: np.ndarray) -> pd.Series:
    """The person of each item from :func:`assign`'s indices, None for :data:`UNASSIGNED`.

    Of object dtype: with integer ids (Odoo's users) a None would otherwise
    turn the whole column into NaN floats.
    """
    return pd.Series([people[p] if p != UNASSIGNED else None for p in chosen], dtype=object)
