"""Guardrails for customer data and untrusted text.

- :mod:`copilot.guardrails.pii`: find and mask UK banking PII with typed placeholders
  (``[CARD_1]``, ``[SORT_CODE_1]``, ...) and put the values back (:class:`PiiVault`).
- :mod:`copilot.guardrails.injection`: score untrusted text for prompt injection, defang our
  prompt delimiters in it, and check outputs for canaries and leaked internal text.
"""

from copilot.guardrails.injection import (
    DEFAULT_DELIMITER_TAGS,
    INJECTION_THRESHOLD,
    InjectionVerdict,
    LeakDetector,
    contains_canary,
    detect_injection,
    leaked_fragments,
    neutralise_delimiters,
)
from copilot.guardrails.pii import Finding, PiiType, PiiVault, find_pii, mask_text

__all__ = [
    "DEFAULT_DELIMITER_TAGS",
    "INJECTION_THRESHOLD",
    "Finding",
    "InjectionVerdict",
    "LeakDetector",
    "PiiType",
    "PiiVault",
    "contains_canary",
    "detect_injection",
    "find_pii",
    "leaked_fragments",
    "mask_text",
    "neutralise_delimiters",
]
