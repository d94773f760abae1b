"""A text area that saves while the user types: an st.components.v2 component (inline HTML,
CSS and JavaScript, no build step).

The browser sends the text ~800 ms after the last keystroke, when the field loses focus and
when the page is hidden (tab closed, reload); Python then saves it (the caller's `on_save`)
and shows the status it returns ("Gemt kl. 10.42") in a live region under the field.

A websocket message sent while the page unloads is lost, and a page change by the menu removes
the field before its pause has passed (issue 20: a note typed less than a second before a
reload, a menu click or closing the tab was lost). A field given `flush` (the reflection fields:
digled.ui.widgets.reflection_field) therefore also sends its text with `fetch(..., {keepalive:
true})` to digled's own route (digled/ui/web.py) when the page is hidden or left and when the
field is removed, whenever the text differs from the last text Python confirmed. Every save,
over either way, sends the whole text and replaces the stored one: sent twice, it is stored once.
Accessible: a real <textarea> with its <label>, a character limit, and `role=status`.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

DEBOUNCE_MS = 800

_CSS = """
.autosave { display: flex; flex-direction: column; gap: 0.25rem; font-family: var(--st-font); }
.autosave label { font-size: 0.875rem; color: var(--st-text-color); line-height: 1.4; }
.autosave textarea {
  box-sizing: border-box; width: 100%; resize: vertical; min-height: 4.5rem;
  font: inherit; font-size: 1rem; line-height: 1.5; padding: 0.5rem 0.75rem;
  color: var(--st-text-color); background: var(--st-secondary-background-color);
  border: 1px solid var(--st-border-color, #d5dae5); border-radius: var(--st-base-radius, 0.5rem);
}
.autosave textarea:focus { outline: 2px solid var(--st-primary-color); outline-offset: 1px; }
.autosave .status { font-size: 0.875rem; min-height: 1.3em; color: var(--st-text-color); opacity: 0.8; }
"""

_JS = """
export default function (component) {
  const { data, parentElement, setStateValue } = component;
  let root = parentElement.querySelector(".autosave");
  if (!root) {
    root = document.createElement("div");
    root.className = "autosave";
    const id = "autosave-" + Math.random().toString(36).slice(2);
    root.innerHTML =
      '<label for="' + id + '"></label>' +
      '<textarea id="' + id + '" aria-describedby="' + id + '-status"></textarea>' +
      '<div class="status" id="' + id + '-status" role="status" aria-live="polite"></div>';
    parentElement.appendChild(root);
    const area = root.querySelector("textarea");
    area.value = data.value || "";
    root.dataset.sent = area.value;
    root.dataset.flushed = area.value;  // the text the server is known to hold
    let timer = null;
    const send = () => {
      clearTimeout(timer);
      timer = null;
      if (area.value !== root.dataset.sent) {
        root.dataset.sent = area.value;
        setStateValue("value", area.value);
      }
    };
    area.addEventListener("input", () => {
      clearTimeout(timer);
      root.querySelector(".status").textContent = data_pending(root);
      timer = setTimeout(send, DEBOUNCE);
    });
    area.addEventListener("blur", send);
    // the page is going away or out of sight: the websocket may never deliver, digled's route will
    root._flush = () => {
      const to = root._flushTo;
      if (!to || area.value === root.dataset.flushed) return;
      root.dataset.flushed = area.value;
      try {
        fetch(to.path, {
          method: "POST", keepalive: true, credentials: "same-origin", cache: "no-store",
          headers: { "Content-Type": "application/json", [to.header]: "1" },
          body: JSON.stringify({ question: to.question, text: area.value }),
        }).then((r) => { if (!r.ok) root.dataset.flushed = ""; }, () => { root.dataset.flushed = ""; });
      } catch (e) { root.dataset.flushed = ""; }
    };
    const leave = () => { root._flush(); send(); };
    const hide = () => { if (document.visibilityState === "hidden") leave(); };
    document.addEventListener("visibilitychange", hide);
    window.addEventListener("pagehide", leave);
  }
  const area = root.querySelector("textarea");
  root.querySelector("label").textContent = data.label;
  area.maxLength = data.max_chars;
  area.style.height = data.height + "px";
  root.dataset.pending = data.pending;
  root._flushTo = data.flush || null;
  // The text from Python is the truth only while the user is not typing in the field.
  if (document.activeElement !== area && root.dataset.sent === area.value && (data.value || "") !== area.value) {
    area.value = data.value || "";
    root.dataset.sent = area.value;
  }
  if ((data.value || "") === area.value) root.dataset.flushed = area.value;  // Python saved it
  if (area.value === root.dataset.sent) {
    root.querySelector(".status").textContent = data.status || "";
  }
  // removed (a page change from the menu) or drawn again: what is typed reaches the server
  return () => root._flush();
}
function data_pending(root) { return root.dataset.pending || ""; }
""".replace("DEBOUNCE", str(DEBOUNCE_MS))

_component = st.components.v2.component("digled_autosave_textarea", css=_CSS, js=_JS)


def autosave_text_area(
    label: str,
    value: str,
    key: str,
    on_save: Callable[[str], str],
    status: str = "",
    pending: str = "",
    max_chars: int = 10_000,
    height: int = 100,
    flush: dict | None = None,
) -> None:
    """A labelled text area saved while typing: `on_save(text)` runs in a callback once the
    user pauses (debounced in the browser) and returns the status to show ("Saved at 10:42");
    `status` is shown until then, `pending` while the user is typing. `flush`: where the
    browser also sends the text when the page is left or the field removed ({path, header,
    question}: digled.ui.web's reflection route), see the module text."""

    def changed() -> None:
        state = st.session_state.get(key)
        text = (state or {}).get("value") if isinstance(state, dict) else getattr(state, "value", None)
        if text is not None:
            st.session_state[f"_autosave_status_{key}"] = on_save(str(text)[:max_chars])

    shown = st.session_state.get(f"_autosave_status_{key}", status)
    _component(
        key=key,
        data={"label": label, "value": value, "status": shown, "pending": pending,
              "max_chars": max_chars, "height": height, "flush": flush},
        default={"value": value},
        on_value_change=changed,
    )
