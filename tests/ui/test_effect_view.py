"""digled/ui/effect_view.py on the management competences page (AppTest, Danish and English):
each effect group with its n and interval, the dose view as a chart, the wording (an association,
not proof of cause), hidden groups with their reason, and the export equal to what is shown."""

from __future__ import annotations

import pytest

from digled.content import loader
from digled.insight import audiences, publications
from digled.platform import numbers
from digled.ui import effect_view
from tests.apptest import Downloads, app_as, page_text, publish_first_figures

COMPETENCES = "pages/management_competences.py"
WORDS = {
    "da": ("ikke bevis for, at delen skabte ændringen", "Alle ledere, der tog begge runder", "Deltaget i workshops",
           "Ændring efter antal gennemførte dele", "færre end 5 ledere er uden for gruppen", "Effekt pr. del"),
    "en": ("not proof that the part caused the change", "All leaders who took both rounds", "Workshops attended",
           "Change by the number of parts completed", "fewer than 5 leaders are outside the group", "Effect by part"),
}


@pytest.mark.parametrize("lang", ["da", "en"])
def test_the_effect_view_shows_each_group_with_n_interval_and_what_it_is(demo_db, monkeypatch, lang):
    downloads = Downloads(monkeypatch)
    # the demo's run is mid-programme and most leaders came to its one workshop so far: half of
    # them stay away here, so both "one" and "none" hold leaders on either side of the split
    demo_db.conn.execute("UPDATE progress SET status = 'absent' WHERE activity = 'workshop1' AND user_id % 2 = 0")
    demo_db.conn.commit()
    at = app_as("ledelse", lang=lang).run()
    at.switch_page(COMPETENCES).run()
    publish_first_figures(at)
    pub = publications.latest(demo_db)
    data = effect_view.rows(demo_db, audiences.EVERYONE, pub)
    released = [r for r in data if r["status"] == "new" and r["key"] != ("all", None)]
    assert released, "the demo shows at least one effect group"
    radio = at.radio(key="cohort_view")
    assert WORDS[lang][5] in radio.options
    radio.set_value("effect").run()
    assert not at.exception, at.exception
    text = page_text(at)
    association, whole, workshops, dose, rest, _ = WORDS[lang]
    assert association in text and workshops in text and dose in text
    dose_shown = any(r["mean"] is not None for r in data if r["dimension"] == "dose")
    assert len(at.get("plotly_chart")) == int(dose_shown)  # the dose view: a chart where a group is shown
    cells = "\n".join(df.value.to_csv() for df in at.dataframe)
    assert whole not in cells  # the whole cohort is the metric above, not a table row
    assert str(data[0]["n"]) in text  # the whole cohort's n as a metric
    for r in released:  # each shown group with its n and, from 2k, its interval in the language's form
        assert str(r["n"]) in cells
        if r["interval"]:
            assert numbers.decimal(r["interval"][0], lang, 1, sign=True) in cells
    assert rest in cells  # a hidden group says why (the demo's run is mid-programme: nobody took every part)
    export = downloads.get(at, "export_csv").decode("utf-8-sig")
    rows = effect_view.export_rows(demo_db, audiences.EVERYONE, pub, loader.framework())
    assert len(export.strip().splitlines()) == len(rows) + 1
    assert "effect workshops=one: change total" in export or "effect workshops=none: change total" in export


def test_the_dose_chart_draws_each_shown_group_with_its_interval():
    rows = [{"key": ("dose", d), "mean": m, "interval": ci, "n": n}
            for d, m, ci, n in ((0, 4.3, [1.0, 7.5], 12), (1, None, None, None), (2, 9.0, None, 6))]
    labels = {r["key"]: f"{r['key'][1]} of 4" for r in rows}
    fig = effect_view.dose_chart(rows, labels, lambda s: s, "da")
    trace = fig.data[0]
    assert list(trace.x) == ["0 of 4", "2 of 4"] and list(trace.y) == [4.3, 9.0]  # a hidden group is no point
    assert list(trace.error_y.array) == [pytest.approx(3.2), 0] and list(trace.error_y.arrayminus) == [pytest.approx(3.3), 0]
    assert [c[0] for c in trace.customdata] == ["+4,3", "+9,0"]  # Danish decimals in the hover
    assert list(fig.layout.xaxis.categoryarray) == ["0 of 4", "1 of 4", "2 of 4"]  # the order 0..4 kept
