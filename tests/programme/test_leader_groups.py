"""Leader groups with chairs (issue 12): the rules in digled.programme.leader_groups, the administrator's
page and the chair's section on the meetings page (AppTest, da and en)."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pandas as pd
import pytest

from digled.accounts import auth, participants
from digled.content import programme
from digled.platform import audit, dates, i18n
from digled.programme import attendance, schedule
from digled.programme import leader_groups as lg
from tests.apptest import app_as, page_text

ADMIN_PAGE = "pages/admin_groups.py"
MEETINGS = "pages/meetings.py"


def _leaders(db, *names, roles=("leader",)):
    return [auth.create_user(db, username=n.lower(), name=n, municipality="Glostrup", area="skole", roles=roles)
            for n in names]


def _user(db, uid):
    return auth.get_user(db, db.execute("SELECT username FROM users WHERE id = ?", [uid]).fetchone()[0])


@pytest.fixture
def group(database):
    """A group 'Skole' with Anna (chair), Bo and Cai; Dan is in the group 'Teknik'."""
    anna, bo, cai, dan = _leaders(database, "Anna", "Bo", "Cai", "Dan")
    g = lg.create(database, "admin", "Skole")
    other = lg.create(database, "admin", "Teknik")
    lg.set_members(database, "admin", g, [anna, bo, cai])
    lg.set_members(database, "admin", other, [dan])
    lg.set_chair(database, "admin", g, anna)
    return database, g, other, dict(anna=anna, bo=bo, cai=cai, dan=dan)


def _progress(db, activity):
    return dict(db.execute("SELECT user_id, status FROM progress WHERE activity = ?", [activity]).fetchall())


# --- names ------------------------------------------------------------------------------------


def test_names_are_trimmed_non_empty_unique_and_errors_say_which(database):
    g = lg.create(database, "admin", "  Skole  ")
    assert lg.get(database, g).name == "Skole"
    with pytest.raises(lg.GroupError) as e:
        lg.create(database, "admin", "   ")
    assert str(e.value) == "The name of the leader group is empty."
    with pytest.raises(lg.GroupError) as e:
        lg.create(database, "admin", "skole")  # unique regardless of case
    assert str(e.value) == "A leader group named \u201cskole\u201d already exists."
    with pytest.raises(lg.GroupError):
        lg.create(database, "admin", "x" * 81)
    other = lg.create(database, "admin", "Teknik")
    with pytest.raises(lg.GroupError) as e:
        lg.rename(database, "admin", other, "Skole")
    # the message names the group being renamed, in both languages
    assert e.value.text(i18n.translator("en")) == (
        "Leader group \u201cTeknik\u201d: A leader group named \u201cSkole\u201d already exists.")
    assert e.value.text(i18n.translator("da")) == (
        "Ledergruppen \u201eTeknik\u201c: Der findes allerede en ledergruppe med navnet \u201eSkole\u201c.")
    lg.rename(database, "admin", other, "Teknik og miljø")
    assert [x.name for x in lg.groups(database)] == ["Skole", "Teknik og miljø"]
    assert database.execute("SELECT COUNT(*) FROM leader_groups").fetchone()[0] == 2


# --- members and chair ------------------------------------------------------------------------


def test_members_chair_group_of_and_chaired_by(group):
    db, g, other, u = group
    skole = lg.get(db, g)
    assert [m.name for m in skole.members] == ["Anna", "Bo", "Cai"]
    assert skole.chair.name == "Anna"
    assert lg.group_of(db, u["bo"]).name == "Skole"
    assert lg.chaired_by(db, u["anna"]).id == g
    assert lg.chaired_by(db, u["bo"]) is None
    assert lg.group_of(db, u["dan"]).id == other
    # moving Dan into Skole takes him out of Teknik
    assert lg.set_members(db, "admin", g, [u["anna"], u["bo"], u["cai"], u["dan"]]) == (1, 0)
    assert lg.get(db, other).members == ()
    assert lg.group_of(db, u["dan"]).id == g


def test_the_chair_must_be_an_active_member(group):
    db, g, other, u = group
    with pytest.raises(lg.GroupError) as e:
        lg.set_chair(db, "admin", other, u["bo"])
    assert str(e.value) == ("Leader group \u201cTeknik\u201d: Bo is not a member of the group. "
                            "Add them to the group first.")
    (mgr,) = _leaders(db, "Mona", roles=("management",))
    with pytest.raises(lg.GroupError) as e:
        lg.set_members(db, "admin", g, [u["anna"], mgr])
    assert "Mona cannot be a member" in str(e.value)
    participants.set_active(db, u["dan"], False, "admin")
    with pytest.raises(lg.GroupError) as e:
        lg.set_chair(db, "admin", other, u["dan"])
    assert "Dan is not an active participant" in str(e.value)
    assert lg.get(db, other).chair_id is None


def test_a_deactivated_chair_chairs_nothing(group):
    db, g, _, u = group
    participants.set_active(db, u["anna"], False, "admin")
    assert lg.chaired_by(db, u["anna"]) is None
    with pytest.raises(lg.GroupError):
        lg.register_for_group(db, _user(db, u["anna"]), "meeting1", {u["bo"]: True})


def test_removing_the_chair_from_the_group_clears_the_chair_and_is_audited(group):
    db, g, _, u = group
    assert lg.set_members(db, "admin", g, [u["bo"], u["cai"]]) == (0, 1)
    assert lg.get(db, g).chair_id is None
    assert lg.chaired_by(db, u["anna"]) is None
    actions = [r["action"] for r in audit.recent(db, 2)]
    assert actions == ["clear leader group chair", "set leader group members"]


def test_deleting_the_chair_or_the_group_leaves_no_dangling_reference(group):
    db, g, other, u = group
    db.execute("DELETE FROM users WHERE id = ?", [u["anna"]])
    assert db.execute("SELECT chair_id FROM leader_groups WHERE id = ?", [g]).fetchone()[0] is None
    lg.set_chair(db, "admin", g, u["bo"])
    lg.delete(db, "admin", g)
    assert db.execute("SELECT COUNT(*) FROM users WHERE leader_group = ?", [g]).fetchone()[0] == 0
    assert lg.group_of(db, u["bo"]) is None and lg.chaired_by(db, u["bo"]) is None
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    assert audit.recent(db, 1)[0]["detail"] == "Skole (2 members)"
    with pytest.raises(lg.GroupError):
        lg.get(db, g)


def test_every_change_is_audited_with_the_actor(database):
    (anna,) = _leaders(database, "Anna")
    g = lg.create(database, "anne", "Skole")
    lg.rename(database, "anne", g, "Skolen")
    lg.set_members(database, "anne", g, [anna])
    lg.set_chair(database, "anne", g, anna)
    lg.set_chair(database, "anne", g, None)
    lg.delete(database, "anne", g)
    rows = list(reversed(audit.recent(database, 6)))
    assert [(r["actor"], r["action"], r["detail"]) for r in rows] == [
        ("anne", "create leader group", "Skole"),
        ("anne", "rename leader group", "Skole -> Skolen"),
        ("anne", "set leader group members", "Skolen: 1 added, 0 removed, 1 members"),
        ("anne", "set leader group chair", "Skolen: Anna"),
        ("anne", "set leader group chair", "Skolen: no chair"),
        ("anne", "delete leader group", "Skolen (1 members)"),
    ]


# --- the chair registers attendance ---------------------------------------------------------


def test_a_chair_registers_their_groups_meeting_attendance_audited_as_the_chair(group):
    db, g, _, u = group
    anna = _user(db, u["anna"])
    n = lg.register_for_group(db, anna, "meeting1", {u["anna"]: True, u["bo"]: True, u["cai"]: False},
                              today=date(2026, 3, 1))
    assert n == 3
    assert _progress(db, "meeting1") == {u["anna"]: "attended", u["bo"]: "attended", u["cai"]: "absent"}
    assert lg.attendance(db, lg.get(db, g), "meeting1") == {u["anna"]: "attended", u["bo"]: "attended",
                                                             u["cai"]: "absent"}
    row = audit.recent(db, 1)[0]
    assert (row["actor"], row["action"], row["detail"]) == ("anna", "register attendance",
                                                            "meeting1: 3 changed, 2 attended")
    # the administrator's view is the same data
    df = attendance.table(db, "meeting1").set_index("user_id")
    assert df.loc[u["cai"], "status"] == "absent" and pd.isna(df.loc[u["dan"], "status"])


def test_a_chair_cannot_register_a_meeting_before_it_takes_place(group):
    """Issue 25: before the meeting's day nothing is saved, so nobody unticked becomes 'absent'."""
    db, g, _, u = group
    anna = _user(db, u["anna"])
    opens = attendance.opens(db, "meeting1")
    with pytest.raises(schedule.ScheduleError) as e:
        lg.register_for_group(db, anna, "meeting1", {u["anna"]: True, u["bo"]: False, u["cai"]: False},
                              today=opens - timedelta(days=1))
    assert e.value.params["day"] == opens
    assert _progress(db, "meeting1") == {}
    assert lg.attendance(db, lg.get(db, g), "meeting1") == {u["anna"]: None, u["bo"]: None, u["cai"]: None}
    assert lg.register_for_group(db, anna, "meeting1", {u["anna"]: True, u["bo"]: False}, today=opens) == 2


def test_a_chair_cannot_register_outside_the_group_or_a_workshop(group):
    db, g, _, u = group
    anna = _user(db, u["anna"])
    with pytest.raises(lg.GroupError) as e:
        lg.register_for_group(db, anna, "meeting1", {u["bo"]: True, u["dan"]: True})
    assert str(e.value) == "Dan is not a member of your leader group \u201cSkole\u201d."
    with pytest.raises(lg.GroupError) as e:
        lg.register_for_group(db, anna, "workshop1", {u["bo"]: True})
    assert "only at the leader meetings" in str(e.value)
    with pytest.raises(lg.GroupError):
        lg.register_for_group(db, anna, "no-such-meeting", {u["bo"]: True})
    assert _progress(db, "meeting1") == {} and _progress(db, "workshop1") == {}


def test_a_member_who_is_not_chair_is_refused(group):
    db, g, _, u = group
    for who in ("bo", "dan"):
        with pytest.raises(lg.GroupError) as e:
            lg.register_for_group(db, _user(db, u[who]), "meeting1", {u[who]: True})
        assert str(e.value) == "Only the chair of a leader group can register attendance for the group."
    assert _progress(db, "meeting1") == {}


def test_meetings_are_the_programmes_leader_meetings():
    assert [a.id for a in lg.meetings()] == ["meeting1", "meeting2"]


# --- the administrator's page (AppTest) ------------------------------------------------------


def open_page(username: str, path: str, lang: str = "en"):
    at = app_as(username, lang=lang).run()
    at.switch_page(path).run()
    assert not at.exception, at.exception
    return at


def uid(db, username: str) -> int:
    return auth.get_user(db, username).id


@pytest.mark.parametrize("lang, title", [("en", "Leader groups"), ("da", "Ledergrupper")])
def test_admin_page_lists_the_demo_groups(demo_db, lang, title):
    at = open_page("admin", ADMIN_PAGE, lang)
    assert at.title[0].value == title
    overview = at.dataframe[0].value
    assert len(overview) == len(lg.groups(demo_db)) == 8
    row = overview[overview.iloc[:, 0] == "Albertslund · Dagtilbud / Skole og SFO"].iloc[0]
    assert row.iloc[1] == "Lea Dam"


def test_admin_creates_a_group_assigns_members_and_a_chair(demo_db):
    at = open_page("admin", ADMIN_PAGE)
    at.text_input(key="lg_new_name").input("  Glostrup · Nye ledere ")
    at.button(key="lg_create").click().run()
    assert not at.error, [e.value for e in at.error]
    new = demo_db.execute("SELECT id FROM leader_groups WHERE name = 'Glostrup · Nye ledere'").fetchone()[0]
    assert "The leader group Glostrup · Nye ledere was created" in at.success[0].value
    assert at.selectbox(key="lg_group").value == new
    assert at.text_input(key="lg_new_name").value == ""
    # two participants from other groups move here
    a, b = [p["id"] for p in lg.participants(demo_db)[:2]]
    at.multiselect(key=f"lg_members_{new}").set_value([a, b])
    at.button(key=f"lg_save_members_{new}").click().run()
    assert at.success[0].value == "Members saved: 2 added, 0 removed."
    assert {m.id for m in lg.get(demo_db, new).members} == {a, b}
    at.selectbox(key=f"lg_chair_{new}").set_value(b)
    at.button(key=f"lg_save_chair_{new}").click().run()
    assert lg.get(demo_db, new).chair_id == b
    row = audit.recent(demo_db, 1)[0]
    assert (row["actor"], row["action"]) == ("admin", "set leader group chair")


@pytest.mark.parametrize("lang, message", [
    ("en", "Leader group \u201cGlostrup · Dagtilbud / Skole og SFO\u201d: A leader group named "
           "\u201cAlbertslund · Dagtilbud / Skole og SFO\u201d already exists."),
    ("da", "Ledergruppen \u201eGlostrup · Dagtilbud / Skole og SFO\u201c: Der findes allerede en ledergruppe med "
           "navnet \u201eAlbertslund · Dagtilbud / Skole og SFO\u201c."),
])
def test_a_bad_name_is_named_and_what_was_typed_stays(demo_db, lang, message):
    at = open_page("admin", ADMIN_PAGE, lang)
    at.text_input(key="lg_new_name").input("   ")
    at.button(key="lg_create").click().run()
    assert [e.value for e in at.error] == [
        {"en": "The name of the leader group is empty.", "da": "Ledergruppens navn er tomt."}[lang]]
    glostrup = demo_db.execute(
        "SELECT id FROM leader_groups WHERE name = 'Glostrup · Dagtilbud / Skole og SFO'").fetchone()[0]
    at.selectbox(key="lg_group").set_value(glostrup).run()
    at.text_input(key=f"lg_name_{glostrup}").input("Albertslund · Dagtilbud / Skole og SFO")
    at.button(key=f"lg_rename_{glostrup}").click().run()
    assert [e.value.replace("\\", "") for e in at.error] == [message]
    assert at.text_input(key=f"lg_name_{glostrup}").value == "Albertslund · Dagtilbud / Skole og SFO"
    assert lg.get(demo_db, glostrup).name == "Glostrup · Dagtilbud / Skole og SFO"


def test_admin_deletes_a_group_only_when_ticked(demo_db):
    at = open_page("admin", ADMIN_PAGE)
    gid = at.selectbox(key="lg_group").value
    members = len(lg.get(demo_db, gid).members)
    at.button(key=f"lg_delete_{gid}").click().run()
    assert "Tick 'Yes, delete this group' first." in [e.value for e in at.error]
    at.checkbox(key=f"lg_delete_ok_{gid}").check()
    at.button(key=f"lg_delete_{gid}").click().run()
    assert gid not in {g.id for g in lg.groups(demo_db)}
    assert audit.recent(demo_db, 1)[0]["detail"].endswith(f"({members} members)")


def test_the_groups_page_is_for_administrators_only(demo_db):
    for username in ("leder", "ledelse"):
        at = app_as(username, page=ADMIN_PAGE).run()
        assert "You do not have access to this page." in [e.value for e in at.error]


# --- the chair and the members on the meetings page (AppTest) -------------------------------


@pytest.mark.parametrize("lang", ["en", "da"])
def test_the_chair_leder_registers_attendance_at_a_leader_meeting(demo_db, lang):
    _ = i18n.translator(lang)
    mine = lg.chaired_by(demo_db, uid(demo_db, "leder"))
    assert mine.name == "Albertslund · Dagtilbud / Skole og SFO"
    at = open_page("leder", MEETINGS, lang)
    text = page_text(at).replace("\\", "")  # names are escaped for Markdown
    assert _("Your leader group") + ": " + mine.name in text
    assert _("Questions for the group's discussion") in text
    # the meeting's questions, as everyone's; never a member's private notes
    q = next(a for a in lg.meetings() if a.id == "meeting2").reflections[0].text[lang]
    assert q in text
    demo_db.execute("INSERT INTO reflections (user_id, question, activity, text, updated_at) VALUES "
                    "(?, 'meeting2-r1', 'meeting2', 'HEMMELIG NOTE', '2026-01-01T00:00:00+00:00')",
                    [mine.active_members[1].id])
    demo_db.conn.commit()
    at.run()
    assert "HEMMELIG NOTE" not in page_text(at) + str([c.proto.json for c in at.get("bidi_component")])
    # meeting 2 has not taken place: no form to save, the date it opens instead (issue 25)
    opens = programme.schedule(demo_db, programme.programme())["meeting2"].opens
    assert opens > date.today()
    assert not [c for c in at.checkbox if c.key and c.key.startswith("grp_meeting2_")]
    assert not [b for b in at.button if b.key == "grp_save_meeting2"]
    assert dates.day(opens, lang) in text
    assert lg.attendance(demo_db, mine, "meeting2") == dict.fromkeys(m.id for m in mine.active_members)
    # meeting 1 has: one checkbox per member; tick two, save
    before = lg.attendance(demo_db, mine, "meeting1")
    boxes = [c for c in at.checkbox if c.key and c.key.startswith("grp_meeting1_")]
    assert sorted(int(c.key.rsplit("_", 1)[1]) for c in boxes) == sorted(m.id for m in mine.active_members)
    ticked = [m.id for m in mine.active_members[:2]]
    for c in boxes:
        c.set_value(int(c.key.rsplit("_", 1)[1]) in ticked)
    at.button(key="grp_save_meeting1").click().run()
    assert not at.error, [e.value for e in at.error]
    n = len(mine.active_members)
    want = {m.id: ("attended" if m.id in ticked else "absent") for m in mine.active_members}
    changed = sum(before[i] != want[i] for i in want)
    assert _("Attendance saved for {group}: {attended} of {members} attended, {n} changed.").format(
        group=mine.name, attended=2, members=n, n=changed) in [x.value.replace("\\", "") for x in at.success]
    assert lg.attendance(demo_db, mine, "meeting1") == want
    row = audit.recent(demo_db, 1)[0]
    assert (row["actor"], row["action"], row["detail"]) == ("leder", "register attendance",
                                                            f"meeting1: {changed} changed, 2 attended")
    # workshops stay with the administrator: no chair form there
    assert not [c for c in at.checkbox if c.key and c.key.startswith("grp_workshop")]


@pytest.mark.parametrize("lang", ["en", "da"])
def test_a_member_who_is_not_chair_sees_the_group_and_chair_but_no_form(demo_db, lang):
    _ = i18n.translator(lang)
    leder = uid(demo_db, "leder")
    group = lg.group_of(demo_db, leder)
    member = next(m for m in group.active_members if m.id != leder)
    username = demo_db.execute("SELECT username FROM users WHERE id = ?", [member.id]).fetchone()[0]
    at = open_page(username, MEETINGS, lang)
    text = page_text(at).replace("\\", "")  # names are escaped for Markdown
    assert _("Your leader group") + ": " + group.name in text
    assert _("Chair: {name}").format(name="Lea Dam") in text
    assert not [c for c in at.checkbox if c.key and c.key.startswith("grp_")]
    assert _("Questions for the group's discussion") not in text
    # nothing of another group
    others = [g for g in lg.groups(demo_db) if g.id != group.id]
    assert others and not any(g.name in text for g in others)


# --- the optional `ledergruppe` column of the participant import -----------------------------


def test_import_puts_participants_in_the_named_leader_group(database):
    from digled.accounts import importer

    g = lg.create(database, "admin", "Glostrup · Skole")
    data = ("navn;e-mail;kommune;fagområde;lederniveau;ledergruppe\r\n"
            "Bo Berg;bo@glostrup.dk;Glostrup;skole;topleder;  glostrup · skole \r\n"
            "Cai Cold;cai@glostrup.dk;Glostrup;skole;topleder;\r\n").encode()
    assert importer.import_file(database, data, "liste.csv", "admin") == 2
    assert [m.name for m in lg.get(database, g).members] == ["Bo Berg"]
    assert lg.group_of(database, auth.get_user(database, "cai").id) is None
    assert audit.recent(database, 1)[0]["detail"] == "liste.csv: 2, 1 in leader groups"


def test_import_names_the_line_with_an_unknown_leader_group_and_writes_nothing(database):
    from digled.accounts import importer

    lg.create(database, "admin", "Skole")
    data = (b"name,email,municipality,area,level,leader group\n"
            b"Bo Berg,bo@glostrup.dk,Glostrup,skole,topleder,Skole\n"
            b"Cai Cold,cai@glostrup.dk,Glostrup,skole,topleder,Skolen\n")
    result = importer.parse(database, data, "x.csv")
    assert [e.describe() for e in result.errors] == [
        "line 3: there is no leader group named \u201cSkolen\u201d: create it under Leader groups first"]
    assert importer.error_table(result.errors, i18n.translator("da")).to_dict("records") == [
        {"line": 3, "column": "",
         "problem": "der findes ingen ledergruppe med navnet \u201eSkolen\u201c: opret den først under Ledergrupper"}]
    with pytest.raises(importer.ImportRejected):
        importer.import_file(database, data, "x.csv", "admin")
    assert database.execute("SELECT COUNT(*) FROM users").fetchone()[0] == 0
    twice = b"name,email,municipality,area,level,ledergruppe,Leader group\nBo,bo@x.dk,Glostrup,skole,topleder,,\n"
    assert [e.describe() for e in importer.parse(database, twice).errors] == [
        "line 1: the column Leader group appears twice"]


# --- the chair's summary of a leader meeting (issue 23) ------------------------------------------


def test_the_chair_writes_one_summary_per_meeting_replaced_as_edited(group):
    db, g, _, ids = group
    anna = _user(db, ids["anna"])
    lg.save_summary(db, anna, "meeting1", "Vi talte om ansvar.")
    lg.save_summary(db, anna, "meeting1", "Vi talte om ansvar og mål.")  # sent twice: stored once
    assert lg.own_summary(db, g, "meeting1")[0] == "Vi talte om ansvar og mål."
    assert db.execute("SELECT COUNT(*) FROM group_summaries").fetchone()[0] == 1
    lg.save_summary(db, anna, "meeting1", "  ")  # emptied: no summary
    assert lg.own_summary(db, g, "meeting1") == ("", None)


@pytest.mark.parametrize("who, activity, body", [
    ("bo", "meeting1", "Et referat"),  # a member who is not the chair
    ("dan", "meeting1", "Et referat"),  # in another group without a chair
    ("anna", "workshop1", "Et referat"),  # a workshop is no leader meeting
    ("anna", "nothing", "Et referat"),
    ("anna", "meeting1", "x" * (lg.MAX_SUMMARY + 1)),
])
def test_only_the_chair_writes_a_leader_meetings_summary(group, who, activity, body):
    db, *_, ids = group
    with pytest.raises(lg.GroupError):
        lg.save_summary(db, _user(db, ids[who]), activity, body)
    assert db.execute("SELECT COUNT(*) FROM group_summaries").fetchone()[0] == 0


def test_the_administrator_reads_the_summaries_before_each_workshop_without_names(group):
    db, g, _, ids = group
    lg.save_summary(db, _user(db, ids["anna"]), "meeting1", "Bo og anna var uenige med Dan om Boligen.")
    lg.save_summary(db, _user(db, ids["anna"]), "meeting2", "Andet møde.")
    [(meeting, [s])] = lg.summaries_for_workshop(db, "workshop1")
    assert meeting.id == "meeting1" and s.group == "Skole"
    # members' first names and every participant's full name are blanked; other words stay
    assert s.body == "[…] og […] var uenige med […] om Boligen."
    [(meeting, [s])] = lg.summaries_for_workshop(db, "workshop2")
    assert meeting.id == "meeting2" and s.body == "Andet møde."
    # the chair reads her own text as typed
    assert lg.own_summary(db, g, "meeting1")[0].startswith("Bo og anna")


def test_a_summary_goes_with_its_group(group):
    db, g, _, ids = group
    lg.save_summary(db, _user(db, ids["anna"]), "meeting1", "Noget")
    lg.delete(db, "admin", g)
    assert db.execute("SELECT COUNT(*) FROM group_summaries").fetchone()[0] == 0


@pytest.mark.parametrize("lang", ["en", "da"])
def test_the_chair_sees_the_summary_field_with_the_sharing_note_and_members_do_not(demo_db, lang):
    _ = i18n.translator(lang)
    mine = lg.chaired_by(demo_db, uid(demo_db, "leder"))
    lg.save_summary(demo_db, _user(demo_db, uid(demo_db, "leder")), "meeting1", "Vi talte om mål.")
    at = open_page("leder", MEETINGS, lang)
    text = page_text(at)
    assert _("Shared with the programme's administrators, who read it when preparing the next workshop with its "
             "facilitators. Write what the group discussed, without names: a name typed anyway is blanked out. "
             "Your own notes below stay private.") in text
    fields = {e.proto.id.split("-", 2)[2]: json.loads(e.proto.json) for e in at.get("bidi_component")}
    field = fields["summary_meeting1"]
    assert field["label"] == _("What did the group discuss? (no names)") and field["value"] == "Vi talte om mål."
    assert field["flush"]["question"] == "summary:meeting1"
    assert "summary_meeting2" not in fields  # meeting 2 has not taken place yet
    # a member who is not the chair has no summary field
    member = next(m for m in mine.active_members if m.id != mine.chair_id)
    username = demo_db.execute("SELECT username FROM users WHERE id = ?", [member.id]).fetchone()[0]
    other = open_page(username, MEETINGS, lang)
    assert not [e for e in other.get("bidi_component") if "summary_" in e.proto.id]


@pytest.mark.parametrize("lang", ["en", "da"])
def test_the_administrator_reads_the_demo_summaries_when_preparing_a_workshop(demo_db, lang):
    _ = i18n.translator(lang)
    secret = "HEMMELIG NOTE"
    leder = uid(demo_db, "leder")
    demo_db.execute("INSERT INTO reflections (user_id, question, activity, text, updated_at) VALUES "
                    "(?, 'meeting1-r1', 'meeting1', ?, '2026-01-01T00:00:00+00:00')", [leder, secret])
    demo_db.conn.commit()
    at = open_page("admin", "pages/admin_workshops.py", lang)
    text = page_text(at)
    assert _("What the leader groups discussed before this workshop") in [e.label for e in at.expander]
    [(meeting, summaries)] = lg.summaries_for_workshop(demo_db, "workshop1")
    assert len(summaries) == 3
    for s in summaries:
        assert s.group in text.replace("\\", "") and s.body[:40] in text.replace("\\", "")
    assert secret not in text  # the leaders' private reflections stay private
