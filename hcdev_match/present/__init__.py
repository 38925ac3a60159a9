"""Presentation: charts, Markdown reports and spreadsheet-safe CSV."""

# Its modules: import from them (``from hcdev_match.present.charts import ...``); this
# file imports nothing, so loading one module never loads its siblings.
__all__ = [
    "charts",
    "hr_charts",
    "hr_figures",
    "plain",
    "privacy_view",
    "report",
    "scale",
    "spreadsheet",
]
