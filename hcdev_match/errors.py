"""The one error hierarchy of hcdev-match.

Every error a user can cause derives from :class:`HcdevMatchError`; its
message says what was expected, what arrived and what to do, so that pages
show it with ``st.error`` and the CLI prints it on one line.
"""

from __future__ import annotations

__all__ = [
    "AccountError",
    "CatalogueError",
    "DocumentError",
    "EvaluationError",
    "HcdevMatchError",
    "StoreError",
]


class HcdevMatchError(Exception):
    """Base class of every error hcdev-match raises on purpose."""


class CatalogueError(HcdevMatchError):
    """The role and skill catalogue is missing or has a bad entry."""


class DocumentError(HcdevMatchError):
    """A CV file or text cannot be read: wrong type, too large, corrupt or empty."""


class EvaluationError(HcdevMatchError):
    """An evaluation file does not have the expected JSON lines."""


class StoreError(HcdevMatchError):
    """The database refused or failed an operation (URL, schema, disk, locks)."""


class AccountError(HcdevMatchError):
    """A user account cannot be created, found or signed in."""
