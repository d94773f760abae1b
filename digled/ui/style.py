"""The app's own CSS, injected once per script run by app.py (phone-first layout fixes).

Selectors hang on stable hooks only: widget keys (`.st-key-K`) and Streamlit's data-testids.
Never a less-than sign in CSS (not even in a comment): Streamlit's HTML sanitiser (DOMPurify)
then drops the whole style element (checked in the browser; tests/pages/test_assessment_pages.py guards it).
Phone widths are 360-414 px; Streamlit stacks columns below 640 px.
"""

from __future__ import annotations

import streamlit as st

CSS = """
/* Streamlit's "Link to heading" anchor beside every heading is a Tab stop and a screen-reader
   link on every page (issue 20, points 9 and 10): gone everywhere; the headings keep their ids,
   so an address with #section still scrolls there. A heading's help icon stays. */
[data-testid="stHeaderActionElements"] a[href^="#"] { display: none; }
/* Titles wrap between words, never inside one (a phone at 390 px broke "kompetenceafklaring"):
   smaller headings on a phone so the longest Danish word fits the line. */
h1, h2, h3 { overflow-wrap: normal; word-break: normal; hyphens: manual; }
@media (max-width: 640px) {
  [data-testid="stHeading"] h1, [data-testid="stMarkdownContainer"] h1 { font-size: 1.75rem; line-height: 1.25; }
  [data-testid="stHeading"] h2, [data-testid="stMarkdownContainer"] h2 { font-size: 1.4rem; }
  [data-testid="stHeading"] h3, [data-testid="stMarkdownContainer"] h3 { font-size: 1.2rem; }
}
@media (max-width: 359px) {
  [data-testid="stHeading"] h1, [data-testid="stMarkdownContainer"] h1 { font-size: 1.45rem; }
}

/* Assessment answers (st.radio keyed q-DRAFT-QUESTION): the options in scale order, one per
   line on a phone and a tablet, one row of equal cells on a wide screen (never 3 + 2); every
   option is a target of at least 44 px. */
[class*="st-key-q-"] { width: 100%; }
/* A line above each question (the answer's fragment: the block holding the radio), instead of a
   frame: a bordered container around each question would be one more container for Streamlit
   to copy on every answer (pages/assessment.py, question). */
[data-testid="stVerticalBlock"]:has(> [class*="st-key-q-"]) {
  border-top: 1px solid rgba(49, 51, 63, 0.2); padding-top: 1rem; margin-top: 0.5rem;
}
[class*="st-key-q-"] [data-testid="stRadioGroup"] {
  display: flex; flex-direction: column; flex-wrap: nowrap; align-items: stretch; gap: 0; width: 100%;
}
[class*="st-key-q-"] [data-testid="stRadioOption"] {
  min-height: 44px; width: 100%; box-sizing: border-box; margin: 0; padding: 0.25rem 0.25rem;
  align-items: center; justify-content: flex-start; cursor: pointer;
}
@media (min-width: 1024px) {
  [class*="st-key-q-"] [data-testid="stRadioGroup"] {
    display: grid; grid-auto-flow: column; grid-auto-columns: minmax(0, 1fr); column-gap: 0.75rem; align-items: start;
  }
  [class*="st-key-q-"] [data-testid="stRadioOption"] { align-items: flex-start; padding-top: 0.6rem; }
}

/* Back / Next of the assessment: one row (Back left, Next right), also on a phone. */
.st-key-step_nav { flex-wrap: nowrap; }
.st-key-step_nav button { min-height: 44px; }

/* The numbered wheel's list: beside the wheel on a wide screen, under it on a phone. */
.wheel-list ol { margin-top: 0; }
.wheel-list li { padding: 0.1rem 0; }

/* Tables never push the page wider than the screen: they scroll inside their own box. */
[data-testid="stDataFrame"], [data-testid="stTable"] { max-width: 100%; overflow-x: auto; }
[data-testid="stMainBlockContainer"] { min-width: 0; }
.st-key-purposes td + td, .st-key-purposes th + th { white-space: nowrap; }  /* "33 %" on one line */
/* The assessment's skip link "Go to the current question" (digled/ui/js/current_question.js):
   the page's first Tab stop, out of sight until it has the focus. */
#digled-current-question { position: absolute; left: -10000px; top: 0.5rem; z-index: 1000100;
  padding: 0.5rem 1rem; background: #ffffff; color: #1c5a9e; border: 2px solid #1c5a9e; border-radius: 0.5rem; }
#digled-current-question:focus { left: 0.5rem; }

"""


def uploader_css(t) -> str:
    """Streamlit's file uploader writes "Upload" on its button and "<N>MB per file • <TYPES>"
    under it in English, with N from the server's setting rather than the widget's limit. The
    button's word is replaced by ours and the line hidden: the label (widgets.file_upload) says
    what to upload and the real limit in the user's language. Checked in the browser
    (tests/e2e/test_admin_issue25_browser.py), so a Streamlit upgrade breaks here only."""
    word = t("Choose a file").replace("\\", "").replace('"', "")
    return (
        '[data-testid="stFileUploaderDropzoneInstructions"] { display: none; }\n'
        '[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p { display: none; }\n'
        '[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"]::after '
        '{ content: "' + word + '"; }\n'
    )


def apply(t=None) -> None:
    """Add digled's stylesheet to the page (with `t`, the translator, also the file uploader's
    words in the user's language)."""
    st.html("<style>" + CSS + (uploader_css(t) if t else "") + "</style>")
