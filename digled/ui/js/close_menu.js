// On a phone the opened menu covers the page: close it once the user chose another page
// (narrower than `data-width` pixels; app.py).
(() => {
  if (window.innerWidth >= Number(document.currentScript.dataset.width)) return;
  const bar = document.querySelector("[data-testid='stSidebar']");
  if (!bar || bar.getAttribute("data-collapsed") !== "false") return;
  const close = document.querySelector(
    "[data-testid='stSidebarCollapseButton'] button, button[data-testid='stSidebarCollapseButton']");
  if (close) close.click();
})();
