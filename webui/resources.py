"""What the server process builds once and every session shares: the model, the catalogue, the store.

The store (SQLAlchemy) and the model (scikit-learn) are imported inside the
functions that build them: a candidate's first view of the fit check needs
neither, and importing them would delay the first paint.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from .settings import database_url, retention_days

if TYPE_CHECKING:
    from hcdev_match.catalogue.model import Catalogue
    from hcdev_match.scoring.matcher import Matcher
    from hcdev_match.storage.store import Store

__all__ = ["get_catalogue", "get_matcher", "get_store"]


@st.cache_resource(show_spinner=False)
def _store(url: str, days: int) -> Store:
    from hcdev_match.storage.store import Store, StoreConfig

    return Store.from_url(url, config=StoreConfig(retention_days=days))


def get_store() -> Store:
    """The shared store (one engine per server process, per database URL); a clear HcdevMatchError if unusable."""
    return _store(database_url(), retention_days())


@st.cache_resource(show_spinner="Loading the role catalogue…")
def get_matcher() -> Matcher:
    """Built once per server process and shared: it holds the catalogue, never a CV."""
    from hcdev_match.scoring.matcher import Matcher

    return Matcher.from_paths()


@st.cache_resource(show_spinner=False)
def get_catalogue() -> Catalogue:
    """The role catalogue, loaded once per server process, for pages that need no model."""
    from hcdev_match.catalogue.model import load_catalogue

    return load_catalogue()
