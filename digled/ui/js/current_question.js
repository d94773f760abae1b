// The assessment's keyboard help (pages/assessment.py, issue 20):
// - a skip link "Go to the current question" (`data-label`) as the page's first Tab stop, before
//   Streamlit's "Skip to main content" and the menu: it puts the focus on the first unanswered
//   question of the step (the first question when all are answered);
// - after a step change (`data-focus-step` not empty) the new step's current question gets the
//   focus, with the top of the step in view (on the review step: its first button);
// - a question whose element a rerun redrew keeps the focus (the browser would drop it to the page).
// The link lives while the questionnaire's step (its Back/Next row, `.st-key-<data-marker>`) is on the page.
(() => {
  const data = document.currentScript.dataset;
  const marker = ".st-key-" + data.marker;
  const state = window.__digledQuestion = window.__digledQuestion || {last: null};

  const target = (group) => group.querySelector("input:checked") || group.querySelector("input");
  // the step's questions by widget key (`data-keys`, in order); the latest run's are in force
  state.keys = JSON.parse(data.keys || "[]");
  const current = () => {
    const groups = state.keys.map((k) => document.querySelector(".st-key-" + k + " [role='radiogroup']"));
    if (groups.some((g) => !g)) return null;  // the step is not drawn yet
    return groups.find((g) => !g.querySelector("input:checked")) || groups[0] || null;
  };
  // on the review step: the first "N unanswered" button, else the submit button
  const REVIEW = "[data-testid='stMainBlockContainer'] [class*='st-key-goto-'] button, "
    + "[data-testid='stMainBlockContainer'] .st-key-submit_assessment button";
  const focusCurrent = (scrollTop) => {
    const group = current();
    const input = group ? target(group) : !state.keys.length && document.querySelector(REVIEW);
    if (!input) return false;
    if (!group) {
      input.scrollIntoView({block: "center"});
      input.focus({preventScroll: true});
      return true;
    }
    if (scrollTop) {
      document.querySelector("[data-testid='stMainBlockContainer']")?.scrollIntoView({block: "start"});
      input.focus({preventScroll: true});
      const box = input.closest("[class*='st-key-q-']").getBoundingClientRect();
      if (box.top < 0 || box.bottom > window.innerHeight) input.closest("[class*='st-key-q-']").scrollIntoView({block: "center"});
    } else {
      input.closest("[class*='st-key-q-']").scrollIntoView({block: "center"});
      input.focus({preventScroll: true});
    }
    return true;
  };

  let link = document.getElementById("digled-current-question");
  if (!link) {
    link = document.createElement("a");
    link.id = "digled-current-question";
    link.href = "#";
    link.className = "digled-skip-link";
    link.addEventListener("click", (event) => {
      event.preventDefault();
      focusCurrent(false);
    });
    document.body.insertBefore(link, document.body.firstChild);
  }
  link.textContent = data.label;

  if (!state.watch) {
    // the question that has the focus; when a rerun redraws its element the focus falls to the
    // page: give it back to the same question (found again by its widget key)
    document.addEventListener("focusin", (event) => {
      const q = event.target.closest?.("[class*='st-key-q-']");
      state.el = q && event.target.type === "radio" ? event.target : null;
      state.last = state.el ? [...q.classList].find((c) => c.startsWith("st-key-q-")) : null;
    });
    state.observer = new MutationObserver(() => {
      if (!state.el || state.el.isConnected) return;
      if (document.activeElement && document.activeElement !== document.body) return;
      const group = document.querySelector("." + state.last + " [role='radiogroup']");
      const input = group && target(group);
      if (input) input.focus({preventScroll: true});
    });
    state.observer.observe(document.body, {subtree: true, childList: true});
    state.watch = setInterval(() => {  // the questionnaire left the page: so does the link
      if (document.querySelector(marker)) return;
      document.getElementById("digled-current-question")?.remove();
      state.el = state.last = null;
    }, 500);
  }

  if (data.focusStep) {
    let tries = 0;
    const go = () => { if (!focusCurrent(true) && tries++ < 40) setTimeout(go, 50); };
    setTimeout(go, 30);
  }
})();
