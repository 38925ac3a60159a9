"""Ranking a batch of CVs for an opening, re-weighted without reading them again.

A :class:`Ranking` reads and scores a batch once and keeps each CV's term
strengths. Changing the opening's roles, the tier weights or the required
skills only rebuilds the role vectors and multiplies matrices: milliseconds,
even for a full batch.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ..catalogue.model import Catalogue
from ..config import DEFAULT_TIER_WEIGHTS
from ..documents.intake import UploadItem
from ..errors import HcdevMatchError
from ..present.spreadsheet import csv_writer
from ..scoring.assessment import Assessment
from ..scoring.matcher import Matcher
from ..text.posting import split_posting
from ..text.redaction import MASK, mask_file_names, mask_personal_details
from ..text.tokenizer import tokenize_phrase
from .fitcheck import FitCheck, check_fit

__all__ = ["Ranking", "RankingError", "mask_fit_check", "ranking_csv"]


class RankingError(HcdevMatchError):
    """A ranking asked for what it does not hold (the text of a CV that was not kept)."""


class Ranking:
    """A scored batch from the one intake: the CVs that could be read, and the items that could not (with why)."""

    def __init__(self, matcher: Matcher, items: Sequence[UploadItem]) -> None:
        self.matcher = matcher
        readable = [item for item in items if item.document is not None]
        self.failures = [item for item in items if item.document is None]
        self.sources = [item.name for item in readable]
        self.texts: list[str | None] = [item.document.text for item in readable if item.document is not None]
        self.kinds = [item.document.kind for item in readable if item.document is not None]
        self.ids = [f"C{n:03d}" for n in range(1, len(readable) + 1)]
        # Read once: re-weighing and saving reuse it.
        evidence = self._read = matcher.read([item.document.text for item in readable if item.document is not None])
        self.strengths: sp.csr_matrix = (
            matcher.strengths(evidence) if evidence else sp.csr_matrix((0, len(matcher.terms)))
        )
        self.evidence: sp.csr_matrix = matcher.evidence_strengths(self.strengths, [e.listed_only for e in evidence])
        # The texts' own fits (not an opening's) tell whether one reads as good for nearly every role.
        own = matcher.fit_matrix(self.strengths, evidence=self.evidence)[0] if evidence else ()
        self.flags = [
            tuple(dict.fromkeys((item.document.flags if item.document else ()) + matcher.flags_of(e, fits=fits)))
            for item, e, fits in zip(readable, evidence, own, strict=True)
        ]

    @classmethod
    def restore(cls, matcher: Matcher, rows: Sequence[Mapping[str, Any]]) -> Ranking:
        """A saved batch's ranking, from what was kept of each CV (see ``Ranking.row_of``), not its text.

        ``text`` is None where the CV text was not kept (kept only with
        consent): such a candidate is ranked and re-weighted as before, but
        cannot be explained from its text.
        """
        ranking = cls(matcher, ())
        ranking.ids = [str(r["code"]) for r in rows]
        ranking.sources = [str(r["source"]) for r in rows]
        ranking.kinds = [str(r["kind"]) for r in rows]
        ranking.texts = [None if r.get("text") is None else str(r["text"]) for r in rows]
        ranking.flags = [tuple(r["flags"]) for r in rows]
        ranking.strengths = _matrix(matcher, [r["strengths"] for r in rows])
        ranking.evidence = _matrix(matcher, [r["evidence"] for r in rows])
        return ranking

    def row_of(self, n: int) -> dict[str, object]:
        """What is kept of the ``n``-th CV to rank it again later: term strengths by name, never its text."""
        terms = self.matcher.terms
        return {
            "code": self.ids[n],
            "source": self.sources[n],
            "kind": self.kinds[n],
            "flags": list(self.flags[n]),
            "strengths": {terms[int(i)]: round(float(v), 6) for i, v in _row_items(self.strengths, n)},
            "evidence": {terms[int(i)]: round(float(v), 6) for i, v in _row_items(self.evidence, n)},
        }

    def __len__(self) -> int:
        return len(self.texts)

    def explain(self, candidate: str, *, blind: bool) -> FitCheck:
        """The fit check of one candidate, as the page shows it.

        It is scored from the text as read, like the candidate's row, and only
        then masked when ``blind``: the text, the snippets and the source are
        what is hidden, never what is scored.
        """
        n = self.ids.index(candidate)
        text = self.texts[n]
        if text is None:
            raise RankingError(
                f"{candidate}'s CV text was not kept (it is kept only with the candidate's consent), so it cannot "
                "be explained here; its fits above still stand. Upload the batch's files again to see why"
            )
        check = replace(
            check_fit(self.matcher, text=text), source=self.sources[n], kind=self.kinds[n], flags=self.flags[n]
        )
        return mask_fit_check(check, self.matcher, source=candidate) if blind else check

    def assessments(self) -> list[Assessment]:
        """Each CV's assessment as it is saved: its fits, and every flag its row shows
        (reading the file raises some, such as hidden text or a scan)."""
        texts = [t for t in self.texts if t is not None]
        if len(texts) != len(self.texts):
            raise RankingError("a reopened batch is already saved; its CVs are not assessed again")
        if len(self._read) == len(texts):  # read when the batch was ranked: not read again
            scored = self.matcher.assess_read(texts, self._read, snippets=False)
        else:  # a reopened batch whose CV texts were kept
            scored = self.matcher.assess_many(texts, snippets=False)
        return [replace(a, flags=flags) for a, flags in zip(scored, self.flags, strict=True)]

    def failure_lines(self, *, blind: bool) -> list[str]:
        """One line per file that could not be read; under blind review no file or member name shows."""
        if not blind:
            return [f"{f.name}: {f.error or 'not read'}" for f in self.failures]
        names = [f.name for f in self.failures] + self.sources
        lines = []
        for n, failure in enumerate(self.failures, 1):
            reason = mask_file_names(failure.error or "not read", names, label=f"file {n}")
            lines.append(reason if reason.startswith(f"file {n}") else f"file {n}: {reason}")
        return lines

    def fits(
        self,
        *,
        tier_weights: Mapping[str, float] = DEFAULT_TIER_WEIGHTS,
        required: Sequence[str] = (),
        roles: Sequence[str] = (),
    ) -> np.ndarray:
        """Fits (candidates x all roles) under these weights; required skills join the opening's roles."""
        weights = self.matcher.weigh_roles(tier_weights, required=dict.fromkeys(roles, required))
        fits, _, _ = self.matcher.fit_matrix(self.strengths, role_weights=weights, evidence=self.evidence)
        return fits

    def table(
        self,
        *,
        roles: Sequence[str],
        tier_weights: Mapping[str, float] = DEFAULT_TIER_WEIGHTS,
        required: Sequence[str] = (),
    ) -> pd.DataFrame:
        """One row per candidate, best for the opening first.

        The opening fit is the mean of the fits to the opening's roles; the
        must-haves are those of the opening's roles plus the required skills.
        """
        matcher, catalogue = self.matcher, self.matcher.catalogue
        roles = list(roles) or list(matcher.roles)
        fits = self.fits(tier_weights=tier_weights, required=required, roles=roles)
        columns = [matcher.roles.index(r) for r in roles]
        opening = fits[:, columns].mean(axis=1) if len(self) else np.zeros(0)
        must = list(dict.fromkeys([s for r in roles for s in catalogue.roles[r].must_have] + list(required)))
        present = self._present(must)
        required_present = self._present(list(required))
        best = fits.argmax(axis=1) if len(self) else np.zeros(0, dtype=int)
        rows = []
        for n in range(len(self)):
            shown = [s for s, p in zip(must, present[n], strict=True) if p]
            missing = [catalogue.skills[s].label for s, p in zip(must, present[n], strict=True) if not p]
            rows.append(
                {
                    "candidate": self.ids[n],
                    "source": self.sources[n],
                    "opening fit": round(float(opening[n]), 1),
                    "best role": catalogue.roles[matcher.roles[int(best[n])]].label,
                    "best fit": round(float(fits[n, best[n]]), 1),
                    "must-haves shown": f"{len(shown)} of {len(must)}",
                    "missing must-haves": ", ".join(missing),
                    "required shown": f"{int(sum(required_present[n]))} of {len(required)}" if required else "",
                    "flags": ", ".join(self.flags[n]),
                    **{role: round(float(fits[n, j]), 1) for j, role in enumerate(matcher.roles)},
                }
            )
        frame = pd.DataFrame(rows)
        if frame.empty:
            return frame
        return frame.sort_values(["opening fit", "candidate"], ascending=[False, True], kind="stable").reset_index(
            drop=True
        )

    def _present(self, skills: Sequence[str]) -> np.ndarray:
        """(candidates x skills) booleans: the text shows the skill."""
        if not skills or not len(self):
            return np.zeros((len(self), len(skills)), dtype=bool)
        index = [self.matcher.index[s] for s in skills if s in self.matcher.index]
        found = (self.strengths[:, index] > 0).toarray()
        out = np.zeros((len(self), len(skills)), dtype=bool)
        k = 0
        for j, s in enumerate(skills):
            if s in self.matcher.index:
                out[:, j] = found[:, k]
                k += 1
        return out


def mask_fit_check(check: FitCheck, matcher: Matcher, *, source: str) -> FitCheck:
    """``check`` as blind review shows it: its assessment (fits, skills, contributions) unchanged,
    its text masked, each snippet cut from the masked text, its source replaced by ``source``."""
    work_words = _work_words(matcher.catalogue)
    text = mask_personal_details(check.text, work_words=work_words)
    # Snippets come from what was read, as unmasked ones do: never from a pasted posting.
    read = split_posting(check.text)[0] if "posting_in_cv" in check.flags else check.text
    read = text if read is check.text else mask_personal_details(read, work_words=work_words)
    canon = matcher.canonicaliser
    snippets = {m.skill: m.snippet for fit in check.assessment.fits for m in fit.matched}
    masked = {skill: (canon.find_snippet(read, skill) or MASK) if old else "" for skill, old in snippets.items()}
    fits = tuple(
        replace(fit, matched=tuple(replace(m, snippet=masked[m.skill]) for m in fit.matched))
        for fit in check.assessment.fits
    )
    return replace(check, text=text, source=source, assessment=replace(check.assessment, fits=fits))


def _row_items(matrix: sp.csr_matrix, n: int) -> list[tuple[int, float]]:
    start, end = matrix.indptr[n], matrix.indptr[n + 1]
    return list(zip(matrix.indices[start:end].tolist(), matrix.data[start:end].tolist(), strict=True))


def _matrix(matcher: Matcher, rows: Sequence[Mapping[str, float]]) -> sp.csr_matrix:
    """Rows of term strengths by name as a matrix over the matcher's terms (a term it no longer has is dropped)."""
    cells = [(n, matcher.index[t], v) for n, row in enumerate(rows) for t, v in row.items() if t in matcher.index]
    data = [v for *_, v in cells]
    matrix = sp.csr_matrix(
        (data, ([n for n, *_ in cells], [i for _, i, _ in cells])), shape=(len(rows), len(matcher.terms))
    )
    return matrix


_WORK_WORDS: dict[str, frozenset[str]] = {}


def _work_words(catalogue: Catalogue) -> frozenset[str]:
    """Every word of the catalogue's phrases: a surname that is one (Swift) is not hidden where it stands alone."""
    cached = _WORK_WORDS.get(catalogue.version)
    if cached is not None:
        return cached
    phrases = [a for s in catalogue.skills.values() for a in (*s.aliases, *s.exact)]
    phrases += [k for r in catalogue.roles.values() for k in r.keywords]
    phrases += [*catalogue.software_signals, *catalogue.healthcare_signals, *catalogue.practice_signals]
    words = _WORK_WORDS[catalogue.version] = frozenset(t for phrase in phrases for t in tokenize_phrase(phrase))
    return words


def ranking_csv(frame: pd.DataFrame, *, context: Mapping[str, str]) -> str:
    """The ranking as CSV: the table's rows and columns, then the context of every row
    (opening roles, weights, catalogue version, export time) so the file stands alone."""
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow([*frame.columns, *context])
    for row in frame.itertuples(index=False):
        writer.writerow([*row, *context.values()])
    return out.getvalue()
