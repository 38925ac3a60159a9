"""Workflows: the fit check, the recruiter's ranking and batch scoring for the command line."""
