"""The fit check: one call from a pasted text or an uploaded file to an explained result."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from ..documents.document import Document, DocumentLimits, read_document
from ..errors import DocumentError
from ..scoring.advice import GapAdvice, advise_gaps
from ..scoring.assessment import Assessment, RoleFit
from ..scoring.matcher import Matcher

__all__ = ["FitCheck", "check_fit"]


@dataclass(frozen=True)
class FitCheck:
    """Everything the fit check page shows, and nothing it does not need."""

    source: str
    kind: str
    #: The text that was actually scored (after extraction and caps).
    text: str
    flags: tuple[str, ...]
    assessment: Assessment
    #: Gap advice for the best role and the closest next role.
    advice: Mapping[str, tuple[GapAdvice, ...]]

    @property
    def kept(self) -> Assessment:
        """The assessment as it is saved: with every flag shown, the file's own included."""
        return replace(self.assessment, flags=self.flags)

    @property
    def best(self) -> RoleFit:
        return self.assessment.fits[0]

    @property
    def next_role(self) -> RoleFit:
        return self.assessment.fits[1]


def check_fit(
    matcher: Matcher,
    *,
    text: str | None = None,
    upload: tuple[str, bytes] | None = None,
    limits: DocumentLimits | None = None,
) -> FitCheck:
    """Score an uploaded file (``(name, bytes)``) or else a pasted text.

    Raises :class:`DocumentError` when there is nothing to score or the file
    is refused; the message says why and what to do.
    """
    limits = limits or DocumentLimits()
    if upload is not None:
        name, data = upload
        document = read_document(data, name, limits=limits)
    elif text is not None and text[: limits.max_chars].strip():
        flags = ("truncated",) if len(text) > limits.max_chars else ()
        document = Document("pasted text", "text", text[: limits.max_chars], flags)
    else:
        raise DocumentError("there is nothing to score; paste the CV text or upload a PDF, DOCX, TXT or MD file")
    assessment = matcher.assess(document.text)
    advice = {fit.role: tuple(advise_gaps(matcher, assessment, fit.role)) for fit in assessment.fits[:2]}
    return FitCheck(
        source=document.name,
        kind=document.kind,
        text=document.text,
        flags=tuple(dict.fromkeys(document.flags + assessment.flags)),
        assessment=assessment,
        advice=advice,
    )
