"""The app's settings: read from the environment in this one place and validated.

A setting that is wrong never crashes a page: ``read_settings`` returns the
problem in words, every page shows it (``auth.guard``), and what depends on
the setting (saving, the pages that need the database) is refused with it.
The values are parsed once per distinct environment, so a changed
environment (a test's) is seen and a running server parses nothing twice.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path

from hcdev_match.config import DEFAULT_DATABASE as DATABASE_UNDER_ROOT
from hcdev_match.errors import HcdevMatchError

__all__ = ["DEFAULT_DATABASE", "Settings", "SettingsError", "database_url", "read_settings", "retention_days"]

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE = ROOT / DATABASE_UNDER_ROOT  # the library's default file, in the app's checkout
NAMES = ("HCDEV_DATABASE_URL", "HCDEV_RETENTION_DAYS", "HCDEV_TRUSTED_PROXIES")


class SettingsError(HcdevMatchError):
    """A setting in the environment that the app cannot use."""


@dataclass(frozen=True, kw_only=True)
class Settings:
    database_url: str
    #: None when HCDEV_RETENTION_DAYS is wrong: nothing may be saved then.
    retention_days: int | None
    trusted_proxies: int
    #: One sentence per wrong setting: what arrived, what to write instead.
    problems: tuple[str, ...] = ()

    @property
    def database_problem(self) -> str | None:
        """Why the database cannot be used (a wrong URL or retention), or None."""
        return next((p for p in self.problems if not p.startswith("HCDEV_TRUSTED_PROXIES")), None)


def read_settings() -> Settings:
    """The settings of the current environment (parsed once per distinct value)."""
    return _parse(tuple(os.environ.get(name) for name in NAMES))


@functools.lru_cache(maxsize=8)
def _parse(values: tuple[str | None, ...]) -> Settings:
    url_text, days_text, proxies_text = values
    problems: list[str] = []
    url = (url_text or "").strip() or f"sqlite:///{DEFAULT_DATABASE}"
    url_problem = _url_problem(url)
    if url_problem:
        problems.append(url_problem)
    from hcdev_match.storage.store import parse_retention_days

    days: int | None
    try:
        days = parse_retention_days(days_text, setting="HCDEV_RETENTION_DAYS")
    except HcdevMatchError as exc:
        days = None
        problems.append(str(exc))
    proxies = 0
    if proxies_text is not None and proxies_text.strip():
        if proxies_text.strip().isdigit():
            proxies = int(proxies_text.strip())
        else:
            problems.append(
                f"HCDEV_TRUSTED_PROXIES must be how many proxies add X-Forwarded-For (0, 1, ...), got "
                f"{proxies_text!r}; no forwarded address is trusted until it is fixed"
            )
    return Settings(database_url=url, retention_days=days, trusted_proxies=proxies, problems=tuple(problems))


def _url_problem(url: str) -> str | None:
    """Why ``url`` is not a database URL this app opens (its password masked), or None."""
    import sqlalchemy as sa

    from hcdev_match.storage.database import mask_credentials

    try:
        backend = sa.engine.make_url(url).get_backend_name()
    except (sa.exc.ArgumentError, ValueError):  # ValueError: a port that is not a number
        backend = None
    if backend in ("sqlite", "postgresql"):
        return None
    shown = mask_credentials(url) if "@" not in url or "://" in url else "***@" + url.rpartition("@")[2]
    return (
        f"HCDEV_DATABASE_URL {shown!r} is not a URL this app can open; use sqlite:///path/to/file.sqlite3 "
        "or postgresql+psycopg://user@host/dbname"
    )


def database_url() -> str:
    """HCDEV_DATABASE_URL, or an SQLite file in the git-ignored var/ folder; SettingsError when wrong."""
    settings = read_settings()
    if settings.database_problem:
        raise SettingsError(settings.database_problem)
    return settings.database_url


def retention_days() -> int:
    """HCDEV_RETENTION_DAYS, else the store's default; SettingsError (a clear message) when it is not 1 or more."""
    days = read_settings().retention_days
    if days is None:
        raise SettingsError(next(p for p in read_settings().problems if p.startswith("HCDEV_RETENTION_DAYS")))
    return days
