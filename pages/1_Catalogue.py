"""The roles and skills a CV is matched against."""

from __future__ import annotations

import streamlit as st

from hcdev_match.workflows.skills import skill_rows
from webui.auth import guard
from webui.resources import get_catalogue

st.set_page_config(page_title="hcdev-match: roles and skills", page_icon="🩺", layout="wide")
guard("catalogue")
cat = get_catalogue()
st.title("The roles and skills a CV is matched against")
st.caption(
    "Seven healthcare software roles: five that a 2023 career guide names and two software categories it "
    "describes, written in our own words."
)

for role in cat.roles.values():
    with st.expander(f"**{role.label}**: {role.summary}", expanded=False):
        st.write(role.description)
        must, nice = st.columns(2)
        must.markdown("**Must-have skills**")
        must.markdown("\n".join(f"- {cat.skills[s].label}" for s in role.must_have))
        nice.markdown("**Nice-to-have skills**")
        nice.markdown("\n".join(f"- {cat.skills[s].label}" for s in role.nice_to_have))
        st.caption("Also counted a little for every role: general skills and future technologies (listed below).")

st.subheader("Skills and the words that count as each")
query = st.text_input("Filter skills", key="skill_filter", placeholder="e.g. FHIR, imaging, Kotlin")
rows = skill_rows(cat, query)
if rows:
    st.dataframe(rows, hide_index=True, width="stretch")
else:
    st.info("No skill matches that filter. Try a shorter word, such as FHIR or imaging.")
