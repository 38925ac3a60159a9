"""Who may open which page: one policy, deny by default.

Anonymous visitors are candidates. Recruiters and HR sign in. A page not
in the policy, or a role the policy does not know, is refused.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

__all__ = ["CANDIDATE", "PAGE_POLICY", "SESSION_LIFETIME", "is_allowed", "role_for_email", "session_expired"]

CANDIDATE = "candidate"

#: page id -> roles allowed to open it.
PAGE_POLICY: Mapping[str, frozenset[str]] = {
    "fit_check": frozenset({CANDIDATE, "recruiter", "hr"}),
    "catalogue": frozenset({CANDIDATE, "recruiter", "hr"}),
    "privacy": frozenset({"recruiter"}),
    "recruiter": frozenset({"recruiter"}),
    "hr": frozenset({"hr"}),
}

#: A signed-in session ends this long after sign-in, or after this long idle.
SESSION_LIFETIME = timedelta(hours=8)
SESSION_IDLE = timedelta(minutes=60)


def is_allowed(page: str, role: str | None) -> bool:
    """Whether ``role`` (None for an anonymous visitor) may open ``page``."""
    allowed = PAGE_POLICY.get(page)
    if allowed is None:
        return False
    return (role or CANDIDATE) in allowed


def session_expired(signed_in_at: datetime, last_seen: datetime, now: datetime) -> bool:
    return now - signed_in_at > SESSION_LIFETIME or now - last_seen > SESSION_IDLE


def role_for_email(email: str | None, mapping: Mapping[str, object]) -> str | None:
    """The role an e-mail address has in the OIDC role mapping, or None.

    ``mapping`` is the ``[hcdev_roles]`` secrets section:
    ``recruiter = ["ana@example.org"]``, ``hr = ["@hr.example.org"]`` (a
    leading "@" matches a whole domain).
    """
    if not email:
        return None
    address = email.strip().lower()
    for role in ("recruiter", "hr"):
        entries = mapping.get(role, [])
        if not isinstance(entries, (list, tuple)):
            continue
        for entry in entries:
            entry = str(entry).strip().lower()
            if address == entry or (entry.startswith("@") and address.endswith(entry)):
                return role
    return None
