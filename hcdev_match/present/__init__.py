"""Presentation: charts, Markdown reports and spreadsheet-safe CSV."""
