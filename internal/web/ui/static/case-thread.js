// The case page's conversation: picking a reply template fills the subject
// and message (staff then edit them), and the thread redraws itself when a
// message arrives or a reply's send status moves on, fed by server-sent
// events from the section's data-thread-stream (GET /cases/{id}/thread/stream,
// which sends the thread's HTML, rendered by the server, on every change).
(function () {
  "use strict";
  var picker = document.getElementById("reply-template");
  if (picker) {
    picker.addEventListener("change", function () {
      var opt = picker.options[picker.selectedIndex];
      if (!opt || !opt.value) return;
      var subject = document.getElementById("reply-subject");
      var body = document.getElementById("reply-body");
      if (subject && opt.dataset.subject) subject.value = opt.dataset.subject;
      if (body) body.value = opt.dataset.body || "";
      if (body) body.focus();
    });
  }

  var section = document.querySelector("[data-thread-stream]");
  if (!section || !window.EventSource) return;
  var source = new EventSource(section.getAttribute("data-thread-stream"));
  source.addEventListener("thread", function (ev) {
    var html;
    try { html = JSON.parse(ev.data); } catch (e) { return; }
    var current = document.getElementById("case-thread");
    if (!current) return;
    var box = document.createElement("div");
    box.innerHTML = html;
    var fresh = box.querySelector("#case-thread");
    // The stream sends the thread when it connects too: redraw only what changed,
    // so the page does not move under the reader's eye (or pointer).
    if (fresh && fresh.outerHTML !== current.outerHTML) current.replaceWith(fresh);
  });
})();
