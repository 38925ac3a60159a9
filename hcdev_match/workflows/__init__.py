"""Workflows: the fit check, the recruiter's ranking, batch scoring for the CLI, and archive tables (rank-table)."""
