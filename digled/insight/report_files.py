"""The evaluation report as files (issue 23): a self-contained HTML page and a printable PDF.

Both are written from `evaluation_report.Report` (its text already in the reader's language,
its numbers already in that language's form) and add no figure of their own. Charts are static
images drawn here: inline SVG in the HTML, fpdf2's own lines and rectangles in the PDF; nothing
is fetched. The PDF embeds the subset of Liberation Sans it uses (data/fonts, with its licence),
so æ, ø and å print and copy as they are.
"""

from __future__ import annotations

import html

from fpdf import FPDF
from fpdf.fonts import FontFace

from digled.insight.evaluation_report import Chart, Report, Table
from digled.platform.config import DATA_DIR

FONT_DIR = DATA_DIR / "fonts"
FONT = "LiberationSans"
INK, MUTED, ACCENT, LIGHT = "#1f2328", "#57606a", "#1c5a9e", "#d0d7de"

_CSS = """
body{font-family:"Liberation Sans",Arial,Helvetica,sans-serif;color:#1f2328;max-width:60rem;margin:2rem auto;
padding:0 1rem;line-height:1.45}
h1{font-size:1.8rem;margin-bottom:.2rem}h2{font-size:1.3rem;margin-top:2rem;border-bottom:2px solid #1c5a9e}
.sub{color:#57606a;margin-top:0}table{border-collapse:collapse;margin:.8rem 0;font-size:.92rem}
th,td{border:1px solid #d0d7de;padding:.25rem .5rem;text-align:left;vertical-align:top}th{background:#f3f6f9}
caption{text-align:left;font-weight:bold;padding:.3rem 0}figure{margin:1rem 0}figcaption{font-weight:bold}
@media print{h2{break-after:avoid}table,figure{break-inside:avoid}}
"""


# --- HTML ---------------------------------------------------------------------------------------


def _esc(s: str) -> str:
    return html.escape(str(s), quote=True)


def _short(label: str, n: int = 38) -> str:
    return label if len(label) <= n else label[: n - 1] + "…"


def svg(chart: Chart) -> str:
    """A chart as an inline SVG image (no script, no external reference)."""
    label_w, plot_w, row_h, top = 250, 380, 24, 8
    height = top + row_h * len(chart.bars) + 28
    span = (chart.hi - chart.lo) or 1.0

    def x(v: float) -> float:
        return label_w + (min(max(v, chart.lo), chart.hi) - chart.lo) / span * plot_w

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{label_w + plot_w + 70}" height="{height}" '
             f'role="img" aria-label="{_esc(chart.title)}" font-family="Liberation Sans, Arial, sans-serif" font-size="12">']
    zero = x(0.0)
    axis_y = top + row_h * len(chart.bars)
    if chart.points:
        parts.append(f'<line x1="{zero:.1f}" y1="{top}" x2="{zero:.1f}" y2="{axis_y}" stroke="{INK}" stroke-dasharray="4 3"/>')
    for i, b in enumerate(chart.bars):
        y = top + i * row_h
        mid = y + row_h / 2
        parts.append(f'<text x="{label_w - 6}" y="{mid + 4:.1f}" text-anchor="end" fill="{INK}">{_esc(_short(b.label))}</text>')
        if b.value is None:
            parts.append(f'<text x="{zero + 4:.1f}" y="{mid + 4:.1f}" fill="{MUTED}">{_esc(b.shown)}</text>')
            continue
        if chart.points:
            if b.low is not None and b.high is not None:
                parts.append(f'<line x1="{x(b.low):.1f}" y1="{mid:.1f}" x2="{x(b.high):.1f}" y2="{mid:.1f}" '
                             f'stroke="{ACCENT}" stroke-width="2.5"/>')
            parts.append(f'<circle cx="{x(b.value):.1f}" cy="{mid:.1f}" r="5" fill="{ACCENT}" stroke="{INK}"/>')
            right = x(b.high if b.high is not None else b.value)
        else:
            parts.append(f'<rect x="{x(chart.lo):.1f}" y="{y + 4}" width="{max(0.0, x(b.value) - x(chart.lo)):.1f}" '
                         f'height="{row_h - 8}" fill="{ACCENT}"/>')
            right = x(b.value)
        parts.append(f'<text x="{right + 6:.1f}" y="{mid + 4:.1f}" fill="{INK}">{_esc(b.shown)}</text>')
    parts.append(f'<line x1="{label_w}" y1="{axis_y}" x2="{label_w + plot_w}" y2="{axis_y}" stroke="{LIGHT}"/>')
    parts.append(f'<text x="{label_w + plot_w / 2:.1f}" y="{axis_y + 18}" text-anchor="middle" fill="{MUTED}">'
                 f'{_esc(chart.series)}</text></svg>')
    return "".join(parts)


def _table_html(table: Table) -> str:
    caption = f"<caption>{_esc(table.caption)}</caption>" if table.caption else ""
    head = "".join(f'<th scope="col">{_esc(h)}</th>' for h in table.headers)
    body = "".join("<tr>" + "".join(f"<td>{_esc(v)}</td>" for v in row) + "</tr>" for row in table.rows)
    return f"<table>{caption}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def to_html(report: Report) -> str:
    """The report as one self-contained HTML page (styles and charts inline)."""
    out = [f'<!DOCTYPE html><html lang="{report.lang}"><head><meta charset="utf-8">'
           f'<meta name="viewport" content="width=device-width, initial-scale=1">'
           f"<title>{_esc(report.title)}</title><style>{_CSS}</style></head><body><main>",
           f"<h1>{_esc(report.title)}</h1><p class=\"sub\">{_esc(report.subtitle)}</p>"]
    for section in report.sections:
        out.append(f'<section id="{section.id}"><h2>{_esc(section.title)}</h2>')
        for block in section.blocks:
            if isinstance(block, Table):
                out.append(_table_html(block))
            elif isinstance(block, Chart):
                out.append(f"<figure><figcaption>{_esc(block.title)}</figcaption>{svg(block)}</figure>")
            else:
                out.append(f"<p>{_esc(block)}</p>")
        out.append("</section>")
    out.append("</main></body></html>")
    return "".join(out)


# --- PDF ----------------------------------------------------------------------------------------


class _Pdf(FPDF):
    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, size=8)
        self.set_text_color(87, 96, 106)
        self.cell(0, 5, str(self.page_no()), align="C")


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def _chart_pdf(pdf: FPDF, chart: Chart) -> None:
    label_w, plot_w, row_h = 62.0, 92.0, 5.2
    height = row_h * len(chart.bars) + 14
    if pdf.get_y() + height > pdf.page_break_trigger:
        pdf.add_page()
    pdf.set_font(FONT, "B", 9.5)
    pdf.cell(0, 6, chart.title, new_x="LMARGIN", new_y="NEXT")
    left, top = pdf.l_margin, pdf.get_y() + 1
    span = (chart.hi - chart.lo) or 1.0

    def x(v: float) -> float:
        return left + label_w + (min(max(v, chart.lo), chart.hi) - chart.lo) / span * plot_w

    pdf.set_font(FONT, size=7.5)
    axis_y = top + row_h * len(chart.bars)
    if chart.points:
        pdf.set_draw_color(*_rgb(INK))
        pdf.set_dash_pattern(dash=1, gap=0.8)
        pdf.line(x(0.0), top, x(0.0), axis_y)
        pdf.set_dash_pattern()
    for i, b in enumerate(chart.bars):
        y = top + i * row_h
        mid = y + row_h / 2
        pdf.set_text_color(*_rgb(INK))
        pdf.set_xy(left, y)
        pdf.cell(label_w - 2, row_h, _short(b.label, 44), align="R")
        if b.value is None:
            pdf.set_text_color(*_rgb(MUTED))
            pdf.set_xy(x(0.0) + 1, y)
            pdf.cell(30, row_h, b.shown)
            continue
        pdf.set_fill_color(*_rgb(ACCENT))
        pdf.set_draw_color(*_rgb(ACCENT))
        if chart.points:
            if b.low is not None and b.high is not None:
                pdf.set_line_width(0.6)
                pdf.line(x(b.low), mid, x(b.high), mid)
                pdf.set_line_width(0.2)
            pdf.ellipse(x(b.value) - 1.2, mid - 1.2, 2.4, 2.4, style="F")
            right = x(b.high if b.high is not None else b.value)
        else:
            pdf.rect(x(chart.lo), y + 1, max(0.0, x(b.value) - x(chart.lo)), row_h - 2, style="F")
            right = x(b.value)
        pdf.set_xy(right + 1, y)
        pdf.cell(25, row_h, b.shown)
    pdf.set_draw_color(*_rgb(LIGHT))
    pdf.line(left + label_w, axis_y, left + label_w + plot_w, axis_y)
    pdf.set_text_color(*_rgb(MUTED))
    pdf.set_xy(left + label_w, axis_y + 0.5)
    pdf.cell(plot_w, 5, chart.series, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(*_rgb(INK))
    pdf.ln(3)


def _table_pdf(pdf: FPDF, table: Table) -> None:
    if table.caption:
        pdf.set_font(FONT, "B", 9.5)
        pdf.multi_cell(0, 5, table.caption, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, size=8)
    pdf.set_fill_color(255, 255, 255)  # a chart's bar colour must not become the rows' background
    widths = _widths(pdf, table)
    with pdf.table(col_widths=widths, line_height=4.2, text_align="LEFT", borders_layout="HORIZONTAL_LINES",
                   cell_fill_color=(247, 249, 251), cell_fill_mode="ROWS",
                   headings_style=FontFace(emphasis="BOLD", fill_color=(235, 240, 245))) as out:
        for row in [table.headers, *table.rows]:
            cells = out.row()
            for value in row:
                cells.cell(str(value))
    pdf.ln(3)


def _widths(pdf: FPDF, table: Table) -> tuple[float, ...]:
    """Column widths in mm: each column as wide as its longest text (at most 60 mm) but never
    narrower than its heading's longest word in bold (a heading is not broken inside a word);
    when the page is too narrow, the columns above that floor give up room in proportion."""
    pad = 3.0
    pdf.set_font(FONT, "B", 8)
    floor = [max(pdf.get_string_width(w) for w in (str(h).split() or [""])) + pad for h in table.headers]
    pdf.set_font(FONT, size=8)
    natural = [min(max(pdf.get_string_width(str(v)) for v in [h, *(r[i] for r in table.rows)]) + pad, 60.0)
               for i, h in enumerate(table.headers)]
    natural = [max(n, f) for n, f in zip(natural, floor, strict=True)]
    room, total = pdf.epw, sum(natural)
    if total <= room:
        return tuple(n * room / total for n in natural)
    spare = sum(n - f for n, f in zip(natural, floor, strict=True))
    cut = min(1.0, (total - room) / spare) if spare else 0.0
    return tuple(f + (n - f) * (1 - cut) for n, f in zip(natural, floor, strict=True))


def to_pdf(report: Report) -> bytes:
    """The report as an A4 PDF with its fonts embedded."""
    pdf = _Pdf(format="A4")
    pdf.set_margins(16, 16, 16)
    pdf.set_auto_page_break(True, margin=18)
    pdf.add_font(FONT, "", str(FONT_DIR / "LiberationSans-Regular.ttf"))
    pdf.add_font(FONT, "B", str(FONT_DIR / "LiberationSans-Bold.ttf"))
    pdf.set_lang(report.lang)
    pdf.set_title(report.title)
    pdf.set_creator("digled")
    pdf.add_page()
    pdf.set_font(FONT, "B", 18)
    pdf.multi_cell(0, 9, report.title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, size=10)
    pdf.set_text_color(*_rgb(MUTED))
    pdf.multi_cell(0, 6, report.subtitle, new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(*_rgb(INK))
    for section in report.sections:
        if pdf.get_y() > pdf.page_break_trigger - 40:
            pdf.add_page()
        pdf.ln(3)
        pdf.set_font(FONT, "B", 13)
        pdf.multi_cell(0, 7, section.title, new_x="LMARGIN", new_y="NEXT")
        for block in section.blocks:
            if isinstance(block, Table):
                _table_pdf(pdf, block)
            elif isinstance(block, Chart):
                _chart_pdf(pdf, block)
            else:
                pdf.set_font(FONT, size=9.5)
                pdf.multi_cell(0, 4.8, block, new_x="LMARGIN", new_y="NEXT")
                pdf.ln(1.5)
    return bytes(pdf.output())
