"""Domain evidence: how clearly a text is about building software in a healthcare setting.

Three numbers per text, each in [0, 1], whose product scales every role's
fit (the README's "How the fit is calculated", step 4):

- *software*: evidence of software work, ``1 - exp(-evidence / scale)``;
- *healthcare*: evidence of a healthcare setting, Weibull-shaped,
  ``1 - exp(-(evidence / scale) ** shape)``, so a passing mention of a
  clinic shows little while a career spent in healthcare saturates it;
- *focus*: software evidence / (software + hands-on clinical practice), so a
  nurse who charts in an EHR is not read as an EHR developer.

Only what a text describes counts here: terms that stand only in keyword
lists are left out (a "HIPAA, EHR" line shows no healthcare setting).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import scipy.sparse as sp

from ..catalogue.model import Catalogue
from ..config import MatchConfig
from ..text.canonicaliser import Canonicaliser

__all__ = ["DomainModel"]


class DomainModel:
    """Per-term evidence weights, and the three factors they give a text."""

    def __init__(
        self, catalogue: Catalogue, canonicaliser: Canonicaliser, index: Mapping[str, int], config: MatchConfig
    ) -> None:
        self.config = config
        self.index = index
        size = len(index)
        self.software, self.healthcare, self.practice = np.zeros(size), np.zeros(size), np.zeros(size)
        for skill in catalogue.skills.values():
            if skill.id in index:
                i = index[skill.id]
                self.software[i] = 1.0 if "software" in skill.evidence else 0.0
                self.healthcare[i] = 1.0 if "healthcare" in skill.evidence else 0.0
        for vector, signals in (
            (self.software, catalogue.software_signals),
            (self.healthcare, catalogue.healthcare_signals),
            (self.practice, catalogue.practice_signals),
        ):
            words: dict[str, float] = {}
            for phrase, weight in signals.items():
                for term in canonicaliser.read(phrase).all_terms:
                    vector[index[term]] = max(vector[index[term]], weight)
                    words[term] = max(words.get(term, 0.0), weight)
            # A role keyword read as one phrase ("clinical application",
            # "patient experience") still shows what its words show: the
            # longer match must not hide the signal of "clinical" or "patient".
            for term, i in index.items():
                if term not in catalogue.skills and " " in term:
                    shown = [words[w] for w in term.split(" ") if w in words]
                    if shown:
                        vector[i] = max(vector[i], max(shown))

    def work_strengths(self, strengths: sp.csr_matrix, listed_only: Sequence[Iterable[str]]) -> sp.csr_matrix:
        """The strengths that show the kind of work: terms only listed are left out.

        A keyword list says what a person claims, not where they worked: a
        "HIPAA, EHR" line shows no healthcare setting and a "Python, SQL" line
        no software work the text does not describe.
        """
        out = strengths.copy().tocsr()
        for row, terms in enumerate(listed_only):
            drop = [self.index[t] for t in terms if t in self.index]
            if drop:
                lo, hi = out.indptr[row], out.indptr[row + 1]
                out.data[lo:hi][np.isin(out.indices[lo:hi], drop)] = 0.0
        out.eliminate_zeros()
        return out

    def parts(self, work: sp.csr_matrix) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Software evidence, healthcare evidence and work focus of each row of ``work``."""
        cfg = self.config
        soft = np.asarray(work @ self.software).ravel()
        care = np.asarray(work @ self.healthcare).ravel()
        practice = np.asarray(work @ self.practice).ravel()
        software = 1.0 - np.exp(-soft / cfg.software_scale)
        healthcare = 1.0 - np.exp(-((care / cfg.healthcare_scale) ** cfg.healthcare_shape))
        # Share of the work evidence that is building software rather than
        # delivering care; 1 when the text shows no hands-on clinical work.
        with np.errstate(invalid="ignore", divide="ignore"):
            focus = np.where(soft + practice > 0, soft / (soft + practice), 1.0)
        return software, healthcare, focus

    def factors(self, work: sp.csr_matrix) -> np.ndarray:
        """The domain factor of each row: software x healthcare x focus."""
        software, healthcare, focus = self.parts(work)
        product: np.ndarray = software * healthcare * focus
        return product
