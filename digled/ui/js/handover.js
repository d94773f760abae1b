// POST a one-time ticket to one of digled's cookie routes (its answer sets or deletes the
// HttpOnly session cookie, which no script can), and once that answer arrived, POST to the next
// route (digled/ui/login.py). Loaded as a file, not inline: the Content-Security-Policy of
// deploy/Caddyfile runs no inline script.
(() => {
  const data = document.currentScript.dataset;
  const post = (path, body) => fetch(path, {
    method: "POST", credentials: "same-origin", cache: "no-store",
    headers: {"Content-Type": "application/json", [data.header]: "1"}, body,
  });
  const sent = post(data.path, JSON.stringify({ticket: data.ticket || null}));
  if (data.then) sent.then((answer) => answer.ok && post(data.then, "{}"));
})();
