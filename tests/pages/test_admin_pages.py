"""AppTest: the administrator's participants, import and settings pages."""



import pytest

from digled.accounts import auth, identities, invitations, organisation
from digled.platform import audit, i18n
from digled.platform.validation import escape_markdown
from tests.apptest import app_as, page_text, shown

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
    assert list(at.dataframe[0].value["E-mail"]) == [demo_db.execute(
        "SELECT email FROM users WHERE username = 'admin'").fetchone()[0]]


def test_admin_edits_a_participant(demo_db):
    at = _open(PARTICIPANTS)
    _pick(at, demo_db, "leder")
    picked = auth.get_user(demo_db, "leder").id
    at.selectbox(key=f"edit_{picked}_area").set_value("skole")
    at.multiselect(key=f"edit_{picked}_roles").set_value(["leader", "management"])
    at.button(key="edit_submit").click().run()
    [saved] = [s.value for s in at.success]
    assert saved.startswith("Saved. The management role has been asked for")
    lea = auth.get_user(demo_db, "leder")
    # an administrator alone only asks: a management user confirms (identities.py)
    assert (lea.area, lea.roles) == ("skole", ("leader",)) and identities.pending_for(demo_db, lea.id)
    assert any(i.value.startswith("The management role has been asked for") for i in at.info)


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
    assert "deltagere.csv cannot be imported: 1 to fix." in at.error[0].value
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



def test_settings_k_out_of_range_is_answered_in_danish_and_kept(demo_db):
    """Issue 25: no range in the widget (Streamlit's front end would answer in English); the page
    checks the value, says why in the user's language and keeps what was typed."""
    at = app_as("admin", page=SETTINGS, lang="da").run()
    assert at.number_input(key="min_group_size").min is None or at.number_input(key="min_group_size").min < 2
    at.number_input(key="min_group_size").set_value(2)
    at.button(key="save_min_group_size").click().run()
    assert organisation.min_group_size(demo_db) == 5
    assert at.number_input(key="min_group_size").value == 2
    _ = i18n.translator("da")
    assert [e.value for e in at.error] == [_("The minimum group size must be a whole number from 3 to 100.")]


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


# --- Vejledninger og videoer (guide and film videos) ------------------------------------------

CONTENT = "pages/admin_content.py"


def test_admin_saves_a_video_address_and_the_preview_plays_it(demo_db):
    from digled.content import guides

    at = _open(CONTENT)
    assert at.title[0].value == "Guides and videos"
    at.text_input(key="video_assessment").input("https://video.albertslund.dk/guide.mp4")
    at.text_input(key="video_film1").input("https://vimeo.com/123456")
    at.button(key="save_videos").click().run()
    assert not at.exception, at.exception
    assert "Saved: 2 changed." in [s.value for s in at.success]
    assert guides.video_url(demo_db, "assessment") == "https://video.albertslund.dk/guide.mp4"
    assert guides.video_url(demo_db, "film1") == "https://vimeo.com/123456"
    assert [r["action"] for r in audit.recent(demo_db, 2)] == ["set guide video", "set guide video"]
    assert at.text_input(key="video_assessment").value == "https://video.albertslund.dk/guide.mp4"
    videos = at.get("video")
    assert len(videos) == 1 and videos[0].proto.url == "https://video.albertslund.dk/guide.mp4"


def test_a_bad_address_is_refused_naming_the_field_and_nothing_typed_is_lost(demo_db):
    from digled.content import guides, programme

    at = app_as("admin", page=CONTENT, lang="da").run()
    assert at.title[0].value == "Vejledninger og videoer"
    at.text_input(key="video_wheel").input("http://video.albertslund.dk/hjul.mp4")
    at.text_input(key="video_films").input("https://video.albertslund.dk/film.mp4")
    at.text_input(key="video_kl1").input("https://video.albertslund.dk/kl 1.mp4")
    at.button(key="save_videos").click().run()
    assert not at.exception, at.exception
    errors = [shown(e.value) for e in at.error]  # the film's title is escaped content (issue 21)
    assert "Vejledning før kompetencehjulet: adressen skal begynde med https://" in errors
    kl1 = programme.programme().activity("kl1").title["da"]
    assert kl1 + " (KL-film): adressen må ikke indeholde mellemrum" in errors
    assert guides.videos(demo_db) == {}  # all or nothing: the good one is not saved either
    assert at.text_input(key="video_wheel").value == "http://video.albertslund.dk/hjul.mp4"
    assert at.text_input(key="video_films").value == "https://video.albertslund.dk/film.mp4"
    assert at.text_input(key="video_kl1").value == "https://video.albertslund.dk/kl 1.mp4"


def test_without_a_video_the_text_guide_stands_alone(demo_db):
    at = _open(CONTENT)
    at.selectbox(key="preview_guide").set_value("films").run()
    assert not at.exception, at.exception
    assert not at.get("video") and not at.get("link_button")
    assert "About the e-learning and the films" in [s.value for s in at.subheader]
    assert any("your own digital habits" in m.value for m in at.markdown)


def test_the_content_page_is_for_administrators_only(demo_db):
    leader = demo_db.execute("SELECT username FROM users WHERE roles = 'leader' AND active = 1 LIMIT 1").fetchone()[0]
    at = app_as(leader, page=CONTENT).run()
    assert not at.get("text_input")
    assert "You do not have access to this page." in [e.value for e in at.error]


# --- Danish dates and role names (issue 10) -----------------------------------------------------


def test_my_account_names_the_roles_in_the_users_language(demo_db):
    at = app_as("admin", page="pages/account.py", lang="da").run()
    assert not at.exception, at.exception
    assert "Roller: Administrator" in [c.value for c in at.caption]
    leader = demo_db.execute("SELECT username FROM users WHERE roles = 'leader' AND active = 1 LIMIT 1").fetchone()[0]
    at = app_as(leader, page="pages/account.py", lang="da").run()
    assert "Roller: Leder" in [c.value for c in at.caption]
    at = app_as(leader, page="pages/account.py", lang="en").run()
    assert "Roles: Leader" in [c.value for c in at.caption]


@pytest.mark.parametrize("page, key", [(SETTINGS, "kickoff_date"), ("pages/admin_schedule.py", "schedule_kickoff"),
                                       ("pages/admin_data.py", "retention_date")])
@pytest.mark.parametrize("lang, expected", [("da", "DD.MM.YYYY"), ("en", "DD/MM/YYYY")])
def test_date_pickers_use_the_users_format(demo_db, page, key, lang, expected):
    at = app_as("admin", page=page, lang=lang).run()
    assert not at.exception, at.exception
    assert at.date_input(key=key).proto.format == expected


def test_participant_dates_are_shown_in_danish(demo_db):
    from datetime import date

    from digled.platform import dates

    person = demo_db.execute(
        "SELECT u.id, u.invited_at, p.taken_on FROM users u JOIN participation p ON p.user_id = u.id "
        "WHERE p.round = 'start' AND u.invited_at IS NOT NULL ORDER BY u.id LIMIT 1").fetchone()
    at = app_as("admin", page=PARTICIPANTS, lang="da").run()
    at.selectbox(key="participant_pick").set_value(person[0]).run()
    assert not at.exception, at.exception
    caption = next(c.value for c in at.caption if c.value.startswith("Brugernavn ") and "inviteret" in c.value)
    assert "inviteret " + dates.day(date.fromisoformat(person[1]), "da", "medium") in caption
    assert dates.day(date.fromisoformat(person[2]), "da", "medium") in caption
    assert person[2] not in caption  # no ISO date
    (table,) = [d for d in at.dataframe if "Aktiveret" in d.value.columns]
    # Danish days as text, "–" where there is none (a missing date would show as "None", issue 25)
    shown = table.value["Startafklaring"]
    assert shown.str.fullmatch(r"\d{2}\.\d{2}\.\d{4}|–").all()
    assert dates.day(date.fromisoformat(person[2]), "da", "short") in set(shown)
    assert not table.value.isna().any().any()


def test_an_administrator_asks_what_a_management_account_reads_and_management_confirms(demo_db):
    at = _open(PARTICIPANTS)
    _pick(at, demo_db, "ledelse")
    assert "Now: Every municipality." in " ".join(c.value for c in at.caption)
    at.selectbox(key=f"scope_pick_{auth.get_user(demo_db, 'ledelse').id}").set_value("Glostrup").run()
    at.button(key="scope_ask").click().run()
    assert not at.exception
    assert auth.get_user(demo_db, "ledelse").scope is None  # the administrator only asks
    [request] = identities.pending_scopes(demo_db)
    # Albertslund's account cannot give Glostrup; Glostrup's can
    for username, scope in (("ledelse_albertslund", None), ("ledelse_glostrup", "Glostrup")):
        page = app_as(username).run()
        page.switch_page("pages/management_participation.py").run()
        page.button(key=f"grant_scope_{request['id']}").click().run()
        assert not page.exception
        assert auth.get_user(demo_db, "ledelse").scope == scope
    assert identities.pending_scopes(demo_db) == []
