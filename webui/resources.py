"""What the server process builds once and every session shares: the model, the catalogue, the store.

The store (SQLAlchemy) and the model (scikit-learn) are imported inside the
functions that build them: a candidate's first view of the fit check needs
neither, and importing them would delay the first paint. The home page
calls `warm_up` instead: a background thread builds the model (and the
charts a result draws) while the person pastes a CV, so neither the first
run of the page nor the first click waits for it.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

import streamlit as st

from hcdev_match.errors import HcdevMatchError

from .settings import database_url, retention_days

if TYPE_CHECKING:
    from hcdev_match.catalogue.model import Catalogue
    from hcdev_match.scoring.matcher import Matcher
    from hcdev_match.storage.store import Store

__all__ = ["WARM_UP_THREAD", "get_catalogue", "get_matcher", "get_store", "warm_up"]

WARM_UP_THREAD = "hcdev-warm-up"
# Scored once by the warm-up, so the first real click finds every lazy part built.
WARM_UP_TEXT = "Python developer: HL7 FHIR interfaces for an EHR in a hospital, with HIPAA-compliant audit logging."
_ONE_BUILD = threading.Lock()  # a session and the warm-up thread may ask for the model at once: one is built
_built: dict[str, Matcher] = {}
_warm_up_started = threading.Event()


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
    return _matcher()


def _matcher() -> Matcher:
    with _ONE_BUILD:
        if "matcher" not in _built:
            from hcdev_match.scoring.matcher import Matcher

            _built["matcher"] = Matcher.from_paths()
        return _built["matcher"]


def warm_up() -> None:
    """Start building the model and the fit check's charts in a background thread, once per server process."""
    with _ONE_BUILD:
        if _warm_up_started.is_set():
            return
        _warm_up_started.set()
    threading.Thread(target=_warm_up, name=WARM_UP_THREAD, daemon=True).start()


def _warm_up() -> None:
    from hcdev_match.present.charts import fit_chart_spec, terms_chart_spec
    from hcdev_match.present.scale import band_chart_spec
    from hcdev_match.workflows.fitcheck import check_fit

    try:
        check = check_fit(_matcher(), text=WARM_UP_TEXT)
    except HcdevMatchError:
        return  # the page that needs the model reports it (get_matcher raises the same error there)
    fit_chart_spec(check.assessment)
    terms_chart_spec(check.best)
    band_chart_spec(check.best.fit)


@st.cache_resource(show_spinner=False)
def get_catalogue() -> Catalogue:
    """The role catalogue, loaded once per server process, for pages that need no model."""
    from hcdev_match.catalogue.model import load_catalogue

    return load_catalogue()
