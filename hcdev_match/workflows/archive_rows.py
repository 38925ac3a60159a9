"""Scoring an archive's rows: one output row of fits per input row, the same on both engines.

The local engine (``archive``) and the Spark engine (``archive_spark``)
both score a chunk of ``id,text`` rows here, which is why their fits agree.
With an opening (a job posting, ``rank-table --opening``) each row also
gets ``opening_fit``, the fit ``score --opening`` gives the same text.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import pandas as pd

from ..text.canonicaliser import TextEvidence
from .archive_table import TEXT_COLUMNS, ArchiveConfig

if TYPE_CHECKING:
    from ..scoring.matcher import Matcher
    from ..scoring.opening_model import Opening

__all__ = ["capped_texts", "score_chunk"]


def capped_texts(chunk: pd.DataFrame, *, config: ArchiveConfig | None = None) -> list[str]:
    """The chunk's texts cut at the cap on one text (``truncated`` is flagged by ``score_chunk``)."""
    cap = (config or ArchiveConfig()).limits.max_chars
    return [text[:cap] for text in chunk["text"].tolist()]


def score_chunk(
    matcher: Matcher,
    chunk: pd.DataFrame,
    *,
    evidence: Sequence[TextEvidence] | None = None,
    opening: Opening | None = None,
    config: ArchiveConfig | None = None,
) -> pd.DataFrame:
    """One output row per input row, in order: the fits of ``matcher.fit_table``, the best first.

    ``evidence`` is the chunk's capped texts already canonicalised (in other processes); without it
    the matcher reads them here. With ``opening``, ``opening_fit`` follows the role fits.
    """
    cap = (config or ArchiveConfig()).limits.max_chars
    texts = chunk["text"].tolist()
    if evidence is None:
        evidence = matcher.read(capped_texts(chunk, config=config))
    table = matcher.fit_evidence(evidence)
    roles = list(matcher.roles)
    best = table.fits.argmax(axis=1)  # the first of equal fits, as `rank` picks
    out = pd.DataFrame(
        {"id": chunk["id"].tolist(), "best_role": [roles[j] for j in best], "best_fit": table.fits.max(axis=1)}
    )
    for j, role in enumerate(roles):
        out[role] = table.fits[:, j]
    if opening is not None:
        from ..scoring.opening import fit_opening  # scikit-learn's side: imported with the matcher

        out["opening_fit"] = fit_opening(matcher, opening, evidence)
    out["flags"] = [
        ";".join(("truncated",) * (len(text) > cap) + flags) for text, flags in zip(texts, table.flags, strict=True)
    ]
    out["catalogue_version"] = matcher.catalogue.version
    return out.astype({column: "float64" for column in out.columns if column not in TEXT_COLUMNS})
