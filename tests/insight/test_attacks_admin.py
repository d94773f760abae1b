"""Issue 9, attacks 5, 7 and 8: an administrator using every in-app feature tries to link answers
to people, to take over a leader's account, and to invent leaders and read the difference.

Each test plays the attacker with only what the attacker can get (the backup download, the
participants and reminders pages' functions, invitation links the app shows), computes what
the attack yields, and checks it against the ground truth (the pseudonym of every user under
the server secret, which the attacker does not have): it must reveal nothing.
"""

from __future__ import annotations

import json
import re
import sqlite3

import pytest

from digled.accounts import auth, invitations, navigation, notices, participants
from digled.assessment import answering
from digled.platform import db, migrations, pseudonyms
from digled.programme import invitation_sending
from tests.conftest import SECRET

MANAGEMENT_PAGES = [p for p in navigation.PAGES if p.roles == ("management",)]


def _answer_all(d, framework, draft_id, value):
    for q in answering.question_ids(framework):
        answering.save_answer(d, framework, draft_id, q, value)


def _take_assessment(d, framework, user_id: int, value: int, round_: str = "start") -> answering.Attempt:
    """What the assessment page does for a logged-in leader (the server knows the secret)."""
    user = auth.get_user_by_id(d, user_id)
    respondent = pseudonyms.of_user(SECRET, user_id)
    draft = answering.start(d, respondent, round_, user.municipality, user.area, user.level, secret=SECRET)
    _answer_all(d, framework, draft.id, value)
    attempt = answering.submit(d, framework, draft.id, secret=SECRET)
    answering.record_participation(d, user_id, round_)
    return attempt


def _add_fake_publication(d) -> None:
    """A published figure as management would see it (the schema of step 4)."""
    with db.write(d):
        d.execute("INSERT INTO publications (made_at, trigger, summary) VALUES ('2026-01-01T00:00:00+00:00', 'test', '{}')")
        d.execute("INSERT INTO released_groups (publication_id, kind, grp, status, n, figures) "
                  "VALUES (1, 'assessment', '[\"start\"]', 'new', 5, '{\"total\": 61.25}')")
        d.execute("INSERT INTO released_sets (publication_id, kind, grp, members) VALUES (1, 'assessment', '[\"start\"]', x'00')")


# --- attack 5: administrator linkage ----------------------------------------------------------------


def _link_by_order(assessment_rows: list[tuple], participation_rows: list[tuple]) -> dict[str, int]:
    """The issue's attack: per round, the n-th assessment row (table order) is the n-th
    participation row (insertion order), both written when the leader submitted."""
    named = {}
    for rnd in ("start", "end"):
        rows = [r for r in assessment_rows if r[1] == rnd]
        people = [p for p in participation_rows if p[1] == rnd]
        named.update({resp: uid for (resp, _), (uid, *_) in zip(rows, people)})
    return named


def _link_by_day(assessment_rows: list[tuple], participation_rows: list[tuple]) -> dict[str, int]:
    """The issue's other attack: a row whose day and round only one participant shares."""
    named = {}
    for resp, rnd, day in assessment_rows:
        same = [uid for uid, r, taken in participation_rows if r == rnd and taken == day and day]
        if len(same) == 1:
            named[resp] = same[0]
    return named


def test_attack_5_the_backup_download_links_no_answer_to_anyone(demo_db, tmp_path):
    truth = {pseudonyms.of_user(SECRET, uid): uid for (uid,) in demo_db.execute("SELECT id FROM users")}
    live = demo_db.execute("SELECT respondent, sealed, scores, '' FROM assessments").fetchall()
    assert len(live) > 40
    _add_fake_publication(demo_db)

    # what the administrator downloads from Settings and backup
    path = db.admin_backup(demo_db, tmp_path / "download.db")
    raw = path.read_bytes()
    copy = sqlite3.connect(path)
    for table in ("assessments", "answers", "released_sets", "released_groups"):
        assert copy.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] == 0, table
    participation = copy.execute("SELECT user_id, round, taken_on FROM participation ORDER BY rowid").fetchall()
    assert participation  # the administrator still sees who took which round, as on the page

    # not one pseudonym, sealed date or score survives anywhere in the file
    # (not in a freed page either): there is nothing to join participation rows to
    for respondent, sealed, scores, member in live:
        assert respondent.encode() not in raw and sealed.encode() not in raw
        assert scores.encode() not in raw and (not member or member.encode() not in raw)
    texts = {str(v) for (t,) in copy.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
             for row in copy.execute(f"SELECT * FROM [{t}]") for v in row}
    assert not texts & set(truth)
    assert b"61.25" not in raw  # nor a published figure
    copy.close()

    # even the full database (the operator's backup), read without the secret, gives the two
    # attacks of the issue nothing: no day on an assessment row, and a row order that is random
    full = demo_db.execute("SELECT respondent, round, COALESCE(submitted, '') FROM assessments ORDER BY rowid").fetchall()
    people = demo_db.execute("SELECT user_id, round, taken_on FROM participation ORDER BY rowid").fetchall()
    assert {day for _, _, day in full} == {""}
    assert _link_by_day(full, people) == {}
    by_order = _link_by_order([(r, rnd) for r, rnd, _ in full], people)
    right = sum(truth.get(resp) == uid for resp, uid in by_order.items())
    assert right <= 8, f"{right} of {len(by_order)} named by row order (chance is about 1 per round)"
    ids = [i for (i,) in demo_db.execute("SELECT id FROM assessments")]
    assert min(ids) > 2**40  # random ids: nothing to order by either


def test_attack_5_before_the_fix_the_same_attack_names_everyone(tmp_path, framework):
    """The attacker's functions work: on rows written the old way (sequential ids, plaintext
    days) they name every leader, which is why both were removed."""
    d = migrations.open_and_migrate(tmp_path / "old.db")
    uids = [auth.create_user(d, username=f"l{n}", name=f"L {n}") for n in range(12)]
    with db.write(d):
        for n, uid in enumerate(uids):
            day = f"2016-01-{1 + n % 4:02d}"
            d.execute("INSERT INTO assessments (respondent, round, status, started, submitted) "
                      "VALUES (?, 'start', 'submitted', ?, ?)", [pseudonyms.of_user(SECRET, uid), day, day])
            d.execute("INSERT INTO participation (user_id, round, taken_on) VALUES (?, 'start', ?)", [uid, day])
    truth = {pseudonyms.of_user(SECRET, uid): uid for uid in uids}
    rows = d.execute("SELECT respondent, round, submitted FROM assessments ORDER BY rowid").fetchall()
    people = d.execute("SELECT user_id, round, taken_on FROM participation ORDER BY rowid").fetchall()
    by_order = _link_by_order([(r, rnd) for r, rnd, _ in rows], people)
    assert sum(truth[r] == u for r, u in by_order.items()) == 12
    # ... and once sealed (as at start-up), the same functions name no one
    from digled.platform import sealing

    assert sealing.seal_legacy_rows(d, SECRET) == 12
    rows = d.execute("SELECT respondent, round, COALESCE(submitted, '') FROM assessments ORDER BY rowid").fetchall()
    assert _link_by_day(rows, people) == {}
    d.close()


# --- attack 7: invitation takeover ---------------------------------------------------------------------


def test_attack_7_an_administrator_cannot_take_over_an_activated_account(database, framework, settings, smtp_server):
    anne = auth.create_user(database, username="anne", name="Anne Krogh", email="anne@glostrup.dk", roles=["admin"],
                            password_hash=auth.hash_password("anne-password", rounds=4))
    lea_id = participants.add(database, {"name": "Lea Dam", "email": "lea@albertslund.dk", "municipality": "Albertslund",
                                         "area": "dagtilbud", "level": "foersteleder", "roles": ["leader"]}, "anne")
    first = invitations.create(database, lea_id)
    assert invitations.accept(database, first, "leas-own-secret", "leas-own-secret") is None
    _take_assessment(database, framework, lea_id, value=4)
    stolen = "anne-chose-this-1"

    # 1. "Resend the invitation" (participants page and reminders page): refused, no link
    with pytest.raises(participants.InvalidParticipant) as refused:
        invitation_sending.resend_invitation(database, settings, lea_id, "anne")
    assert refused.value.problems[0].field == "account"
    [invited] = invitation_sending.invite(database, settings, [lea_id], "anne", send=False)
    assert invited.link == "" and invited.error == invitations.ACTIVATED
    # 2. the invitation link from before activation (if the administrator kept it) is dead
    assert invitations.accept(database, first, stolen, stolen) is not None
    # 3. a password reset goes to Lea's mailbox only; the page gets no link
    sent = participants.send_password_reset(database, settings, lea_id, "anne")
    assert [m["To"].addresses[0].addr_spec for m in smtp_server.messages] == ["lea@albertslund.dk"]
    # 4. pointing Lea's address at the administrator first is refused
    with pytest.raises(participants.InvalidParticipant) as refused:
        participants.update(database, lea_id, {"name": "Lea Dam", "email": "anne.private@example.dk",
                                               "municipality": "Albertslund", "area": "dagtilbud",
                                               "level": "foersteleder", "roles": ["leader"]}, "anne")
    assert refused.value.problems[0].field == "email"
    # 5. the reset's token is live and in Lea's mailbox only: none of what the administrator's
    # actions returned or logged holds it, and no token the administrator does hold (the
    # invitation from before activation, any token in what was shown) opens Lea's account
    [reset_mail] = smtp_server.messages
    live = re.search(r"token=([\w-]+)", reset_mail.get_body(preferencelist=("plain",)).get_content()).group(1)
    assert invitations.verify(database, live).ok  # a real, usable token: the checks below can fail
    shown = " ".join([repr(invited), repr(sent), *(repr(r) for r in database.execute("SELECT * FROM audit_log"))])
    assert live not in shown
    held = [first, *re.findall(r"token=([\w-]+)", shown)]
    for token in held:
        assert invitations.accept(database, token, stolen, stolen) is not None, token

    # what the attack yields: Lea's password is still her own, so her wheel is hers alone
    lea = auth.get_user_by_id(database, lea_id)
    assert not auth.check_password(stolen, lea.password_hash)
    assert auth.check_password("leas-own-secret", lea.password_hash)
    assert auth.get_user_by_id(database, anne).roles == ("admin",)
    assert not navigation.allowed(navigation.spec_for("pages/my_results.py"), ("admin",))
    # and Lea was told, by e-mail and at next login, that a reset was sent
    assert "sent a link to choose a new password" in " ".join(n.text() for n in notices.unseen(database, lea_id))


# --- attack 8: invented leaders --------------------------------------------------------------------------


def test_attack_8_invented_leaders_give_the_administrator_no_figure(database, framework, settings, monkeypatch, tmp_path):
    monkeypatch.delenv("DIGLED_SMTP_HOST", raising=False)
    monkeypatch.setenv("DIGLED_OUTBOX", str(tmp_path / "outbox"))
    group = {"municipality": "Glostrup", "area": "kultur", "level": "topleder"}
    anne = auth.create_user(database, username="anne", name="Anne Krogh", email="anne@glostrup.dk", roles=["admin"],
                            password_hash=auth.hash_password("anne-password", rounds=4), **group)
    victim = participants.add(database, {"name": "Vera Solo", "email": "vera@glostrup.dk", "roles": ["leader"], **group}, "anne")
    token = invitations.create(database, victim)  # the victim activates through her own e-mailed invitation
    assert invitations.accept(database, token, "veras-password", "veras-password") is None
    truth = _take_assessment(database, framework, victim, value=2).scores["total"]

    # the administrator adds four leaders to the one-person group and answers as them
    known: dict[int, str] = {anne: "anne-password"}  # accounts whose password the attacker holds
    fakes = []
    for n in range(4):
        fake = participants.add(database, {"name": f"Fake {'ABCD'[n]}", "email": f"fake{n}@example.dk", "roles": ["leader"],
                                           **group}, "anne")
        [shown] = invitation_sending.invite(database, settings, [fake], "anne", send=False)  # the page shows this link
        assert invitations.accept(database, shown.link.split("token=")[1], "fake-password", "fake-password") is None
        _take_assessment(database, framework, fake, value=4)
        known[fake] = "fake-password"
        fakes.append(fake)

    # ... and now needs the group's figure: every way to management is closed
    def edit(user_id, roles):
        u = auth.get_user_by_id(database, user_id)
        raw = {"name": u.name, "email": u.email, "municipality": u.municipality, "area": u.area, "level": u.level,
               "roles": roles}
        with pytest.raises(participants.InvalidParticipant) as refused:
            participants.update(database, user_id, raw, "anne")
        return refused.value.problems[0].message

    assert edit(anne, ["admin", "management"]) == auth.BOTH_DUTIES  # give itself the role
    assert "your own administrator role" in edit(anne, ["management"])
    assert edit(fakes[0], ["leader", "management"]) == participants.LINK_WAS_SHOWN  # a puppet with the role
    boss = participants.add(database, {"name": "Puppet Boss", "email": "puppet@example.dk", "roles": ["management"],
                                       **group}, "anne")  # a new management account: its link is never shown
    [by_hand] = invitation_sending.invite(database, settings, [boss], "anne", send=False)
    link, _ = invitation_sending.resend_invitation(database, settings, boss, "anne")
    assert by_hand.link == "" and link == "" and not invitations.link_was_shown(database, boss)
    second_admin = participants.add(database, {"name": "Anne Two", "email": "anne2@example.dk", "roles": ["admin"],
                                               **group}, "anne")
    assert invitation_sending.invite(database, settings, [second_admin], "anne", send=False)[0].link == ""
    with pytest.raises(sqlite3.IntegrityError):  # and the database itself refuses both roles
        with db.write(database):
            database.execute("UPDATE users SET roles = 'admin,management' WHERE id = ?", [anne])

    # what the attacker can reach: no account it holds sees a management page ...
    for user_id in known:
        roles = auth.get_user_by_id(database, user_id).roles
        assert "management" not in roles
        assert not any(navigation.allowed(p, roles) for p in MANAGEMENT_PAGES)
    # ... and the backup download holds no figure, score or answer to subtract from
    _add_fake_publication(database)
    path = db.admin_backup(database, tmp_path / "download.db")
    copy = sqlite3.connect(path)
    scores = [json.loads(s) for (s,) in copy.execute("SELECT scores FROM assessments")]
    figures = [f for (f,) in copy.execute("SELECT figures FROM released_groups")]
    copy.close()
    assert scores == [] and figures == []
    assert f"{truth}".encode() not in path.read_bytes()
