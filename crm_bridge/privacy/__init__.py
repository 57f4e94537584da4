"""Minimum viable data, enforced: consent, retention, erasure and the record of processing.

Each decision is made here, once, as a pure function; the Odoo addon
``fusion_privacy`` (and its glue addons) gathers the records, calls these
functions and writes the outcome back.

* :mod:`~crm_bridge.privacy.consent`: :func:`decide_consent`, whether a
  channel may be used for a purpose with a partner, and why.
* :mod:`~crm_bridge.privacy.retention`: :class:`RetentionPolicy` and
  :func:`plan_retention`, what a retention run removes (its dry run).
* :mod:`~crm_bridge.privacy.erasure`: :func:`plan_erasure`, what an erasure
  purges, anonymises and keeps because the law says so, or why it is refused.
* :mod:`~crm_bridge.privacy.processing`: :func:`record_of_processing`, the
  record of processing from the declared data uses, with the unused
  declarations flagged and the undeclared uses refused.
"""

from crm_bridge.privacy.consent import (
    CHANNELS,
    CONSENT_COLUMNS,
    CONSENT_REASONS,
    CONSENT_SOURCES,
    PURPOSES,
    ConsentRecord,
    decide_consent,
    validate_consent,
)
from crm_bridge.privacy.erasure import (
    BLOCKING_REASONS,
    HOLDING_KINDS,
    ErasurePlan,
    ErasureRefusedError,
    plan_erasure,
    training_exclusions,
)
from crm_bridge.privacy.processing import (
    LEGAL_BASES,
    ProcessingUse,
    record_of_processing,
)
from crm_bridge.privacy.retention import (
    RETENTION_ACTIONS,
    RETENTION_COLUMNS,
    RetentionPolicy,
    plan_retention,
)

__all__ = [
    "BLOCKING_REASONS",
    "CHANNELS",
    "CONSENT_COLUMNS",
    "CONSENT_REASONS",
    "CONSENT_SOURCES",
    "HOLDING_KINDS",
    "LEGAL_BASES",
    "PURPOSES",
    "RETENTION_ACTIONS",
    "RETENTION_COLUMNS",
    "ConsentRecord",
    "ErasurePlan",
    "ErasureRefusedError",
    "ProcessingUse",
    "RetentionPolicy",
    "decide_consent",
    "plan_erasure",
    "plan_retention",
    "record_of_processing",
    "training_exclusions",
    "validate_consent",
]
