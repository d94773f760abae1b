"""The session-level load generator (benchmarks/sessions.py) in CI: 20 simulated leaders as
real Streamlit sessions for 30 s against a real `streamlit run app.py`; any error or any lost
answer fails. The capacity figures themselves are benchmarks (benchmarks/run.py --only capacity)."""

from __future__ import annotations

import pytest

from benchmarks import sessions
from tests.e2e.conftest import Server


@pytest.fixture(scope="module")
def load_server(tmp_path_factory):
    s = Server(tmp_path_factory.mktemp("load")).start()
    sessions._run_async(sessions.warm_up(s.url))  # the app creates its database at its first run
    yield s
    s.stop()


def test_twenty_leaders_answer_for_thirty_seconds_without_error_or_loss(load_server):
    report = sessions.run(load_server.url, load_server.db_path, [load_server.proc.pid],
                          sessions=20, seconds=30, think=(3.0, 8.0))
    print(report.line())
    assert report.errors == 0, report.first_errors
    assert report.lost == 0
    assert report.answers >= 40  # 20 leaders x (30 s - ramp) / 5.5 s think time, less logins


def test_the_loss_check_finds_an_answer_the_database_does_not_hold(load_server):
    """The judge can fail: an answer 'confirmed' for a draft that holds no such answer is lost."""
    leader = sessions.Leader("nobody", confirmed={(987654321, "info_search-k1"): 0})
    assert sessions.lost_answers(load_server.db_path, [leader]) == 1
