"""hcdev-match: how well a CV fits the healthcare software developer roles.

A small library: load the catalogue, build a :class:`Matcher` once, and
assess texts. It never imports Streamlit and never reads the environment;
callers hand it paths, bytes and settings.
"""

from typing import TYPE_CHECKING, Any

from .catalogue.model import Catalogue, load_catalogue
from .catalogue.reference import load_reference_corpus
from .config import FIT_BANDS, MatchConfig
from .documents.document import Document, DocumentLimits, read_document, read_path
from .errors import CatalogueError, DocumentError, EvaluationError, HcdevMatchError
from .scoring.assessment import (
    FLAG_MESSAGES,
    Assessment,
    DomainEvidence,
    RoleFit,
    SkillMatch,
    TermContribution,
)

if TYPE_CHECKING:
    from .scoring.matcher import Matcher


def __getattr__(name: str) -> Any:
    # Matcher imports scikit-learn (about a second); import it on first use so
    # that a command that does not score (or not yet) starts fast.
    if name == "Matcher":
        from .scoring.matcher import Matcher

        return Matcher
    raise AttributeError(f"module 'hcdev_match' has no attribute {name!r}")


__all__ = [
    "FIT_BANDS",
    "FLAG_MESSAGES",
    "Assessment",
    "Catalogue",
    "CatalogueError",
    "Document",
    "DocumentError",
    "DocumentLimits",
    "DomainEvidence",
    "EvaluationError",
    "HcdevMatchError",
    "MatchConfig",
    "Matcher",
    "RoleFit",
    "SkillMatch",
    "TermContribution",
    "load_catalogue",
    "load_reference_corpus",
    "read_document",
    "read_path",
]
