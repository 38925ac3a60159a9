"""The recruiter's batch in hand, and the opening's settings, as this tab's session holds them.

Widgets lose their state when a visit to another page does not draw them;
the settings live under a key of their own (``SETTINGS``) and are put back
into the widgets on the way back, so roles, weights, required skills and the
blind toggle survive a visit to the catalogue. Sign-out clears all of it
(``webui.end_session`` empties the whole session state).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import pandas as pd
import streamlit as st

from hcdev_match.config import DEFAULT_TIER_WEIGHTS
from hcdev_match.scoring.matcher import Matcher
from hcdev_match.storage.store import DECISIONS
from hcdev_match.workflows.fitcheck import FitCheck
from hcdev_match.workflows.ranking import Ranking
from hcdev_match.workflows.screening import Settings, resolve_skills, suggest_skills
from hcdev_match.workflows.shortlist import BAND_NAMES, UNDECIDED

from .opening import current_opening

WORK = "recruiter_work"  # the Work in hand
SETTINGS = "recruiter_settings"  # the Settings of the batch in hand, outliving the widgets
PENDING = "recruiter_pending"  # a PendingDecision waiting for its confirmation
VIEWED = "recruiter_viewed"  # candidate codes whose view is in the audit log
FILTERS = "recruiter_filters"  # (bands, flags, decisions) in force, outliving their widgets
WEIGHTS_OPEN = "weights_open"  # the weights' expander is open (its sliders drawn only then)
FILTERS_OPEN = "filters_open"  # "Filter the candidates" is open (a widget: its filters drawn only then)
FAILURES_OPEN = "failures_open"  # "Files that could not be read" is open (drawn only then)
BULK_OPEN = "bulk_open"  # "Decide on several candidates at once" is open (drawn only then)
HISTORY_OPEN = "history_open"  # a candidate's history of decisions is open (drawn only then)
FILTER_KEYS = ("filter_bands", "filter_flags", "filter_decisions")
FILTER_LABELS = ("Fit band (opening fit)", "Flag", "Decision")

WEIGHT_KEYS = {"must_have": "weight_must", "nice_to_have": "weight_nice", "general": "weight_general",
               "future": "weight_future"}  # fmt: skip
WEIGHT_LABELS = {"must_have": "Must-have skills", "nice_to_have": "Nice-to-have skills",
                 "general": "General skills (useful in every role)", "future": "Future technologies"}  # fmt: skip


@dataclass
class Work:
    """A batch being worked: its ranking, and what is saved of it."""

    ranking: Ranking
    duplicates: dict[str, tuple[str, ...]]
    fingerprints: tuple[str, ...]
    name: str
    batch_id: int | None = None
    basis: str | None = None
    saved: dict[str, int] = field(default_factory=dict)  # code -> assessment id
    refs: dict[str, str] = field(default_factory=dict)  # code -> candidate reference (privacy requests)
    notes: dict[str, str] = field(default_factory=dict)
    stored_settings: Settings | None = None  # as saved with the batch, to keep it up to date
    messages: list[str] = field(default_factory=list)  # said once, above the batch
    #: (code, blind) -> its FitCheck: an explanation depends on neither weights nor roles, so a rerun reuses it.
    explained: dict[tuple[str, bool], FitCheck] = field(default_factory=dict)


def current_work() -> Work | None:
    work = st.session_state.get(WORK)
    return work if isinstance(work, Work) else None


def start_work(work: Work, settings: Settings) -> None:
    """Make ``work`` the batch in hand, its settings in the widgets; forget the last batch's selections."""
    for key in [k for k in st.session_state if str(k).startswith(("decision_", "note_", "ranking_table_"))]:
        del st.session_state[key]
    for key in ("explain_candidate", "bulk_candidates", "compare_candidates", PENDING, VIEWED):
        st.session_state.pop(key, None)
    st.session_state[WORK] = work
    put_settings(settings)


def put_settings(settings: Settings) -> None:
    """Settings for the widgets to show on their next drawing (``settings_controls`` puts them in)."""
    st.session_state[SETTINGS] = settings
    for key in ("opening_roles", "required_skills", "blind_review", *WEIGHT_KEYS.values()):
        st.session_state.pop(key, None)


def first_settings(matcher: Matcher, ranking: Ranking) -> Settings:
    """A new batch's settings: the role most of its CVs fit best, default weights, blind review on, and the
    required skills of the posting in hand (read before the batch: it still ranks by what it requires)."""
    table = ranking.table(roles=list(matcher.roles))
    labels = {matcher.catalogue.roles[r].label: r for r in matcher.roles}
    mode = pd.Series(table["best role"]).mode() if not table.empty else pd.Series([], dtype=str)
    roles = (labels[mode.iloc[0]],) if not mode.empty else (matcher.roles[0],)
    opening = current_opening("recruiter")
    required = opening.required if opening is not None else ()
    return Settings(
        roles=roles, weights={t: DEFAULT_TIER_WEIGHTS[t] for t in WEIGHT_KEYS}, required=required, blind=True
    )


def settings_controls(matcher: Matcher) -> Settings:
    """Roles, required skills, weights and blind review, restored after a visit to another page."""
    held = st.session_state.get(SETTINGS)
    if not isinstance(held, Settings):
        held = Settings()
    labels = [matcher.catalogue.skills[s].label for s in held.required if s in matcher.catalogue.skills]
    restore = {"opening_roles": list(held.roles), "required_skills": ", ".join(labels),
               "blind_review": held.blind}  # fmt: skip
    for key, value in restore.items():
        if key not in st.session_state:
            st.session_state[key] = value
    role_labels = {r: matcher.catalogue.roles[r].label for r in matcher.roles}
    blind = st.toggle(
        "Blind review: hide names, contact details, addresses, birth dates, ages, gender, photo captions and "
        "file names",
        key="blind_review",
    )
    controls, sliders = st.columns([2, 3])
    roles = controls.multiselect(
        "Roles of the opening", options=list(matcher.roles), format_func=role_labels.get, key="opening_roles"
    )
    typed = controls.text_input(
        "Skills this opening requires (optional): their names, separated by commas",
        key="required_skills",
        placeholder="FHIR, HL7 v2",
        help="Each name is matched exactly (or by its usual alias), never by the letters it contains.",
    )
    required, unknown = resolve_skills(matcher.catalogue, typed)
    if required:
        controls.caption("Required: " + ", ".join(matcher.catalogue.skills[s].label for s in required))
    for name in unknown:
        close = suggest_skills(matcher.catalogue, name)
        controls.warning(f"No skill is called {name!r}" + (f"; did you mean {', '.join(close)}?" if close else "."))
    weights = {t: float(held.weights.get(t, DEFAULT_TIER_WEIGHTS[t])) for t in WEIGHT_KEYS}
    # The sliders are drawn when opened (a rerun), not sent closed with every result; the weights in force are
    # said under it meanwhile, and held in SETTINGS.
    label = "How much each kind of skill counts (role keywords always count a little)"
    with sliders.expander(label, key=WEIGHTS_OPEN, on_change="rerun") as box:
        if box.open:
            left, right = st.columns(2)
            for n, (tier, key) in enumerate(WEIGHT_KEYS.items()):
                if key not in st.session_state:  # opened: the weights in force, put back in their sliders
                    st.session_state[key] = weights[tier]
                weights[tier] = (left if n < 2 else right).slider(WEIGHT_LABELS[tier], 0.0, 2.0, step=0.05, key=key)
    if not box.open:
        sliders.caption("Weights: " + ", ".join(f"{WEIGHT_LABELS[t].split(' (')[0].lower()} {w:g}"
                                                 for t, w in weights.items()))  # fmt: skip
    settings = replace(held, roles=tuple(roles), weights=weights, required=required, blind=bool(blind))
    st.session_state[SETTINGS] = settings
    return settings


def filter_controls(table: pd.DataFrame) -> tuple[list[str], list[str], list[str]]:
    """The fit bands, flags and decisions the table is filtered by. Their widgets are drawn when "Filter the
    candidates" is opened (a rerun), not sent closed with every result; the filters in force are held under
    FILTERS meanwhile and put back in the widgets when it is opened again."""
    flags = sorted({f for row in table["flags"] for f in row.split(", ") if f})
    options = (list(BAND_NAMES), flags, [*DECISIONS, UNDECIDED])
    held = st.session_state.get(FILTERS, ((), (), ()))
    chosen = [[v for v in kept if v in choices] for kept, choices in zip(held, options, strict=True)]
    with st.expander("Filter the candidates", key=FILTERS_OPEN, on_change="rerun") as box:
        if box.open:
            for n, column in enumerate(st.columns(3)):
                if FILTER_KEYS[n] not in st.session_state:  # reopened: the filters in force, not empty ones
                    st.session_state[FILTER_KEYS[n]] = chosen[n]
                chosen[n] = column.multiselect(FILTER_LABELS[n], options[n], key=FILTER_KEYS[n])
    st.session_state[FILTERS] = tuple(tuple(c) for c in chosen)
    bands, flagged, decided = chosen
    return bands, flagged, decided
