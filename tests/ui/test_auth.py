"""Sign-in in a real Streamlit run (AppTest): viewers see no internal notes, editors do."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.accounts import hash_password

NOTE = "Call back the source on Tuesday (internal)"


def page():
    """A page wired the way app.py wires the auth functions."""
    import streamlit as st

    from dashboard.data.dataset import check_dataset
    from dashboard.ui import auth

    with st.sidebar:
        auth.sign_in_panel()
    dataset, _ = check_dataset()
    dataset.incidents.loc[0, "internal_notes"] = "Call back the source on Tuesday (internal)"
    shown = auth.visible_dataset(dataset, "test-v1")
    st.write(f"columns: {', '.join(shown.incidents.columns)}")
    st.dataframe(shown.incidents.drop(columns="geometry"))
    auth.internal_notes(shown.incidents.iloc[0])
    if auth.require_editor("edit incidents"):
        st.button("Save")


@pytest.fixture(scope="module")
def hashed() -> str:
    return hash_password("the right password")


def run_app(hashed: str | None) -> AppTest:
    at = AppTest.from_function(page, default_timeout=60)
    if hashed:
        at.secrets["editors"] = {"jkim": hashed}
    # twice, as a browser's first visit does (the map's first report): the table and the
    # timeline are drawn from the second run on
    return at.run().run()


def page_text(at: AppTest) -> str:
    parts = [str(e.value) for e in at.markdown] + [str(e.value) for e in at.caption]
    parts += [e.value.to_csv() for e in at.dataframe]
    return "\n".join(parts)


def sign_in(at: AppTest, name: str, password: str) -> AppTest:
    at.sidebar.text_input(key="auth_name").input(name)
    at.sidebar.text_input(key="auth_password").input(password)
    at.sidebar.button[0].click()  # the form's submit button
    return at.run()


def test_viewer_sees_no_internal_notes_and_cannot_save(hashed):
    at = run_app(hashed)
    assert not at.exception
    assert len(at.dataframe) >= 1  # the table is on the page, and holds no note either
    assert NOTE not in page_text(at)
    assert "internal_notes" not in at.markdown[0].value
    assert "Sign in as an editor" in at.info[0].value
    assert [b.label for b in at.button] == ["Sign in"]


def test_wrong_password_is_refused(hashed):
    at = sign_in(run_app(hashed), "jkim", "wrong password")
    assert "Wrong editor name or password." in [e.value for e in at.error]
    assert NOTE not in page_text(at)
    at = sign_in(at, "nobody", "the right password")
    assert "Wrong editor name or password." in [e.value for e in at.error]


def test_editor_signs_in_sees_notes_and_signs_out(hashed):
    at = sign_in(run_app(hashed), "jkim", "the right password")
    assert not at.exception and not at.error
    assert "Signed in as jkim (editor)" in [c.value for c in at.sidebar.caption]
    assert NOTE in page_text(at)
    assert "Save" in [b.label for b in at.button]
    next(b for b in at.sidebar.button if b.label == "Sign out").click()
    at.run()
    assert NOTE not in page_text(at)
    assert "Save" not in [b.label for b in at.button]


def test_without_accounts_there_is_no_sign_in(hashed):
    at = run_app(None)
    assert not at.exception
    assert "Sign in" not in [b.label for b in at.button]
    assert NOTE not in page_text(at)


def test_repeated_failures_pause_the_form(hashed):
    at = run_app(hashed)
    for _ in range(5):
        at = sign_in(at, "jkim", "guess")
    assert any("Too many failed attempts" in w.value for w in at.warning)
    at.run()
    assert any("Too many failed attempts" in w.value for w in at.warning)
    assert not at.sidebar.text_input  # no form to guess with until the pause is over
