// The Process page (ui/process.go) redraws as its filter changes: the
// log, the period, the attribute filter, the view and the slider each
// fetch the page for the new query and put its map and tables in place of
// the old, without the "Show" button's round trip. Without JavaScript the
// form still works as a plain GET form.
(function () {
  "use strict";
  var form = document.getElementById("process-form");
  if (!form || !window.fetch || !window.DOMParser) {
    return;
  }
  var paths = document.getElementById("process-paths");
  var shown = document.getElementById("process-paths-value");
  var timer = 0;
  var asked = 0; // the newest request: older answers arriving late are dropped

  function query() {
    var params = new URLSearchParams(new FormData(form));
    return "/process?" + params.toString();
  }

  // swap puts what follows the form in doc (the map and the tables) and
  // its problem, if any, in place of the page's.
  function swap(doc) {
    var next = doc.getElementById("process-form");
    if (!next) {
      return false;
    }
    while (form.nextElementSibling) {
      form.parentNode.removeChild(form.nextElementSibling);
    }
    for (var n = next.nextElementSibling; n; n = n.nextElementSibling) {
      form.parentNode.appendChild(document.importNode(n, true));
    }
    var old = document.getElementById("form-errors");
    if (old) {
      old.parentNode.removeChild(old);
    }
    var problem = doc.getElementById("form-errors");
    if (problem) {
      form.parentNode.insertBefore(document.importNode(problem, true), form);
    }
    return true;
  }

  function redraw() {
    var url = query();
    var mine = ++asked;
    form.setAttribute("aria-busy", "true");
    fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (r) { return r.text(); })
      .then(function (body) {
        if (mine !== asked) {
          return;
        }
        if (swap(new DOMParser().parseFromString(body, "text/html")) && window.history && history.replaceState) {
          history.replaceState(null, "", url);
        }
        form.removeAttribute("aria-busy");
      })
      .catch(function () {
        if (mine === asked) {
          form.removeAttribute("aria-busy");
        }
      });
  }

  // later redraws after a pause, so dragging the slider or typing asks
  // once, not at every step.
  function later(ms) {
    clearTimeout(timer);
    timer = setTimeout(redraw, ms);
  }

  if (paths && shown) {
    paths.addEventListener("input", function () { shown.textContent = paths.value; });
  }
  form.addEventListener("input", function (e) {
    later(e.target && e.target.type === "range" ? 150 : 400);
  });
  form.addEventListener("change", function () { later(50); });
  // Show still submits the form: a plain page load, as without JavaScript.
  form.addEventListener("submit", function () { clearTimeout(timer); });
})();
