"""Saving a ranking keeps what was read: no CV is read (canonicalised) again, and the fits are those shown."""

from __future__ import annotations

from typing import Any

import pytest

from hcdev_match.documents.document import Document
from hcdev_match.documents.intake import UploadItem
from hcdev_match.scoring.matcher import Matcher
from hcdev_match.text.canonicaliser import Canonicaliser
from hcdev_match.workflows.ranking import Ranking


def test_saving_a_ranking_reads_no_cv_again(
    matcher: Matcher, samples: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    items = [UploadItem(f"{key}.txt", Document(f"{key}.txt", "txt", text)) for key, text in sorted(samples.items())[:5]]
    ranking = Ranking(matcher, items)
    reads: list[str] = []
    read = Canonicaliser.read

    def counted(self: Canonicaliser, text: str, *args: Any, **kwargs: Any) -> Any:
        reads.append(text[:20])  # the real reading still runs: this only counts it
        return read(self, text, *args, **kwargs)

    monkeypatch.setattr(Canonicaliser, "read", counted)
    saved = ranking.assessments()
    assert reads == []
    fresh = matcher.assess_many(ranking.texts, snippets=False)
    assert len(reads) == len(items)  # the counter can fail: reading the texts afresh reads each once
    assert [[(f.role, f.fit) for f in a.fits] for a in saved] == [[(f.role, f.fit) for f in a.fits] for a in fresh]
    table = ranking.table(roles=list(matcher.roles))
    shown = dict(zip(table["candidate"], table["best fit"], strict=True))
    assert [round(a.best.fit, 1) for a in saved] == [shown[c] for c in ranking.ids]
