// Streamlit's own English words (placeholders, screen-reader labels, the skip link) in the
// reader's language, as they appear: see digled/ui/streamlit_words.py. The words of the latest
// script run are the ones in force; one observer serves every run.
(() => {
  const data = document.currentScript.dataset;
  window.__digledWords = {
    whole: JSON.parse(data.words || "{}"),
    prefixes: JSON.parse(data.prefixes || "{}"),
    texts: new Set(JSON.parse(data.texts || "[]")),
  };
  const ATTRIBUTES = ["aria-label", "placeholder", "title"];
  const swap = (value) => {
    const w = window.__digledWords;
    if (Object.prototype.hasOwnProperty.call(w.whole, value)) return w.whole[value];
    for (const [from, to] of Object.entries(w.prefixes)) {
      if (value.startsWith(from)) return to + value.slice(from.length);
    }
    return null;
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
  };
  const fix = (root) => {
    if (root.nodeType !== 1) return;
    fixElement(root);
    root.querySelectorAll("[aria-label], [placeholder], [title], a").forEach(fixElement);
  };
  fix(document.body);
  if (!window.__digledWordsObserver) {
    window.__digledWordsObserver = new MutationObserver((records) => {
      for (const r of records) {
        if (r.type === "attributes") fixElement(r.target);
        else r.addedNodes.forEach(fix);
      }
    });
    window.__digledWordsObserver.observe(document.body, {
      subtree: true, childList: true, attributes: true, attributeFilter: ATTRIBUTES,
    });
  }
})();
