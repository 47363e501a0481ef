"""The confidence of a draft: the probability that it is supported by a relevant source and answers the
question.

It is a logistic model over what the pipeline knows when it finishes a draft (:data:`FEATURES`): how
close the best source is to the customer's message and how far ahead of the next one, how well the
quoted line or the past resolution's turn matched, whether the model's draft was grounded and its
citations held, and the surface. The weights (:data:`WEIGHTS`) were fitted on labelled eval runs
(golden answer and reply sets, a doc2dial sample), where a draft counts as supported when it cites a
relevant document and its token F1 against the reference answer is at least
:data:`SUPPORTED_F1`; ``copilot eval calibrate`` refits them and prints the expected calibration error
(docs/evals.md). On the customer surface a draft under :data:`HANDOFF_BELOW` hands over; on the agent
surface the number is shown with the draft.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

#: The inputs of the model, in the order of :data:`WEIGHTS` (after the intercept).
FEATURES: tuple[str, ...] = (
    "top_similarity",  # cosine of the latest message to the best source's best passage
    "similarity_margin",  # ... minus the second source's
    "extract_score",  # the extractive ranker's score of the quoted line, divided by 10 (0 if none)
    "resolution_match",  # how well the past resolution's customer turn matched (0 if none)
    "llm_support",  # share of the model's sentences grounded in the cited passages (0 if extractive)
    "from_llm",  # 1 when a model drafted the text
    "cited",  # 1 when at least one citation survived the checks
    "dropped",  # citations dropped because they were not retrieved
    "violations",  # output-rule violations
    "customer",  # 1 on the customer surface
)

#: Intercept first, then one weight per feature (fitted; see the module docstring).
WEIGHTS: tuple[float, ...] = (-0.69, 0.715, 0.465, 0.266, -0.12, -0.235, -0.457, -0.014, -0.507, -0.441, 0.447)

#: A draft counts as supported for fitting and for ``confidence_ece`` at this token F1 or above.
SUPPORTED_F1 = 0.25

#: Customer drafts less likely than this to be supported are handed over (``low_confidence``). No golden
#: customer draft falls under it (their lowest is 0.245); it catches what retrieval and the checks let by.
HANDOFF_BELOW = 0.2


def calibrated_confidence(features: Mapping[str, float], weights: tuple[float, ...] = WEIGHTS) -> float:
    """The modelled probability that the draft is supported, in [0, 1], rounded to three places."""
    if len(weights) != len(FEATURES) + 1:
        raise ValueError(f"expected {len(FEATURES) + 1} weights, got {len(weights)}")
    z = weights[0] + sum(w * float(features.get(name, 0.0)) for w, name in zip(weights[1:], FEATURES, strict=True))
    return round(1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z)))), 3)
