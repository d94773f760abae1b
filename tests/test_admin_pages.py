"""AppTest: the administrator's participants, import and settings pages."""

import pytest

from digled import audit, auth, invitations, organisation
from digled.validation import escape_markdown
from tests.apptest import app_as, page_text

PARTICIPANTS = "pages/admin_participants.py"
IMPORT = "pages/admin_import.py"
SETTINGS = "pages/admin_settings.py"


def _open(page: str, username: str = "admin"):
    at = app_as(username, page=page).run()
    assert not at.exception, at.exception
    return at


def _fill_add_form(at, **values):
    for key in ("name", "email"):
        if key in values:
            at.text_input(key=f"add_{key}").input(values[key])
    for key in ("municipality", "area", "level"):
        if key in values:
            at.selectbox(key=f"add_{key}").set_value(values[key])
    at.button(key="add_submit").click().run()
    assert not at.exception, at.exception


def _pick(at, demo_db, username: str):
    at.selectbox(key="participant_pick").set_value(auth.get_user(demo_db, username).id).run()
    assert not at.exception, at.exception


def test_admin_adds_a_participant(demo_db):
    at = _open(PARTICIPANTS)
    _fill_add_form(at, name="Nina Nord", email="nina.nord@glostrup.dk", municipality="Glostrup", area="kultur",
                   level="mellemleder")
    assert "Nina Nord was added." in [s.value for s in at.success]
    nina = auth.get_user(demo_db, "nina.nord")
    assert (nina.municipality, nina.area, nina.level, nina.roles) == ("Glostrup", "kultur", "mellemleder", ("leader",))
    assert at.text_input(key="add_name").value == ""  # the form is empty for the next one
    assert audit.recent(demo_db, 1)[0]["action"] == "add participant"


def test_a_bad_field_is_named_and_nothing_typed_is_lost(demo_db):
    at = _open(PARTICIPANTS)
    _fill_add_form(at, name="Nina Nord", email="nina.nord@", municipality="Glostrup", area="kultur")
    errors = [e.value for e in at.error]
    assert "e-mail: not a valid e-mail address" in errors and "leader level: missing value" in errors
    assert at.text_input(key="add_name").value == "Nina Nord"
    assert at.selectbox(key="add_area").value == "kultur"
    assert auth.get_user(demo_db, "nina.nord") is None


def test_filters_narrow_the_list(demo_db):
    at = _open(PARTICIPANTS)
    total = demo_db.execute("SELECT COUNT(*) FROM users").fetchone()[0]
    assert f"{total} participants" in page_text(at)
    at.selectbox(key="filter_municipality").set_value("Glostrup").run()
    at.selectbox(key="filter_level").set_value("topleder").run()
    expected = demo_db.execute("SELECT COUNT(*) FROM users WHERE municipality='Glostrup' AND level='topleder'").fetchone()[0]
    assert f"{expected} participants" in page_text(at)
    at.selectbox(key="filter_municipality").set_value(None)
    at.selectbox(key="filter_level").set_value(None)
    at.selectbox(key="filter_role").set_value("admin").run()
    assert list(at.dataframe[0].value["Username"]) == ["admin"]


def test_admin_edits_a_participant(demo_db):
    at = _open(PARTICIPANTS)
    _pick(at, demo_db, "leder")
    picked = auth.get_user(demo_db, "leder").id
    at.selectbox(key=f"edit_{picked}_area").set_value("skole")
    at.multiselect(key=f"edit_{picked}_roles").set_value(["leader", "management"])
    at.button(key="edit_submit").click().run()
    assert "Saved." in [s.value for s in at.success]
    lea = auth.get_user(demo_db, "leder")
    assert (lea.area, lea.roles) == ("skole", ("leader", "management"))


def test_admin_cannot_remove_their_own_admin_role(demo_db):
    at = _open(PARTICIPANTS)
    _pick(at, demo_db, "admin")
    me = auth.get_user(demo_db, "admin").id
    at.multiselect(key=f"edit_{me}_roles").set_value(["leader"])
    at.button(key="edit_submit").click().run()
    assert "roles: you cannot remove your own administrator role" in [e.value for e in at.error]
    assert auth.get_user(demo_db, "admin").roles == ("admin",)


def test_admin_deactivates_and_reactivates(demo_db):
    at = _open(PARTICIPANTS)
    _pick(at, demo_db, "leder")
    at.button(key="deactivate").click().run()
    lea = auth.get_user(demo_db, "leder")
    assert not lea.active and lea.sessions_valid_after > 0
    assert "Lea Dam was deactivated and logged out everywhere." in [s.value for s in at.success]
    assert "This account is deactivated: the participant cannot log in." in [w.value for w in at.warning]
    at.button(key="reactivate").click().run()
    assert auth.get_user(demo_db, "leder").active


def test_admin_resends_an_invitation(demo_db, smtp_server):
    pending = invitations.pending(demo_db)[0]  # a leader who never activated the account
    at = _open(PARTICIPANTS)
    _pick(at, demo_db, pending.username)
    at.button(key="resend_invitation").click().run()
    assert not at.exception
    assert not at.code  # e-mailed, so the link is not shown
    sent_to = escape_markdown(pending.email)  # user text in a Markdown message is escaped (issue 14)
    assert f"A new invitation was sent to {sent_to}. Older links no longer work." in [s.value for s in at.success]
    [msg] = smtp_server.messages
    link = msg.get_body(("plain",)).get_content().split("\n")
    token = next(line for line in link if "token=" in line).split("token=")[1].strip()
    assert invitations.verify(demo_db, token).user.username == pending.username


def _upload(at, data: bytes, name: str = "deltagere.csv"):
    at.file_uploader[0].set_value((name, data, "text/csv")).run()
    assert not at.exception, at.exception


HEADER = "navn;e-mail;kommune;fagområde;lederniveau\n"
LINES = ["Nina Nord;nina.nord@glostrup.dk;Glostrup;Kultur og fritid;Mellemleder\n",
         "Ole Øst;ole.oest@albertslund.dk;Albertslund;skole;topleder\n"]


def test_import_preview_names_the_bad_line_and_imports_nothing(demo_db):
    before = demo_db.execute("SELECT COUNT(*) FROM users").fetchone()[0]
    at = _open(IMPORT)
    _upload(at, (HEADER + LINES[0] + "Ole Øst;ole.oest@;Albertslund;skole;topleder\n").encode())
    errors = at.dataframe[0].value
    assert errors.to_dict("records") == [{"Line": 3, "Column": "e-mail", "Problem": "not a valid e-mail address"}]
    assert "Problems in deltagere.csv: 1." in at.error[0].value
    assert not [b for b in at.button if b.key == "import_confirm"]
    assert demo_db.execute("SELECT COUNT(*) FROM users").fetchone()[0] == before
    _upload(at, (HEADER + "".join(LINES)).encode())
    assert list(at.dataframe[0].value["Username"]) == ["nina.nord", "ole.oest"]
    at.button(key="import_confirm").click().run()
    assert "2 participants were imported." in [s.value for s in at.success]
    assert demo_db.execute("SELECT COUNT(*) FROM users").fetchone()[0] == before + 2
    assert auth.get_user(demo_db, "nina.nord").area == "kultur"


def test_settings_k_and_the_audit_log(demo_db):
    at = _open(SETTINGS)
    assert at.number_input(key="min_group_size").value == 5
    at.number_input(key="min_group_size").set_value(8)
    at.button(key="save_min_group_size").click().run()
    assert organisation.min_group_size(demo_db) == 8
    at.text_input(key="audit_filter").input("min_group").run()
    log = at.dataframe[-1].value
    assert list(log["Action"]) == ["set min_group_size"] and list(log["Detail"]) == ["8"]
    assert at.number_input(key="min_group_size").min == 3


def test_settings_lists_have_save_and_reset(demo_db):
    at = _open(SETTINGS)
    assert [b.key for b in at.button if b.key and b.key.startswith("save_")][:3] == [
        "save_min_group_size", "save_municipalities", "save_areas"]
    at.button(key="reset_municipalities").click().run()  # the defaults: allowed, audited
    assert audit.recent(demo_db, 1)[0]["action"] == "reset municipalities"


@pytest.mark.parametrize("username", ["leder", "ledelse"])
@pytest.mark.parametrize("page", [PARTICIPANTS, IMPORT, SETTINGS])
def test_leaders_and_management_are_refused(demo_db, username, page):
    at = app_as(username, page=page).run()
    assert "You do not have access to this page." in [e.value for e in at.error]
    assert not at.dataframe and not at.file_uploader and not at.text_input
