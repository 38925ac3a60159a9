"""The roles and skills a CV is matched against."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from hcdev_match import Catalogue, load_catalogue
from webui.auth import guard


@st.cache_resource(show_spinner=False)
def catalogue() -> Catalogue:
    return load_catalogue()


st.set_page_config(page_title="hcdev-match: roles and skills", page_icon="🩺", layout="wide")
guard("catalogue")
cat = catalogue()
st.title("The roles and skills a CV is matched against")
st.caption(
    f"Seven healthcare software roles: five a 2023 career article names and two software categories it "
    f"describes, written in our own words. Catalogue version {cat.version}."
)

for role in cat.roles.values():
    with st.expander(f"**{role.label}**: {role.summary}", expanded=False):
        st.write(role.description)
        must, nice = st.columns(2)
        must.markdown("**Must-have skills**")
        must.markdown("\n".join(f"- {cat.skills[s].label}" for s in role.must_have))
        nice.markdown("**Nice-to-have skills**")
        nice.markdown("\n".join(f"- {cat.skills[s].label}" for s in role.nice_to_have))
        st.caption("Also counted a little for every role: the article's general skills and future technologies.")

st.subheader("Skills and the words that count as each")
query = st.text_input("Filter skills", key="skill_filter", placeholder="e.g. FHIR, imaging, Kotlin")
rows = [
    {
        "skill": skill.label,
        "category": cat.categories[skill.category].label,
        "also written as": ", ".join(skill.aliases + skill.exact),
    }
    for skill in cat.skills.values()
]
table = pd.DataFrame(rows)
if query.strip():
    needle = query.strip().lower()
    table = table[table.apply(lambda row: needle in " ".join(row).lower(), axis=1)]
st.dataframe(table, hide_index=True, width="stretch")
if table.empty:
    st.info("No skill matches that filter.")
