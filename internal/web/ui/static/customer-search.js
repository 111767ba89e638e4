// Customer search as you type: an input with data-action (the fragment's
// URL, which may have a query of its own) and data-results (the id of the
// element it replaces) fetches the matches a moment after the typing stops. Without script the search form
// submits and the page shows the same matches.
(function () {
  "use strict";
  document.querySelectorAll("input[data-action]").forEach(function (input) {
    var timer = 0, seq = 0;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var mine = ++seq;
        var action = input.dataset.action, join = action.indexOf("?") < 0 ? "?" : "&";
        fetch(action + join + "q=" + encodeURIComponent(input.value.trim()), {credentials: "same-origin"})
          .then(function (res) { return res.ok ? res.text() : null; })
          .then(function (html) {
            var target = document.getElementById(input.dataset.results);
            if (html === null || mine !== seq || !target) return;
            var box = document.createElement("div");
            box.innerHTML = html;
            var fresh = box.querySelector("#" + input.dataset.results);
            if (fresh) target.replaceWith(fresh);
          })
          .catch(function () {});
      }, 250);
    });
  });
})();
