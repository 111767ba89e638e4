// Fresco UI: small progressive enhancements. Every page works without this
// file; it adds charts (Apache ECharts, loaded only on pages that have one),
// confirmation prompts for destructive actions, and the phone width's menu
// and stacked table rows.
// frescoMinus(x) writes a number (or text holding one) with a true minus
// sign, as the server writes its figures: "−50", not "-50". Every page has
// it; the chart scripts call it once the page is read.
window.frescoMinus = function (x) { return String(x).replace(/-(?=\d)/g, "\u2212"); };

(function () {
  "use strict";

  // Forms with data-confirm ask before submitting.
  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    var msg = form.getAttribute && form.getAttribute("data-confirm");
    if (msg && !window.confirm(msg)) {
      ev.preventDefault();
    }
  });

  // Phone width: the navigation folds behind a menu button (the button
  // stays hidden without this script, and the navigation stays open).
  function initMenu() {
    var button = document.getElementById("menu-toggle");
    var bar = button && button.closest(".topbar");
    if (!bar) return;
    button.hidden = false;
    bar.classList.add("menu-ready");
    button.addEventListener("click", function () {
      var open = bar.classList.toggle("nav-open");
      button.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }

  // The navigation's groups: the heading button opens and closes its
  // menu; a click elsewhere, focus leaving the group or Escape closes it.
  function initNavGroups() {
    var groups = Array.prototype.slice.call(document.querySelectorAll(".nav-group"));
    function close(g) {
      g.classList.remove("open");
      g.querySelector(".nav-group-toggle").setAttribute("aria-expanded", "false");
    }
    groups.forEach(function (g) {
      var button = g.querySelector(".nav-group-toggle");
      button.addEventListener("click", function () {
        var open = !g.classList.contains("open");
        groups.forEach(close);
        if (open) {
          g.classList.add("open");
          button.setAttribute("aria-expanded", "true");
        }
      });
      g.addEventListener("focusout", function (ev) {
        if (!g.contains(ev.relatedTarget)) close(g);
      });
    });
    document.addEventListener("click", function (ev) {
      groups.forEach(function (g) { if (!g.contains(ev.target)) close(g); });
    });
    document.addEventListener("keydown", function (ev) {
      if (ev.key !== "Escape") return;
      groups.forEach(function (g) {
        if (!g.classList.contains("open")) return;
        close(g);
        g.querySelector(".nav-group-toggle").focus();
      });
    });
  }

  // Wide tables scroll inside their card rather than spill out of it.
  function wrapTables() {
    document.querySelectorAll("main table").forEach(function (table) {
      if (table.parentElement.classList.contains("table-wrap")) return;
      var wrap = document.createElement("div");
      wrap.className = "table-wrap";
      table.parentNode.insertBefore(wrap, table);
      wrap.appendChild(table);
    });
  }

  // Phone width: every list table stacks its rows, each cell labelled with
  // its column's header (data-label, shown by app.css); a table marked
  // data-no-stack keeps its columns.
  function stackTables() {
    document.querySelectorAll("main table:not([data-no-stack])").forEach(function (table) {
      var labels = [];
      table.querySelectorAll("thead tr:last-child th, thead tr:last-child td").forEach(function (th) {
        var label = th.textContent.replace(/[↑↓]/g, "").replace(/\s+/g, " ").trim(); // not the sort arrow
        for (var i = 0; i < (th.colSpan || 1); i++) labels.push(label);
      });
      if (!labels.length) return;
      table.querySelectorAll("tbody tr, tfoot tr").forEach(function (tr) {
        var col = 0;
        Array.prototype.forEach.call(tr.cells, function (cell) {
          if (!cell.hasAttribute("data-label")) cell.setAttribute("data-label", cell.colSpan > 1 ? "" : labels[col] || "");
          col += cell.colSpan || 1;
        });
      });
      table.classList.add("stacked");
    });
  }
  // <input type="checkbox" data-select-all="FORM"> ticks or unticks every
  // checkbox named "id" that belongs to that form (the comments list's bulk
  // labelling).
  document.addEventListener("change", function (ev) {
    var box = ev.target;
    var form = box.getAttribute && box.getAttribute("data-select-all");
    if (!form) return;
    var picks = document.querySelectorAll('input[type="checkbox"][name="id"][form="' + form + '"]');
    for (var i = 0; i < picks.length; i++) picks[i].checked = box.checked;
  });

  // Charts: <div data-chart="spend" data-source="ID"> reads its data from
  // <script type="application/json" id="ID">.
  function readData(el) {
    var src = document.getElementById(el.getAttribute("data-source"));
    if (!src) return null;
    try { return JSON.parse(src.textContent); } catch (e) { return null; }
  }

  var palette = { accent: "#1a5a86", refund: "#a11d1d", muted: "#566070", grid: "#e6e9ee" };

  function formatAmount(v) {
    return window.frescoMinus(Number(v).toLocaleString(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 }));
  }

  // Spend per month as bars (net of refunds; a month with more refunded
  // than bought goes below zero, in red). The tooltip adds the running total.
  function spendChart(el, data) {
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    chart.setOption({
      animation: !window.matchMedia("(prefers-reduced-motion: reduce)").matches,
      textStyle: { fontFamily: "system-ui, -apple-system, Segoe UI, Roboto, sans-serif" },
      grid: { left: 8, right: 12, top: 16, bottom: 4, containLabel: true },
      tooltip: {
        trigger: "axis",
        axisPointer: { type: "shadow" },
        formatter: function (items) {
          var i = items[0].dataIndex;
          return "<strong>" + data.labels[i] + "</strong><br>" +
            "Spend: " + formatAmount(data.spend[i]) + "<br>" +
            "Total so far: " + formatAmount(data.cumulative[i]);
        }
      },
      xAxis: {
        type: "category", data: data.labels,
        axisLine: { lineStyle: { color: palette.grid } }, axisTick: { show: false },
        axisLabel: { color: palette.muted, hideOverlap: true }
      },
      yAxis: {
        type: "value", splitLine: { lineStyle: { color: palette.grid } },
        axisLabel: { color: palette.muted, formatter: function (v) { return window.frescoMinus(Number(v).toLocaleString()); } }
      },
      series: [{
        name: "Spend", type: "bar", barMaxWidth: 28,
        data: data.spend.map(function (v) {
          return { value: v, itemStyle: { color: v < 0 ? palette.refund : palette.accent, borderRadius: v < 0 ? [0, 0, 3, 3] : [3, 3, 0, 0] } };
        })
      }]
    });
    window.addEventListener("resize", function () { chart.resize(); });
    el.setAttribute("data-rendered", "true");
  }

  var charts = { spend: spendChart };

  function initCharts() {
    var els = document.querySelectorAll("[data-chart]");
    if (!els.length || !window.echarts) return;
    els.forEach(function (el) {
      var kind = charts[el.getAttribute("data-chart")];
      var data = readData(el);
      if (kind && data) kind(el, data);
    });
  }

  function init() {
    initMenu();
    initNavGroups();
    wrapTables();
    stackTables();
    initCharts();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
