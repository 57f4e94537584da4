"""When a newly trained model version replaces the one in use: the promotion policy.

Every model registry of the project asks this module, and nothing else,
whether a new version goes into use: the file registry
(:class:`~ai_insights.registry.versions.ModelRegistry`) and the Odoo
registries built on ``fusion_base``'s ``fusion.model.version.mixin``.

The rule: a new version replaces the one in use unless its held-out quality
(higher is better) is lower by more than a tolerance. Two versions are
measured on different held-out data (a later window, more tickets), so small
differences are noise and a slightly lower figure does not block fresher
data. A version whose quality could not be measured is kept for review; when
nothing is in use, or the version in use has no quality figure, the new one
goes into use.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = ["DEFAULT_PROMOTION_TOLERANCE", "PromotionDecision", "PromotionPolicy"]

# Quality points (e.g. ROC-AUC, mean macro-F1) a new version may lose and still be put in use.
DEFAULT_PROMOTION_TOLERANCE = 0.02


@dataclass(frozen=True)
class PromotionDecision:
    """Whether the candidate version goes into use, and why.

    Attributes
    ----------
    promote : bool
        True when the candidate replaces the version in use.
    code : str
        ``"nothing_in_use"``, ``"current_unmeasured"``, ``"not_worse"``,
        ``"candidate_unmeasured"`` or ``"worse"``: what decided, for callers
        that word the decision themselves (translated messages).
    reason : str
        The decision in words, with the figures compared.
    candidate_quality, current_quality : float or None
        The figures compared; None when there was no figure (no version in
        use, or a quality that could not be measured).
    """

    promote: bool
    code: str
    reason: str
    candidate_quality: float | None
    current_quality: float | None


@dataclass(frozen=True)
class PromotionPolicy:
    """The promotion rule with its tolerance.

    Parameters
    ----------
    tolerance : float
        How much lower than the version in use the candidate's quality may be
        and still replace it; 0 demands at least the same figure.
    """

    tolerance: float = DEFAULT_PROMOTION_TOLERANCE

    def __post_init__(self) -> None:
        if not self.tolerance >= 0:  # also refuses NaN
            raise ValueError(f"the promotion tolerance must be 0 or more, got {self.tolerance!r}")

    def decide(self, candidate_quality: float | None, current_quality: float | None) -> PromotionDecision:
        """Decide whether a candidate version replaces the version in use.

        Parameters
        ----------
        candidate_quality : float or None
            Held-out quality of the new version, higher is better; None or NaN
            when it could not be measured.
        current_quality : float or None
            Quality of the version in use; None when no version is in use, NaN
            when the version in use was never measured.

        Returns
        -------
        PromotionDecision
        """
        candidate = _measured(candidate_quality)
        if current_quality is None:
            return PromotionDecision(True, "nothing_in_use", "no version is in use", candidate, None)
        current = _measured(current_quality)
        if current is None:
            return PromotionDecision(True, "current_unmeasured", "the version in use has no quality figure",
                                     candidate, None)
        if candidate is None:
            return PromotionDecision(False, "candidate_unmeasured",
                                     "the new version's quality could not be measured", None, current)
        if candidate >= current - self.tolerance:
            return PromotionDecision(
                True, "not_worse",
                f"quality {candidate:.3f} against {current:.3f}: within {self.tolerance:.3f} or better",
                candidate, current)
        return PromotionDecision(
            False, "worse",
            f"quality {candidate:.3f} against {current:.3f}: lower by more than {self.tolerance:.3f}",
            candidate, current)


def _measured(quality: float | None) -> float | None:
    """The figure as a float, or None when it is missing or NaN."""
    if quality is None:
        return None
    quality = float(quality)
    return None if math.isnan(quality) else quality
