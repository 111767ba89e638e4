// Fresco live notifications: a count on the bell in the top bar and a toast
// for each new notification, fed by server-sent events from
// GET /api/v1/events/stream (the browser reconnects by itself and the server
// replays what was missed). The bell links to the notification centre,
// where notifications are read one by one or all at once.
(function () {
  "use strict";
  var bell = document.querySelector("[data-live-events]");
  if (!bell || !window.EventSource || !window.fetch) return;
  var count = bell.querySelector(".notif-count");
  var toasts = document.getElementById("toasts");
  var unread = 0;

  function show(n) {
    unread = Math.max(0, n);
    count.textContent = unread > 99 ? "99+" : String(unread);
    count.hidden = unread === 0;
    bell.setAttribute("data-unread", String(unread)); // the count as last told by the server, for tests and styles
    bell.setAttribute("aria-label", unread === 1 ? "1 unread notification" : unread + " unread notifications");
  }

  fetch("/api/v1/notifications?limit=1", { credentials: "same-origin" })
    .then(function (r) { return r.ok ? r.json() : null; })
    .then(function (d) { if (d && typeof d.unread === "number") show(d.unread); })
    .catch(function () {});

  function toast(n) {
    if (!toasts) return;
    var el = document.createElement("div");
    el.className = "toast toast-" + String(n.event || "").replace(/[^a-z_]/g, "-");
    el.setAttribute("role", "status");
    var title = document.createElement(n.link ? "a" : "strong");
    title.textContent = n.subject || n.event;
    if (n.link && n.link.charAt(0) === "/") title.href = n.link;
    el.appendChild(title);
    if (n.body) {
      var p = document.createElement("p");
      p.textContent = String(n.body).split("\n")[0];
      el.appendChild(p);
    }
    var close = document.createElement("button");
    close.type = "button";
    close.className = "link-button toast-close";
    close.setAttribute("aria-label", "Dismiss");
    close.textContent = "×";
    close.addEventListener("click", function () { el.remove(); });
    el.appendChild(close);
    toasts.appendChild(el);
    while (toasts.children.length > 4) toasts.firstChild.remove();
    setTimeout(function () { el.remove(); }, 12000);
  }

  var source = new EventSource(bell.getAttribute("data-live-events"));
  source.addEventListener("notification", function (ev) {
    var n;
    try { n = JSON.parse(ev.data); } catch (e) { return; }
    show(unread + 1);
    toast(n);
  });
})();
