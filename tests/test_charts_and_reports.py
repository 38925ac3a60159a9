"""Chart builders and reports, tested without Streamlit."""

from __future__ import annotations

import csv
import io

import altair as alt
import pytest

from hcdev_match.errors import DocumentError
from hcdev_match.present.charts import build_fit_chart, build_terms_chart
from hcdev_match.present.report import format_csv, format_markdown
from hcdev_match.scoring.advice import advise_gaps
from hcdev_match.scoring.matcher import Matcher
from hcdev_match.workflows.fitcheck import check_fit


def test_fit_chart_has_every_role_sorted_with_bands_and_tooltips(matcher: Matcher, samples: dict[str, str]) -> None:
    assessment = matcher.assess(samples["imaging_2"])
    chart = build_fit_chart(assessment)
    assert isinstance(chart, alt.Chart)
    spec = chart.to_dict()
    assert len(chart.data) == 7 and chart.data["fit"].iloc[0] == round(assessment.best.fit, 1)
    assert spec["encoding"]["y"]["sort"] == "-x"
    assert spec["encoding"]["color"]["scale"]["domain"] == ["weak", "partial", "good", "strong"]
    assert spec["encoding"]["x"]["axis"]["values"] == [0, 30, 60, 90, 100]
    assert {t["field"] for t in spec["encoding"]["tooltip"]} >= {"role", "fit", "band"}


def test_terms_chart_points_add_up_to_the_fit(matcher: Matcher, samples: dict[str, str]) -> None:
    fit = matcher.assess(samples["ehr_1"]).best
    chart = build_terms_chart(fit, top=5)
    assert isinstance(chart, alt.Chart)
    assert len(chart.data) == 6 and chart.data["term"].iloc[-1].startswith("other terms")
    assert chart.data["points"].sum() == pytest.approx(fit.fit, abs=0.05)


def test_gap_advice_ranks_missing_must_haves_by_what_they_would_add(matcher: Matcher, samples: dict[str, str]) -> None:
    assessment = matcher.assess(samples["mobile_3"])
    advice = advise_gaps(matcher, assessment, "telemedicine", limit=10)
    assert advice and [a.gain for a in advice] == sorted((a.gain for a in advice), reverse=True)
    assert {a.skill for a in advice} <= set(assessment.fit_of("telemedicine").missing["must_have"])
    assert all(a.gain >= 0 for a in advice)


def test_check_fit_needs_something_to_score(matcher: Matcher) -> None:
    with pytest.raises(DocumentError, match="nothing to score"):
        check_fit(matcher, text="   ")


def test_reports_carry_fits_skills_and_the_human_note(matcher: Matcher, samples: dict[str, str]) -> None:
    check = check_fit(matcher, text=samples["cds_1"] + "\n| *injected* [link](http://x) <b>bold</b>")
    rows = list(csv.DictReader(io.StringIO(format_csv(check))))
    assert [r["role"] for r in rows][0] == "cds" and len(rows) == 7
    assert rows[0]["catalogue_version"] == check.assessment.catalogue_version
    report = format_markdown(check)
    assert "Best fit: **Clinical decision support developer**" in report
    assert "A person decides." in report
    assert "<b>" not in report and "](http" not in report


def test_escaped_markdown_has_no_live_markup() -> None:
    from hcdev_match.present.report import escape_markdown

    assert escape_markdown("![a](http://x) <script>*b*") == "\\!\\[a\\]\\(http://x\\) \\<script\\>\\*b\\*"
