"""A text area that saves while the user types: an st.components.v2 component (inline HTML,
CSS and JavaScript, no build step).

The browser sends the text ~800 ms after the last keystroke, when the field loses focus and
when the page is hidden (tab closed, reload); Python then saves it (the caller's `on_save`)
and shows the status it returns ("Gemt kl. 10.42") in a live region under the field.
Accessible: a real <textarea> with its <label>, a character limit, and `role=status`.
"""

from __future__ import annotations

from typing import Callable

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
    const hide = () => { if (document.visibilityState === "hidden") send(); };
    document.addEventListener("visibilitychange", hide);
    window.addEventListener("pagehide", send);
    root._cleanup = () => {
      send();
      document.removeEventListener("visibilitychange", hide);
      window.removeEventListener("pagehide", send);
    };
  }
  const area = root.querySelector("textarea");
  root.querySelector("label").textContent = data.label;
  area.maxLength = data.max_chars;
  area.style.height = data.height + "px";
  root.dataset.pending = data.pending;
  // The text from Python is the truth only while the user is not typing in the field.
  if (document.activeElement !== area && root.dataset.sent === area.value && (data.value || "") !== area.value) {
    area.value = data.value || "";
    root.dataset.sent = area.value;
  }
  if (area.value === root.dataset.sent) {
    root.querySelector(".status").textContent = data.status || "";
  }
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
) -> None:
    """A labelled text area saved while typing: `on_save(text)` runs in a callback once the
    user pauses (debounced in the browser) and returns the status to show ("Saved at 10:42");
    `status` is shown until then, `pending` while the user is typing."""

    def changed() -> None:
        state = st.session_state.get(key)
        text = (state or {}).get("value") if isinstance(state, dict) else getattr(state, "value", None)
        if text is not None:
            st.session_state[f"_autosave_status_{key}"] = on_save(str(text)[:max_chars])

    shown = st.session_state.get(f"_autosave_status_{key}", status)
    _component(
        key=key,
        data={"label": label, "value": value, "status": shown, "pending": pending,
              "max_chars": max_chars, "height": height},
        default={"value": value},
        on_value_change=changed,
    )
