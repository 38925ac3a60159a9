"""Scoring: the matcher, its domain and trust signals, assessments, advice and evaluation."""

# Its modules: import from them (``from hcdev_match.scoring.advice import ...``); this
# file imports nothing, so loading one module never loads its siblings.
__all__ = [
    "advice",
    "assessment",
    "domain",
    "evaluation",
    "explanation",
    "matcher",
    "opening",
    "opening_evaluation",
    "opening_model",
    "opening_profile",
    "trust",
]
