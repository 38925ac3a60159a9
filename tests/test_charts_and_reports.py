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

    assert escape_markdown("![a](http://x) <script>*b*") == "\\!\\[a\\]\\(http\u2060://x\\) \\<script\\>\\*b\\*"
    # Streamlit links bare URLs, www. names and addresses after parsing (a backslash does not stop
    # it) and reads $...$ as math: a word joiner breaks each link, the dollar is escaped.
    assert escape_markdown("see HTTPS://a.b, www.c.d or e@f.g") == "see HTTPS\u2060://a.b, www\u2060.c.d or e\u2060@f.g"
    assert escape_markdown("$100 to $200") == "\\$100 to \\$200"
    assert escape_markdown("awww.ok and http-less: fine") == "awww.ok and http-less: fine"


def _rows_apart(spec: dict[str, object]) -> tuple[dict[str, object], list[object]]:
    """The spec without its one dataset, and that dataset's rows (its name is a hash of the rows)."""
    spec = dict(spec)
    datasets = spec.pop("datasets")
    spec.pop("data")
    assert isinstance(datasets, dict) and len(datasets) == 1
    return spec, list(datasets.values())[0]


@pytest.mark.parametrize("sample", ["imaging_2", "outside_nurse"])
def test_the_charts_built_once_give_the_spec_of_the_charts_built_per_cv(
    matcher: Matcher, samples: dict[str, str], sample: str
) -> None:
    from hcdev_match.present.charts import fit_chart_spec, terms_chart_spec

    assessment = matcher.assess(samples[sample])
    assert _rows_apart(fit_chart_spec(assessment)) == _rows_apart(build_fit_chart(assessment).to_dict(validate=False))
    for fit in assessment.fits:
        assert _rows_apart(terms_chart_spec(fit)) == _rows_apart(build_terms_chart(fit).to_dict(validate=False))
    first = fit_chart_spec(assessment)
    first["encoding"]["x"]["title"] = "changed by a renderer"  # a caller may change the dict it is given
    assert fit_chart_spec(assessment)["encoding"]["x"]["title"] == "Fit (0 to 100)"
