"""The judge of the session-level load generator (benchmarks/sessions.py): its loss check finds
what it should and can fail. The generator itself runs in tests/test_multiprocess.py (leaders
through the proxy on two processes: no error, no lost answer), and how many leaders a server
holds is a benchmark (benchmarks/run.py --only capacity)."""

from __future__ import annotations

import sqlite3

import pytest

from benchmarks import sessions
from digled.assessment import answering
from digled.content import loader
from tests.conftest import SECRET

ITEM = "info_search-k1"


def test_the_loss_check_finds_an_answer_the_database_does_not_hold(database, tmp_path):
    """An answer 'confirmed' for a draft that holds no such answer is lost, and one the draft
    holds with another value; the answer the draft holds is not."""
    fw = loader.framework()
    item = next(i for i in fw.items if i.id == ITEM)
    values = [v for v, _ in fw.scales[item.dimension]]
    draft = answering.start(database, "respondent-of-the-test", "start", secret=SECRET)
    database.execute("INSERT INTO answers (assessment_id, item, value) VALUES (?, ?, ?)", [draft.id, ITEM, values[1]])
    path = tmp_path / "digled.db"
    assert sessions.lost_answers(path, [sessions.Leader("held", confirmed={(draft.id, ITEM): 1})]) == 0
    assert sessions.lost_answers(path, [sessions.Leader("changed", confirmed={(draft.id, ITEM): 2})]) == 1
    assert sessions.lost_answers(path, [sessions.Leader("nobody", confirmed={(987654321, ITEM): 0})]) == 1


def test_an_answer_is_one_script_run_drawing_its_radio_and_the_progress_line(tmp_path):
    """Issue 22: the cost of an answer is one script run (no callback's rerun ending a run early
    and beginning another) that sends the answered question's radio and the progress line and
    nothing else; Next draws the next step without a full run (no router, no menu), and so checks
    the login itself: after a logout elsewhere it shows the login form and does not move on.
    Judged on the websocket messages a real server sends (benchmarks/sessions.Client speaks the
    protocol)."""
    from tests.servers import Server

    server = Server(tmp_path, script="app.py", demo=True).start()
    try:
        (leader,) = sessions.create_leaders(server.db_path, 1, prefix="onerun")

        async def scenario():
            client = sessions.Client(server.url)
            await sessions.log_in(client, leader)
            run = await sessions.open_assessment(client)
            questions = [w for k, w in run.widgets.items() if sessions.QUESTION.match(k)]
            assert len(questions) == 6 and len({w.fragment for w in questions}) == 6  # each its own fragment
            # and each directly in the step's fragment (the page, the step, its own fragment, the
            # radio): Streamlit copies the containers around a fragment when the step draws it and
            # again on each of its runs, so a frame around a question costs every answer
            assert all(len(w.path) == 4 and w.path[:2] == questions[0].path[:2] for w in questions)
            runs = []
            for w in questions[:2]:
                runs.append(await client.run(set_values={w.id: sessions.WidgetState(id=w.id, string_value=w.element.options[1])},
                                             fragment=w.fragment))
            nxt = client.widget("step_next")
            runs.append(await client.run(trigger=nxt.id, fragment=nxt.fragment))
            db = sqlite3.connect(server.db_path)  # a logout elsewhere: the next step is not drawn
            with db:
                db.execute("UPDATE login_sessions SET ended_at = 1")
            db.close()
            nxt = client.widget("step_next")
            runs.append(await client.run(trigger=nxt.id, fragment=nxt.fragment))
            await client.close()
            return runs

        first, second, step, ended = sessions._run_async(scenario())
        for run in (first, second):
            assert run.starts == 1 and run.fragment_only and not run.errors
            assert run.drawn == ["radio", "progress"]
        assert step.starts == 1 and step.fragment_only and not step.errors
        assert step.drawn.count("radio") == 6 and "navigation" not in step.drawn
        assert not ended.fragment_only and "login_username" in ended.widgets and "radio" not in ended.drawn
        db = sqlite3.connect(server.db_path)
        assert db.execute("SELECT step FROM assessments WHERE status = 'draft'").fetchall() == [(1,)]
        db.close()
    finally:
        server.stop()


@pytest.mark.parametrize("elsewhere", [
    "UPDATE login_sessions SET ended_at = 1",  # a logout elsewhere
    "UPDATE users SET active = 0 WHERE username = 'ledelse'",  # deactivated
    "UPDATE users SET roles = 'leader' WHERE username = 'ledelse'",  # no longer management
])
def test_a_filter_change_reruns_only_the_figures_and_not_for_a_login_ended_elsewhere(tmp_path, elsewhere):
    """Issue 22: a filter change on "Competences" reruns the filters and the figures alone (no
    router, no menu); that run checks the login and the page's access itself, so after a login
    ended elsewhere the next filter change shows the login form and no figure."""
    from digled.ui.publication import MUNICIPALITY_FILTER
    from tests.servers import Server

    server = Server(tmp_path, script="app.py", demo=True).start()
    try:

        async def change(client, municipality):
            box = client.widget(MUNICIPALITY_FILTER)
            value = box.element.options[list(box.element.options).index(municipality)]
            return await client.run(set_values={box.id: sessions.WidgetState(id=box.id, string_value=value)},
                                    fragment=box.fragment)

        async def scenario():
            client = sessions.Client(server.url)
            await client.connect()
            await client.run(page_name="")
            login = {client.widget("login_username").id: sessions.WidgetState(id=client.widget("login_username").id, string_value="ledelse"),
                     client.widget("login_password").id: sessions.WidgetState(id=client.widget("login_password").id, string_value="demo")}
            run = await client.run(set_values=login, trigger=client.form_submitter("login").id)
            assert "logout_button" in run.widgets
            await client.run(page_name="management-competences")
            run_picker = client.widget("cohort")  # the demo's running run is not published yet: the earlier run
            opened = await client.run(set_values={run_picker.id: sessions.WidgetState(
                id=run_picker.id, string_value=run_picker.element.options[1])})
            options = list(client.widget(MUNICIPALITY_FILTER).element.options)
            changed = await change(client, options[1])
            db = sqlite3.connect(server.db_path)
            with db:
                db.execute(elsewhere)
            db.close()
            after = await change(client, options[0])
            await client.close()
            return opened, changed, after

        opened, changed, after = sessions._run_async(scenario())
        assert not opened.fragment_only and "plotly_chart" in opened.drawn
        assert changed.fragment_only and changed.starts == 1 and not changed.errors
        assert "plotly_chart" in changed.drawn and "logout_button" in changed.widgets  # the menu was kept, not redrawn
        assert not after.fragment_only and not after.errors
        if "roles" in elsewhere:  # still logged in, and the page is closed to the account
            assert "logout_button" in after.widgets
        else:
            assert "login_username" in after.widgets and "logout_button" not in after.widgets
        assert "plotly_chart" not in after.drawn and MUNICIPALITY_FILTER not in after.widgets
    finally:
        server.stop()


def test_an_answer_to_a_draft_submitted_in_another_tab_shows_the_assessment_anew(tmp_path):
    """An answer that cannot be stored because its draft was submitted elsewhere (another tab)
    stores nothing, shows no error, and the page starts anew (the intro with its start button)."""
    from digled.platform import db as dbm
    from tests.servers import Server

    server = Server(tmp_path, script="app.py", demo=True).start()
    try:
        (leader,) = sessions.create_leaders(server.db_path, 1, prefix="othertab")

        async def scenario():
            client = sessions.Client(server.url)
            await sessions.log_in(client, leader)
            run = await sessions.open_assessment(client)
            w = next(w for k, w in run.widgets.items() if sessions.QUESTION.match(k))
            database = dbm.connect(server.db_path)
            draft = database.execute("SELECT id FROM assessments WHERE status = 'draft'").fetchone()[0]
            answering.save_answer(database, loader.framework(), draft, "info_search-a2", 3)  # the other tab's answer
            answering.submit(database, loader.framework(), draft, secret=server.env["DIGLED_PSEUDONYM_SECRET"],
                             confirmed_missing=True)
            database.close()
            after = await client.run(set_values={w.id: sessions.WidgetState(id=w.id, string_value=w.element.options[1])},
                                     fragment=w.fragment)
            await client.close()
            return after, draft

        after, draft = sessions._run_async(scenario())
        assert not after.errors and not after.fragment_only and "start_assessment" in after.widgets
        database = dbm.connect(server.db_path)
        assert database.execute("SELECT item FROM answers WHERE assessment_id = ?", [draft]).fetchall() == [("info_search-a2",)]
        database.close()
    finally:
        server.stop()
