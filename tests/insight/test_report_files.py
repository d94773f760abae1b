"""The evaluation report's files (issue 23): a PDF whose text pypdf reads (Danish letters kept,
numbers the Danish way, fonts embedded) and a self-contained HTML page, each under 2 MB."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from digled.accounts import organisation, programme_runs
from digled.content import programme
from digled.insight import evaluation_report as er
from digled.insight import publications, report_files

LIMIT = 2 * 1024 * 1024


@pytest.fixture
def reports(demo_db, framework, settings):
    publications.make(demo_db, framework, organisation.current(demo_db), programme.programme(demo_db), "first",
                      settings=settings)
    return {lang: er.build(demo_db, framework, organisation.current(demo_db), programme.programme(demo_db), lang)
            for lang in ("da", "en")}


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_danish_pdf_reads_in_danish_with_danish_numbers(reports):
    pdf = report_files.to_pdf(reports["da"])
    assert pdf.startswith(b"%PDF") and len(pdf) < LIMIT
    text = _text(pdf)
    assert "Evaluering af forløbet i digital ledelse" in text and "Hvad blev skjult og hvorfor" in text
    assert all(letter in text for letter in "æøå")
    assert not re.search(r"\d\.\d", text), re.findall(r".{10}\d\.\d.{10}", text)  # no decimal point
    assert re.search(r"[+-]\d+,\d", text)  # a change with a decimal comma
    assert b"/FontFile2" in pdf  # the TrueType font is embedded


def test_the_english_pdf_reads_in_english(reports):
    text = _text(report_files.to_pdf(reports["en"]))
    assert "Evaluation of the programme in digital leadership" in text and "Procentpoint" not in text
    assert re.search(r"[+-]\d+\.\d", text)


def test_the_html_is_one_self_contained_file_with_its_charts(reports):
    page = report_files.to_html(reports["da"])
    assert len(page.encode("utf-8")) < LIMIT and page.startswith("<!DOCTYPE html>") and 'lang="da"' in page
    assert page.count("<svg") >= 2 and "<script" not in page
    assert not re.search(r'(src|href)="(https?:)?//', page)  # nothing fetched
    assert "Evaluering af forløbet i digital ledelse" in page


def test_a_chart_draws_each_value_and_its_interval():
    chart = er.Chart("c", [er.Bar("a", 2.0, "+2,0", -1.0, 5.0), er.Bar("b", None, "–")], -10, 10, points=True)
    svg = report_files.svg(chart)
    assert svg.count("<circle") == 1 and "+2,0" in svg and "–" in svg
    assert svg.count('stroke-width="2.5"') == 1  # one interval line: the value without one has none


def test_text_is_escaped_in_the_html():
    report = er.Report("en", "<b>x</b>", "s", [er.Section("m", "t", ["a < b & c"])], 1)
    page = report_files.to_html(report)
    assert "<b>x</b>" not in page and "a &lt; b &amp; c" in page


def _rectangle_fills(pdf: bytes) -> list[tuple[float, ...]]:
    """The colour each filled rectangle (`re f`) is painted with, in order, following the
    graphics state (`q` saves it, `Q` restores it, `r g b rg` sets the fill colour)."""
    stream = b"".join(page.get_contents().get_data() for page in PdfReader(io.BytesIO(pdf)).pages)
    stack, fill, painted = [], (0.0, 0.0, 0.0), []
    for m in re.finditer(rb"(?:^|\s)(q|Q)(?=\s)|([\d.]+) ([\d.]+) ([\d.]+) rg|re f", stream):
        if m.group(1) == b"q":
            stack.append(fill)
        elif m.group(1) == b"Q":
            fill = stack.pop()
        elif m.group(2):
            fill = tuple(float(x) for x in m.groups()[1:])
        else:
            painted.append(fill)
    return painted


def test_a_table_after_a_chart_is_dark_text_on_a_light_ground():
    """The chart's bar colour once became the table rows' background (dark text on dark blue)."""
    chart = er.Chart("c", [er.Bar("a", 40.0, "40 %"), er.Bar("b", 60.0, "60 %")], 0, 100)
    table = er.Table(["Kompetenceområde", "Ledere"], [["Information", "12"], ["Sikkerhed", "7"]])
    pdf = report_files.to_pdf(er.Report("da", "T", "S", [er.Section("s", "S", [chart, table])], 1))
    fills = _rectangle_fills(pdf)
    assert [min(c) < 0.6 for c in fills[:2]] == [True, True]  # the two bars
    assert len(fills) > 2 and all(min(c) > 0.85 for c in fills[2:])  # every table cell: a light ground


def test_a_heading_is_never_broken_inside_a_word():
    """Eight columns of long Danish headings (the funnel per municipality) once wrapped "Lede/re"."""
    headers = ["Kommune", "Ledere", "Deltog i kick off", "Tog startafklaringen", "Så mindst én film",
               "Deltog i mindst ét ledermøde", "Deltog i mindst én workshop", "Tog slutafklaringen"]
    table = er.Table(headers, [["Albertslund Kommune", "28", "mindst 24", "23", "23", "20", "17", "–"]])
    pdf = _text(report_files.to_pdf(er.Report("da", "T", "S", [er.Section("s", "S", [table])], 1)))
    for word in " ".join(headers).split():
        assert re.search(rf"(?<!\w){re.escape(word)}(?!\w)", pdf), word


def test_the_pdf_says_whether_the_change_held_after_the_demos_follow_up(full_demo_db, framework):
    """The demo's earlier run took its follow-ups: the same leaders' change from their end and
    from their start, with its n, read from that run's PDF in Danish (decimal comma) and in English."""
    earlier = programme_runs.listing(full_demo_db)[1]
    pub = publications.latest(full_demo_db, earlier.id)
    reports = {lang: er.build(full_demo_db, framework, organisation.current(full_demo_db),
                              programme.programme(full_demo_db), lang, cohort_id=earlier.id) for lang in ("da", "en")}
    n = publications.shown(full_demo_db, pub.id, "followup", ("end>followup_3", None, None, None)).n
    da = " ".join(_text(report_files.to_pdf(reports["da"])).split())
    assert "Holdt forandringen?" in da
    assert re.search(rf"Slut til 3 måneder efter {n} [+-]?\d+,\d [+-]?\d+,\d til [+-]?\d+,\d", da), da[-3000:]
    assert re.search(rf"Start til 3 måneder efter {n} [+-]?\d+,\d", da)
    en = " ".join(_text(report_files.to_pdf(reports["en"])).split())
    assert re.search(rf"End to 3 months after {n} [+-]?\d+\.\d [+-]?\d+\.\d to [+-]?\d+\.\d", en)
