// Streamlit's own English words (placeholders, screen-reader labels, the skip link) in the
// reader's language, as they appear: see digled/ui/streamlit_words.py. A date field's empty
// segments ("yyyy") change their text node's value in place (React keeps its node, so a typed
// digit still shows); an uploader's chip texts follow templates with a file size in them. The
// words of the latest script run are the ones in force; one observer serves every run. A date
// field's calendar is drawn in the browser's language, which Streamlit reads from
// navigator.language at each redraw: the browser reports the page's (data-locale) instead, and
// the calendar's one-letter weekday row gets two letters (data-weekdays, Monday first).
(() => {
  const data = document.currentScript.dataset;
  // "Error: File must be {size} or smaller." -> a RegExp with a group for each part
  function pattern(template) {
    const parts = template.split(/(\{size\}|\{any\})/);
    const kinds = [];
    const source = parts.map((p) => {
      if (p === "{size}") { kinds.push("size"); return "(\\d+(?:[.,]\\d+)? ?[KMGTP]?B)"; }
      if (p === "{any}") { kinds.push("any"); return "(.+?)"; }
      return p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    }).join("");
    return {regex: new RegExp("^" + source + "$"), kinds};
  }
  window.__digledWords = {
    whole: JSON.parse(data.words || "{}"),
    prefixes: JSON.parse(data.prefixes || "{}"),
    texts: new Set(JSON.parse(data.texts || "[]")),
    segments: JSON.parse(data.segments || "{}"),
    templates: JSON.parse(data.templates || "[]").map(([from, to]) => [pattern(from), to]),
    decimal: data.decimal || ".",
    weekdays: JSON.parse(data.weekdays || "[]"),
  };
  // The browser's language is the page's, read from this script's element at each call: the
  // element is in the page from the redraw that brings a script run's words, before the script
  // itself has loaded and run, so the redraw at the end of the run that changed the language
  // already draws the calendar in the new one.
  if (!window.__digledLocale) {
    window.__digledLocale = true;
    const browser = Object.getOwnPropertyDescriptor(Navigator.prototype, "language").get;
    Object.defineProperty(navigator, "language", {
      configurable: true,
      get() {
        const tags = document.querySelectorAll("script[data-locale]");
        return tags.length ? tags[tags.length - 1].dataset.locale : browser.call(navigator);
      },
    });
  }
  const ATTRIBUTES = ["aria-label", "placeholder", "title", "aria-valuetext"];
  const CHIP = "[data-testid='stFileChip']";
  const SEGMENT = "[role='spinbutton'][data-placeholder='true']";
  const CALENDAR = "[data-testid='stDateInputCalendar']";
  const swap = (value) => {
    const w = window.__digledWords;
    if (Object.prototype.hasOwnProperty.call(w.whole, value)) return w.whole[value];
    for (const [from, to] of Object.entries(w.prefixes)) {
      if (value.startsWith(from)) return to + value.slice(from.length);
    }
    return null;
  };
  // "6.3MB" as the language writes it: "6,3 MB" (and "5.0MB" -> "5 MB") or Streamlit's "6.3MB"
  const size = (value) => {
    const m = value.match(/^(\d+)(?:[.,](\d+))? ?([KMGTP]?B)$/);
    if (!m) return value;
    const decimal = window.__digledWords.decimal;
    if (decimal === ",") return m[1] + (m[2] && !/^0+$/.test(m[2]) ? "," + m[2] : "") + " " + m[3];
    return m[1] + "." + (m[2] || "0") + m[3];
  };
  const fill = (value) => {
    for (const [{regex, kinds}, to] of window.__digledWords.templates) {
      const m = value.match(regex);
      if (!m) continue;
      let i = 0;
      return to.replace(/\{size\}|\{any\}/g, () => { i += 1; return kinds[i - 1] === "size" ? size(m[i]) : m[i]; });
    }
    return null;
  };
  const fixChip = (el) => {
    const label = el.getAttribute("aria-label");
    if (el.matches(CHIP) && label !== null) {
      const ours = fill(label);
      if (ours !== null && ours !== label) el.setAttribute("aria-label", ours);
    }
    if (el.childElementCount === 0 && el.textContent) {
      const ours = fill(el.textContent);
      if (ours === null || ours === el.textContent) return;
      // React keeps its text node: change its value in place where there is one
      if (el.childNodes.length === 1) el.firstChild.nodeValue = ours;
      else el.textContent = ours;
    }
  };
  const fixSegment = (el) => {
    const node = el.firstChild;
    if (!node || node.nodeType !== 3) return;
    const w = window.__digledWords.segments;
    if (Object.prototype.hasOwnProperty.call(w, node.nodeValue)) node.nodeValue = w[node.nodeValue];
  };
  // a leaf text of the open calendar ("Choose date, august 2026", the hint), changed in place
  const fixText = (el) => {
    const value = el.textContent;
    const ours = swap(value);
    if (ours === null || ours === value) return;
    if (el.childNodes.length === 1) el.firstChild.nodeValue = ours;
    else el.textContent = ours;
  };
  const fixWeekdays = (calendar) => {
    const cells = calendar.querySelectorAll("thead th");
    const days = window.__digledWords.weekdays;
    if (cells.length !== days.length) return;
    cells.forEach((cell, i) => { if (cell.textContent !== days[i]) cell.textContent = days[i]; });
  };
  const fixElement = (el) => {
    for (const name of ATTRIBUTES) {
      const value = el.getAttribute(name);
      if (value === null) continue;
      const ours = swap(value);
      if (ours !== null && ours !== value) el.setAttribute(name, ours);
    }
    if (el.childElementCount === 0 && window.__digledWords.texts.has(el.textContent)) {
      const ours = swap(el.textContent);
      if (ours !== null && ours !== el.textContent) el.textContent = ours;
    }
    if (el.matches(SEGMENT)) fixSegment(el);
    if (el.closest(CHIP)) fixChip(el);
    if (el.childElementCount === 0 && el.textContent && el.closest(CALENDAR)) fixText(el);
  };
  const fix = (root) => {
    if (root.nodeType === 3) root = root.parentElement;  // a text changed (a segment, a chip)
    if (!root || root.nodeType !== 1) return;
    fixElement(root);
    root.querySelectorAll(`[aria-label], [placeholder], [title], [aria-valuetext], a, ${SEGMENT}`).forEach(fixElement);
    root.querySelectorAll(`${CHIP} *`).forEach(fixChip);
    root.querySelectorAll(`${CALENDAR} *`).forEach((el) => { if (el.childElementCount === 0) fixText(el); });
    const calendar = root.closest(CALENDAR) || root.querySelector(CALENDAR);
    if (calendar) fixWeekdays(calendar);
  };
  fix(document.body);
  if (!window.__digledWordsObserver) {
    window.__digledWordsObserver = new MutationObserver((records) => {
      for (const r of records) {
        if (r.type === "attributes") fixElement(r.target);
        else if (r.type === "characterData") fix(r.target);
        else r.addedNodes.forEach(fix);
      }
    });
    window.__digledWordsObserver.observe(document.body, {
      subtree: true, childList: true, characterData: true, attributes: true,
      attributeFilter: [...ATTRIBUTES, "data-placeholder"],
    });
  }
})();
