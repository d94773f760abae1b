// Bring the element `data-selector` into view once it renders (the target of a "Go to" link).
(() => {
  const selector = document.currentScript.dataset.selector;
  let tries = 0;
  const go = () => {
    const el = document.querySelector(selector);
    if (el) {
      el.scrollIntoView({block: "start", behavior: "instant"});
      el.focus?.();
    } else if (tries++ < 40) {
      setTimeout(go, 100);
    }
  };
  setTimeout(go, 150);
})();
