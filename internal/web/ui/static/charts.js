// Fresco dashboards: draws a page's ECharts charts from the data the server
// wrote into a <script type="application/json"> block (data, which the
// Content-Security-Policy allows where it refuses inline script).
//
// frescoCharts(dataID, grid, draw) calls draw(data, make) once the page is
// read; make(id, options) draws one chart into the element with that id,
// over the common options, and marks it data-rendered for the tests.
//
// frescoMinus(x) writes a number (or text holding one) with a true minus
// sign, as the server writes its figures: "−50", not "-50". Value axes
// without a formatter of their own get it.
window.frescoMinus = function (x) { return String(x).replace(/-(?=\d)/g, "\u2212"); };

window.frescoCharts = function (dataID, grid, draw) {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var src = document.getElementById(dataID);
    if (!src || !window.echarts) return;
    var data;
    try { data = JSON.parse(src.textContent); } catch (e) { return; }
    var base = { animation: !window.matchMedia("(prefers-reduced-motion: reduce)").matches, grid: grid,
      textStyle: { fontFamily: "system-ui, -apple-system, Segoe UI, Roboto, sans-serif" } };
    draw(data, function make(id, opt) {
      var el = document.getElementById(id);
      if (!el) return;
      [].concat(opt.xAxis || [], opt.yAxis || []).forEach(function (axis) {
        if (axis.type !== "value") return;
        axis.axisLabel = axis.axisLabel || {};
        if (!axis.axisLabel.formatter) axis.axisLabel.formatter = window.frescoMinus;
      });
      var c = window.echarts.init(el, null, { renderer: "canvas" });
      c.setOption(Object.assign({}, base, opt));
      window.addEventListener("resize", function () { c.resize(); });
      el.setAttribute("data-rendered", "true");
    });
  });
};
