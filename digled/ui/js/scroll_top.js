// Bring the top of the main area into view (after a step change at the bottom of a page).
setTimeout(() => document.querySelector("[data-testid='stMainBlockContainer']")
  ?.scrollIntoView({block: "start"}), 30);
