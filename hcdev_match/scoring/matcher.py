"""The TF-IDF matcher: from text to a fit per role, explained.

How a fit is made (the README's "How the fit is calculated" has the why):

1. The canonicaliser turns text into catalogue terms, one per mention:
   repeated lines count once, spam and a pasted job posting are left out,
   and mentions in older jobs weigh less (career.py).
2. Weighted mentions become a sublinear term frequency (scikit-learn's
   ``TfidfTransformer``), capped at ``term_cap`` mentions and scaled to a
   *strength* in [0, 1]; a term only seen in keyword lists counts
   ``listed_only_weight`` of one seen in a sentence.
3. Each role is a vector over the same terms: tier weight x the term's idf
   over the shipped reference corpus (``TfidfVectorizer``) x its
   specificity (an idf over the seven role profiles) x a boost for terms of
   the healthcare domain. *Coverage* is ``strength . role / full``, where
   full is the weight of the role's ``profile_terms`` heaviest terms.
4. The *domain factor* (domain.py) is software x healthcare x focus, from
   the terms the text describes (not those it only lists).
5. ``fit = 100 * domain * (1 - exp(-coverage / s)) / (1 - exp(-1 / s))``.

Each step is monotone in the evidence a sentence adds, and the fit is a
plain function of the text and the catalogue, so it is deterministic.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib.resources.abc import Traversable
from itertools import chain
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfTransformer, TfidfVectorizer

from ..catalogue.model import DEFAULT_CATALOGUE_PATH, Catalogue, load_catalogue
from ..catalogue.reference import DEFAULT_REFERENCE_DIR, load_reference_corpus
from ..config import MatchConfig
from ..errors import CatalogueError
from ..text.canonicaliser import Canonicaliser, TextEvidence
from .assessment import Assessment
from .domain import DomainModel
from .trust import broad_rows, flag_text

__all__ = ["FitTable", "Matcher"]


def _identity(terms: Sequence[str]) -> Sequence[str]:
    # The canonicaliser has already produced the terms; the vectorizer weighs them.
    return terms


@dataclass(frozen=True)
class FitTable:
    """Fits of many texts at once, without explanations (the fast path)."""

    roles: tuple[str, ...]
    fits: np.ndarray  # shape (texts, roles), 0..100
    flags: tuple[tuple[str, ...], ...]


class Matcher:
    """Scores texts against the catalogue's roles. Build once, reuse."""

    def __init__(
        self,
        catalogue: Catalogue,
        reference_texts: Iterable[str],
        *,
        config: MatchConfig | None = None,
    ) -> None:
        self.catalogue = catalogue
        self.config = config or MatchConfig()
        self.canonicaliser = Canonicaliser(catalogue, self.config)
        vocabulary = sorted(self.canonicaliser.terms)
        self.vectorizer = TfidfVectorizer(
            analyzer=_identity,
            vocabulary=vocabulary,
            sublinear_tf=True,
            norm=None,
            dtype=np.float64,
        )
        reference = [self.canonicaliser.read(text).all_terms for text in reference_texts]
        if not reference:
            raise CatalogueError("the reference corpus is empty; the IDF needs at least one text")
        self.vectorizer.fit(reference)
        self.terms: tuple[str, ...] = tuple(vocabulary)
        self.index = {term: i for i, term in enumerate(self.terms)}
        self.idf: np.ndarray = self.vectorizer.idf_
        self.roles: tuple[str, ...] = tuple(catalogue.roles)
        self.role_tiers = {r: self._tiers_of(r) for r in self.roles}  #: role -> {term: tier}
        # A second IDF, over the role profiles themselves: a term that every
        # role values (Python, AI) says little about *which* role fits, a term
        # only one role values (DICOM) says a lot.
        self.specificity: np.ndarray = (
            TfidfVectorizer(analyzer=_identity, vocabulary=vocabulary)
            .fit([list(self.role_tiers[r]) for r in self.roles])
            .idf_
        )
        self.domain = DomainModel(catalogue, self.canonicaliser, self.index, self.config)
        # Terms of the healthcare domain (FHIR, DICOM, MyChart, telehealth) tell
        # roles apart far better than the software stack every role shares.
        self._domain_boost = 1.0 + self.config.domain_term_boost * (self.domain.healthcare > 0)
        self.role_weights = self.weigh_roles(self.config.tier_weights)
        self._cap = 1.0 + math.log(self.config.term_cap)
        self._sublinear = TfidfTransformer(sublinear_tf=True, use_idf=False, norm=None).fit(
            sp.csr_matrix((1, len(self.terms)))
        )

    @classmethod
    def from_paths(
        cls,
        catalogue_path: str | Path | Traversable = DEFAULT_CATALOGUE_PATH,
        reference_dir: str | Path | Traversable = DEFAULT_REFERENCE_DIR,
        *,
        config: MatchConfig | None = None,
    ) -> Matcher:
        """Build a matcher from a catalogue file and a reference-corpus folder."""
        return cls(load_catalogue(catalogue_path), load_reference_corpus(reference_dir), config=config)

    # -- the model -------------------------------------------------------------

    def _tiers_of(self, role_id: str) -> dict[str, str]:
        """Tier of every term a role values: its skills, then its keywords."""
        tiers = self.catalogue.role_tiers(role_id)
        for keyword in self.catalogue.roles[role_id].keywords:
            term = self.canonicaliser.read(keyword).all_terms
            for t in term:
                tiers.setdefault(t, "keyword")
        return {t: tier for t, tier in tiers.items() if t in self.index}

    def weigh_roles(
        self, tier_weights: Mapping[str, float], *, required: Mapping[str, Sequence[str]] | None = None
    ) -> np.ndarray:
        """Role vectors (terms x roles): tier weight x reference idf x role specificity.

        ``required`` (role -> skill ids) weighs those skills at least as must-haves of those roles.
        """
        weights = np.zeros((len(self.terms), len(self.roles)))
        for j, role in enumerate(self.roles):
            for term, tier in self.role_tiers[role].items():
                i = self.index[term]
                weights[i, j] = self.term_weight(i, tier_weights[tier])
            for skill in (required or {}).get(role, ()):
                if skill in self.index:
                    k = self.index[skill]
                    weights[k, j] = max(weights[k, j], self.term_weight(k, tier_weights["must_have"]))
        return weights

    def term_weight(self, index: int, tier_weight: float) -> float:
        """Weight in a role's profile of the term at ``index``, in a tier weighing ``tier_weight``."""
        return float(tier_weight * self.idf[index] * self.specificity[index] * self._domain_boost[index])

    # -- scoring -----------------------------------------------------------------

    def read(self, texts: Sequence[str]) -> list[TextEvidence]:
        """Canonicalise texts (the part that costs per word)."""
        return [self.canonicaliser.read(t) for t in texts]

    def strengths(self, evidence: Sequence[TextEvidence]) -> sp.csr_matrix:
        """Term strengths in [0, 1], one row per text (see module docs, step 2)."""
        # Mentions weighed by how recent the job is (1 in the latest one and
        # outside the career), summed per term: a weighted term frequency ...
        index = self.index
        terms = [e.all_terms for e in evidence]
        sizes = list(map(len, terms))
        cols = np.fromiter(map(index.__getitem__, chain.from_iterable(terms)), dtype=np.int64, count=sum(sizes))
        rows = np.repeat(np.arange(len(evidence)), sizes)
        values = np.ones(len(cols))  # most texts have no dated career: every mention weighs 1
        end = 0
        for e, n in zip(evidence, sizes, strict=True):
            end += n
            if e.weights:
                values[end - n : end] = e.weights
        counts = sp.csr_matrix((values, (rows, cols)), shape=(len(evidence), len(self.terms)))
        counts.sum_duplicates()
        # ... made sublinear (1 + ln tf) by scikit-learn, then capped and scaled to [0, 1].
        strengths = self._sublinear.transform(counts).tocsr()
        strengths.data = np.minimum(strengths.data, self._cap) / self._cap
        w = self.config.listed_only_weight
        for row, e in enumerate(evidence):
            if e.listed_only:
                lo, hi = strengths.indptr[row], strengths.indptr[row + 1]
                listed = np.isin(strengths.indices[lo:hi], [self.index[t] for t in e.listed_only])
                strengths.data[lo:hi][listed] *= w
        return strengths

    def evidence_strengths(self, strengths: sp.csr_matrix, listed_only: Sequence[Iterable[str]]) -> sp.csr_matrix:
        """The strengths that count as evidence of the kind of work (see DomainModel.work_strengths)."""
        return self.domain.work_strengths(strengths, listed_only)

    def fit_matrix(
        self,
        strengths: sp.csr_matrix,
        *,
        role_weights: np.ndarray | None = None,
        evidence: sp.csr_matrix | None = None,
        totals: np.ndarray | None = None,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Fits (texts x roles), coverage (texts x roles) and domain factors (texts).

        ``evidence`` (see :meth:`evidence_strengths`) is what the domain factor
        reads; without it, every term counts. ``totals`` is what full coverage
        of each profile weighs (default: its ``profile_terms`` heaviest terms).
        """
        weights = self.role_weights if role_weights is None else role_weights
        totals = self._profile_totals(weights) if totals is None else totals
        coverage = np.asarray(strengths @ weights) / totals
        domain = self.domain.factors(strengths if evidence is None else evidence)
        scale = self.config.coverage_scale
        calibrated = (1.0 - np.exp(-coverage / scale)) / (1.0 - math.exp(-1.0 / scale))
        fits = 100.0 * calibrated * domain[:, None]
        return fits, coverage, domain

    def _profile_totals(self, weights: np.ndarray) -> np.ndarray:
        """What full coverage of each role means: the weight of its ``profile_terms`` heaviest terms.

        Not the whole profile: a role lists every tool its specialists might
        use, and no real CV names them all, so a long list would make every
        real CV look thin and a role with a long list look harder to fit.
        """
        k = self.config.profile_terms
        top = np.sort(weights, axis=0)[::-1][:k] if k else weights
        totals: np.ndarray = top.sum(axis=0)
        totals[totals == 0] = 1.0
        return totals

    def flags_of(self, evidence: TextEvidence, *, fits: np.ndarray | None = None) -> tuple[str, ...]:
        """Reasons not to trust a text's fits (see trust.py); ``fits``: its fit per role, if already made."""
        row = self._fits([evidence]) if fits is None else np.asarray(fits).reshape(1, -1)
        return flag_text(evidence, self.config, broad=bool(broad_rows(row, self.config)[0]))

    def _fits(self, evidence: Sequence[TextEvidence]) -> np.ndarray:
        strengths = self.strengths(evidence)
        fits, _, _ = self.fit_matrix(strengths, evidence=self.evidence_strengths(strengths, self._listed(evidence)))
        return fits

    def fit_table(self, texts: Sequence[str]) -> FitTable:
        """Fits of many texts, no explanations: what ``rank`` needs."""
        return self.fit_evidence(self.read(texts))

    def fit_evidence(self, evidence: Sequence[TextEvidence]) -> FitTable:
        """Fits of texts already canonicalised (perhaps in other processes)."""
        if not evidence:
            return FitTable(self.roles, np.zeros((0, len(self.roles))), ())
        fits = self._fits(evidence)
        return FitTable(self.roles, fits, tuple(self.flags_of(e, fits=f) for e, f in zip(evidence, fits, strict=True)))

    def assess(self, text: str) -> Assessment:
        """Match one text against every role, with explanations."""
        return self.assess_many([text])[0]

    def assess_many(self, texts: Sequence[str], *, snippets: bool = True) -> list[Assessment]:
        """Match texts against every role, with explanations.

        ``snippets=False`` skips finding the passage for each matched skill
        (the slow part), for results that are stored rather than shown.
        """
        return self.assess_read(texts, self.read(texts), snippets=snippets)

    def assess_read(
        self, texts: Sequence[str], evidence: Sequence[TextEvidence], *, snippets: bool = True
    ) -> list[Assessment]:
        """:meth:`assess_many` for texts already read (``evidence[i]`` is ``read(texts)[i]``): none is read again."""
        from .explanation import assess_evidence  # it uses the matcher's parts; a module of its own

        return assess_evidence(self, texts, evidence, snippets=snippets)

    def refit(
        self, strengths: Sequence[Mapping[str, float]], *, listed_only: Sequence[Iterable[str]] = ()
    ) -> np.ndarray:
        """Fits (texts x roles) recomputed from kept term strengths.

        What what-if questions need: no text is read again. ``listed_only``
        gives each row's terms that were only listed (see
        :meth:`evidence_strengths`).
        """
        matrix = sp.lil_matrix((len(strengths), len(self.terms)))
        for row, terms in enumerate(strengths):
            for term, value in terms.items():
                index = self.index.get(term)
                if index is not None:
                    matrix[row, index] = value
        kept = matrix.tocsr()
        fits, _, _ = self.fit_matrix(kept, evidence=self.evidence_strengths(kept, listed_only))
        return fits

    @staticmethod
    def _listed(evidence: Sequence[TextEvidence]) -> list[frozenset[str]]:
        return [e.listed_only for e in evidence]

    def label_of(self, term: str) -> str:
        """A person-readable name for a term: a skill's label or the phrase."""
        skill = self.catalogue.skills.get(term)
        return skill.label if skill else term
