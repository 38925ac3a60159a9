"""Workflows: the fit check, the recruiter's ranking, batch scoring for the CLI, and archive tables (rank-table)."""

# Its modules: import from them (``from hcdev_match.workflows.batch import ...``); this
# file imports nothing, so loading one module never loads its siblings.
__all__ = [
    "archive",
    "archive_rows",
    "archive_spark",
    "archive_table",
    "batch",
    "fitcheck",
    "ranking",
    "screening",
    "shortlist",
    "skills",
    "verdict",
]
