"""The judge of the session-level load generator (benchmarks/sessions.py): its loss check finds
what it should and can fail. The generator itself runs in tests/test_multiprocess.py (leaders
through the proxy on two processes: no error, no lost answer), and how many leaders a server
holds is a benchmark (benchmarks/run.py --only capacity)."""

from __future__ import annotations

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
    nothing else; Next draws the next step without a full run (no router, no menu). Judged on the
    websocket messages a real server sends (benchmarks/sessions.Client speaks the protocol)."""
    from tests.servers import Server

    server = Server(tmp_path, script="app.py").start()
    try:
        sessions._run_async(sessions.warm_up(server.url))  # the first visit sets the database up
        (leader,) = sessions.create_leaders(server.db_path, 1, prefix="onerun")

        async def scenario():
            client = sessions.Client(server.url)
            await sessions.log_in(client, leader)
            run = await client.run(page_name="assessment")
            run = await client.run(trigger=run.widgets["start_assessment"].id)
            questions = [w for k, w in run.widgets.items() if sessions.QUESTION.match(k)]
            assert len(questions) == 6 and len({w.fragment for w in questions}) == 6  # each its own fragment
            runs = []
            for w in questions[:2]:
                runs.append(await client.run(set_values={w.id: sessions.WidgetState(id=w.id, string_value=w.element.options[1])},
                                             fragment=w.fragment))
            nxt = client.widget("step_next")
            runs.append(await client.run(trigger=nxt.id, fragment=nxt.fragment))
            await client.close()
            return runs

        first, second, step = sessions._run_async(scenario())
        for run in (first, second):
            assert run.starts == 1 and run.fragment_only and not run.errors
            assert run.drawn == ["radio", "progress"]
        assert step.starts == 1 and step.fragment_only and not step.errors
        assert step.drawn.count("radio") == 6 and "navigation" not in step.drawn
    finally:
        server.stop()
