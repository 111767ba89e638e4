// Fresco dashboards: draws a page's ECharts charts from the data the server
// wrote into a <script type="application/json"> block (data, which the
// Content-Security-Policy allows where it refuses inline script).
//
// frescoCharts(dataID, grid, draw) calls draw(data, make) once the page is
// read; make(id, options) draws one chart into the element with that id,
// over the common options, and marks it data-rendered for the tests. Value
// axes without a formatter of their own write negatives with app.js's
// frescoMinus, as the server writes its figures.

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
