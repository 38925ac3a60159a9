"""The app's pages, and which of them a visitor sees: those the access policy lets their role open.

Every page keeps its URL (/Recruiter, /HR, /Privacy, /Catalogue): a page the
visitor may not use is hidden from the menu, not removed, so a bookmark or
a link still reaches it and its guard asks for a sign-in. Each page is a
script of its own in pages/, so it also runs alone (Streamlit's AppTest).
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from hcdev_match.storage.access import CANDIDATE, is_allowed

from .auth import current_user

__all__ = ["PAGES", "AppPage", "landing_page", "navigate"]


@dataclass(frozen=True)
class AppPage:
    page: str  # the id in hcdev_match.storage.access.PAGE_POLICY
    script: str
    title: str  # named for what it does
    url_path: str
    icon: str


PAGES = (
    AppPage("fit_check", "pages/0_Check_a_CV.py", "Check a CV", "", ":material/fact_check:"),
    AppPage("catalogue", "pages/1_Catalogue.py", "Roles and skills", "Catalogue", ":material/list_alt:"),
    AppPage("recruiter", "pages/3_Recruiter.py", "Recruiter: rank CVs", "Recruiter", ":material/leaderboard:"),
    AppPage("privacy", "pages/2_Privacy.py", "Privacy requests", "Privacy", ":material/shield_person:"),
    AppPage("hr", "pages/4_HR.py", "HR insights", "HR", ":material/monitoring:"),
)
SIGN_IN_PATH = "Sign_in"
SIGN_IN_SCRIPT = "pages/5_Sign_in.py"


def landing_page(role: str) -> str | None:
    """The first page a signed-in role goes on to from the sign-in page (its own work, not the catalogue)."""
    return next((p.script for p in PAGES if p.url_path and is_allowed(p.page, role) and p.page != "catalogue"), None)


def navigate() -> None:
    """Run the page the URL names, with a menu of the pages this visitor may use (and Sign in)."""
    user = current_user()
    role = str(user["role"]) if user else CANDIDATE
    pages = [
        st.Page(
            p.script,
            title=p.title,
            icon=p.icon,
            url_path=p.url_path or None,
            default=not p.url_path,
            visibility="visible" if is_allowed(p.page, role) else "hidden",
        )
        for p in PAGES
    ]
    pages.append(
        st.Page(
            SIGN_IN_SCRIPT,
            title="Sign in",
            icon=":material/login:",
            url_path=SIGN_IN_PATH,
            visibility="visible" if user is None else "hidden",
        )
    )
    st.navigation(pages).run()
