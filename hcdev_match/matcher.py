"""The TF-IDF matcher: from text to a fit per role, explained.

How a fit is made (the README's "How the fit is calculated" has the why):

1. The canonicaliser turns text into catalogue terms (skills, role keywords,
   signal phrases), counting repeated lines once.
2. A scikit-learn ``TfidfVectorizer`` whose IDF was fitted once on the
   reference corpus the project ships weighs each term: sublinear tf times
   idf. Mentions beyond ``term_cap`` add nothing, and a term seen only in a
   keyword list counts ``listed_only_weight`` of a term seen in a sentence.
   The result, divided by the capped maximum, is each term's *strength*
   in [0, 1].
3. Each role is a vector over the same terms: tier weight times idf times
   the term's specificity (an IDF over the seven role profiles).
   *Coverage* is the share of that vector the text shows:
   ``sum(strength * role_weight) / sum(role_weight)``.
4. The *domain factor* is evidence of software work times evidence of a
   healthcare setting, each ``1 - exp(-evidence / scale)``, times the work
   *focus*: software evidence / (software + hands-on clinical practice
   evidence). A nurse (healthcare, clinical practice, little software) or a
   web-shop developer (software, no healthcare) cannot reach a high fit
   however many role words they share.
5. ``fit = 100 * domain * (1 - exp(-coverage / s)) / (1 - exp(-1 / s))``.

Every step only ever adds for added evidence, so mentioning one more of a
role's skills in a sentence never lowers that role's fit; and the fit is a
plain function of the text and the catalogue, so it is deterministic.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer

from .assessment import Assessment, DomainEvidence, RoleFit, SkillMatch, TermContribution
from .canonicaliser import Canonicaliser, TextEvidence
from .catalogue import DEFAULT_CATALOGUE_PATH, Catalogue, load_catalogue
from .config import TIERS, MatchConfig
from .errors import CatalogueError
from .reference import DEFAULT_REFERENCE_DIR, load_reference_corpus

__all__ = ["Matcher", "FitTable"]


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
        self._role_tiers = {r: self._tiers_of(r) for r in self.roles}
        # A second IDF, over the role profiles themselves: a term that every
        # role values (Python, AI) says little about *which* role fits, a term
        # only one role values (DICOM) says a lot.
        self.specificity: np.ndarray = (
            TfidfVectorizer(analyzer=_identity, vocabulary=vocabulary)
            .fit([list(self._role_tiers[r]) for r in self.roles])
            .idf_
        )
        self.role_weights = self.weigh_roles(self.config.tier_weights)
        self._software, self._healthcare, self._practice = self._evidence_vectors()
        self._cap = 1.0 + math.log(self.config.term_cap)

    @classmethod
    def from_paths(
        cls,
        catalogue_path: str | Path = DEFAULT_CATALOGUE_PATH,
        reference_dir: str | Path = DEFAULT_REFERENCE_DIR,
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

    def weigh_roles(self, tier_weights: Mapping[str, float]) -> np.ndarray:
        """Role vectors (terms x roles): tier weight x reference idf x role specificity."""
        weights = np.zeros((len(self.terms), len(self.roles)))
        for j, role in enumerate(self.roles):
            for term, tier in self._role_tiers[role].items():
                i = self.index[term]
                weights[i, j] = tier_weights[tier] * self.idf[i] * self.specificity[i]
        return weights

    def _evidence_vectors(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        software = np.zeros(len(self.terms))
        healthcare = np.zeros(len(self.terms))
        practice = np.zeros(len(self.terms))
        for skill in self.catalogue.skills.values():
            if skill.id in self.index:
                i = self.index[skill.id]
                software[i] = 1.0 if "software" in skill.evidence else 0.0
                healthcare[i] = 1.0 if "healthcare" in skill.evidence else 0.0
        for vector, signals in (
            (software, self.catalogue.software_signals),
            (healthcare, self.catalogue.healthcare_signals),
            (practice, self.catalogue.practice_signals),
        ):
            for phrase, weight in signals.items():
                for term in self.canonicaliser.read(phrase).all_terms:
                    i = self.index[term]
                    vector[i] = max(vector[i], weight)
        return software, healthcare, practice

    # -- scoring -----------------------------------------------------------------

    def read(self, texts: Sequence[str]) -> list[TextEvidence]:
        """Canonicalise texts (the part that costs per word)."""
        return [self.canonicaliser.read(t) for t in texts]

    def strengths(self, evidence: Sequence[TextEvidence]) -> sp.csr_matrix:
        """Term strengths in [0, 1], one row per text (see module docs, step 2)."""
        tfidf = self.vectorizer.transform([e.all_terms for e in evidence]).tocsr()
        strengths = tfidf.copy()
        # Undo the idf to get 1 + ln(tf), then cap repeats and scale to [0, 1].
        strengths.data = np.minimum(strengths.data / self.idf[strengths.indices], self._cap) / self._cap
        listed = [e.listed_only for e in evidence]
        if any(listed):
            w = self.config.listed_only_weight
            for row, terms in enumerate(listed):
                if not terms:
                    continue
                lo, hi = strengths.indptr[row], strengths.indptr[row + 1]
                for k in range(lo, hi):
                    if self.terms[strengths.indices[k]] in terms:
                        strengths.data[k] *= w
        return strengths

    def fit_matrix(
        self, strengths: sp.csr_matrix, *, role_weights: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Fits (texts x roles), coverage (texts x roles) and domain factors (texts)."""
        weights = self.role_weights if role_weights is None else role_weights
        totals = weights.sum(axis=0)
        totals[totals == 0] = 1.0
        coverage = np.asarray(strengths @ weights) / totals
        domain = self._domain(strengths)
        scale = self.config.coverage_scale
        calibrated = (1.0 - np.exp(-coverage / scale)) / (1.0 - math.exp(-1.0 / scale))
        fits = 100.0 * calibrated * domain[:, None]
        return fits, coverage, domain

    def _domain(self, strengths: sp.csr_matrix) -> np.ndarray:
        software, healthcare, focus = self._domain_parts(strengths)
        product: np.ndarray = software * healthcare * focus
        return product

    def _domain_parts(self, strengths: sp.csr_matrix) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Software evidence, healthcare evidence and work focus, each in [0, 1]."""
        cfg = self.config
        soft = np.asarray(strengths @ self._software).ravel()
        care = np.asarray(strengths @ self._healthcare).ravel()
        practice = np.asarray(strengths @ self._practice).ravel()
        software = 1.0 - np.exp(-soft / cfg.software_scale)
        healthcare = 1.0 - np.exp(-care / cfg.healthcare_scale)
        # Share of the work evidence that is building software rather than
        # delivering care; 1 when the text shows no hands-on clinical work.
        with np.errstate(invalid="ignore", divide="ignore"):
            focus = np.where(soft + practice > 0, soft / (soft + practice), 1.0)
        return software, healthcare, focus

    def flags_of(self, evidence: TextEvidence) -> tuple[str, ...]:
        """Reasons not to trust a text's fits (codes of assessment.FLAG_MESSAGES)."""
        cfg = self.config
        flags = []
        if evidence.words < cfg.min_words:
            flags.append("too_little_text")
        if (
            evidence.max_repeat > cfg.stuffing_repeats
            or evidence.duplicate_lines >= cfg.stuffing_duplicate_lines
            or (
                evidence.listed_share >= cfg.stuffing_listed_share
                and len(evidence.listed_terms) >= cfg.stuffing_listed_min
            )
        ):
            flags.append("keyword_stuffing")
        return tuple(flags)

    def fit_table(self, texts: Sequence[str]) -> FitTable:
        """Fits of many texts, no explanations: what ``rank`` needs."""
        return self.fit_evidence(self.read(texts))

    def fit_evidence(self, evidence: Sequence[TextEvidence]) -> FitTable:
        """Fits of texts already canonicalised (perhaps in other processes)."""
        if not evidence:
            return FitTable(self.roles, np.zeros((0, len(self.roles))), ())
        fits, _, _ = self.fit_matrix(self.strengths(evidence))
        return FitTable(self.roles, fits, tuple(self.flags_of(e) for e in evidence))

    def assess(self, text: str) -> Assessment:
        """Match one text against every role, with explanations."""
        return self.assess_many([text])[0]

    def assess_many(self, texts: Sequence[str], *, snippets: bool = True) -> list[Assessment]:
        """Match texts against every role, with explanations.

        ``snippets=False`` skips finding the passage for each matched skill
        (the slow part), for results that are stored rather than shown.
        """
        evidence = self.read(texts)
        strengths = self.strengths(evidence)
        fits, coverage, _ = self.fit_matrix(strengths)
        software, healthcare, focus = self._domain_parts(strengths)
        out = []
        for row, text in enumerate(texts):
            s = strengths.getrow(row)
            role_fits = [
                self._explain(text, s, evidence[row], j, float(fits[row, j]), float(coverage[row, j]), snippets)
                for j in range(len(self.roles))
            ]
            role_fits.sort(key=lambda f: (-f.fit, self.roles.index(f.role)))
            out.append(
                Assessment(
                    catalogue_version=self.catalogue.version,
                    fits=tuple(role_fits),
                    flags=self.flags_of(evidence[row]),
                    domain=DomainEvidence(float(software[row]), float(healthcare[row]), float(focus[row])),
                    words=evidence[row].words,
                    strengths={self.terms[i]: float(v) for i, v in zip(s.indices, s.data, strict=True)},
                )
            )
        return out

    def _explain(
        self, text: str, s: sp.csr_matrix, evidence: TextEvidence, j: int, fit: float, coverage: float, snippets: bool
    ) -> RoleFit:
        role_id = self.roles[j]
        role = self.catalogue.roles[role_id]
        tiers = self._role_tiers[role_id]
        strength = {self.terms[i]: float(v) for i, v in zip(s.indices, s.data, strict=True)}
        products = {t: v * self.role_weights[self.index[t], j] for t, v in strength.items()}
        total = sum(products.values())
        terms = sorted(
            (
                TermContribution(t, self.label_of(t), fit * p / total)
                for t, p in products.items()
                if p > 0 and total > 0
            ),
            key=lambda c: (-c.contribution, c.term),
        )
        skills = self.catalogue.skills
        matched = [
            SkillMatch(
                skill=t,
                label=skills[t].label,
                tier=tiers[t],
                strength=v,
                listed_only=t in evidence.listed_only,
                snippet=self.canonicaliser.find_snippet(text, t) if snippets else "",
            )
            for t, v in strength.items()
            if t in skills and t in tiers
        ]
        matched.sort(key=lambda m: (TIERS.index(m.tier), -m.strength, m.label))
        missing = {
            "must_have": tuple(s for s in role.must_have if s not in strength),
            "nice_to_have": tuple(s for s in role.nice_to_have if s not in strength),
        }
        return RoleFit(role_id, role.label, fit, coverage, tuple(matched), missing, tuple(terms))

    def refit(
        self, strengths: Sequence[Mapping[str, float]], *, tier_weights: Mapping[str, float] | None = None
    ) -> np.ndarray:
        """Fits (texts x roles) recomputed from kept term strengths.

        What re-weighting and what-if questions need: no text is read again.
        """
        matrix = sp.lil_matrix((len(strengths), len(self.terms)))
        for row, terms in enumerate(strengths):
            for term, value in terms.items():
                index = self.index.get(term)
                if index is not None:
                    matrix[row, index] = value
        weights = None if tier_weights is None else self.weigh_roles(tier_weights)
        fits, _, _ = self.fit_matrix(matrix.tocsr(), role_weights=weights)
        return fits

    def label_of(self, term: str) -> str:
        """A person-readable name for a term: a skill's label or the phrase."""
        skill = self.catalogue.skills.get(term)
        return skill.label if skill else term
