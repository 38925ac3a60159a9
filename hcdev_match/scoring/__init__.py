"""Scoring: the matcher, its domain and trust signals, assessments, advice and evaluation."""
