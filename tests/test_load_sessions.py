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
