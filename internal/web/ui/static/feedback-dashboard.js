// Feedback dashboard charts (internal/web/ui/feedback.go). Every figure is
// also in a table on the page.
window.frescoCharts("fb-data", { left: 8, right: 16, top: 28, bottom: 4, containLabel: true }, function (d, make) {
  var accent = "#1a5a86", band = "rgba(26,90,134,0.18)", bad = "#b3261e", good = "#2e7d4f", muted = "#566070", grid = "#e6e9ee";
  var t = d.trend || [];
  if (t.length) {
    var labels = t.map(function (p) { return p.label; });
    make("nps-trend", {
      tooltip: { trigger: "axis", formatter: function (items) {
        var p = t[items[0].dataIndex];
        if (p.nps === null) return p.label + ": no answers";
        return p.label + "<br>NPS " + frescoMinus(p.nps.toFixed(1)) + " (95% CI " + frescoMinus(p.low.toFixed(0)) + " to " + frescoMinus(p.high.toFixed(0)) + ")<br>n = " + p.n +
          (p.significant ? "<br><b>significant change</b>" : "");
      } },
      xAxis: { type: "category", data: labels, axisLabel: { color: muted }, axisLine: { lineStyle: { color: grid } } },
      yAxis: { type: "value", min: -100, max: 100, name: "NPS", splitLine: { lineStyle: { color: grid } }, axisLabel: { color: muted } },
      series: [
        { name: "CI low", type: "line", stack: "ci", symbol: "none", lineStyle: { opacity: 0 },
          data: t.map(function (p) { return p.low; }), connectNulls: false },
        { name: "95% interval", type: "line", stack: "ci", symbol: "none", lineStyle: { opacity: 0 }, areaStyle: { color: band },
          data: t.map(function (p) { return p.low === null ? null : p.high - p.low; }), connectNulls: false },
        { name: "NPS", type: "line", itemStyle: { color: accent }, lineStyle: { width: 2 },
          data: t.map(function (p) { return p.nps === null ? null : { value: p.nps,
            symbolSize: p.significant ? 12 : 6, itemStyle: { color: p.significant ? bad : accent } }; }) }
      ]
    });
  }
  if (d.distribution && d.distribution.length) {
    make("nps-distribution", {
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      grid: { left: 8, right: 16, top: 28, bottom: 28, containLabel: true }, // room for the axis name below
      xAxis: { type: "category", name: "Score", nameLocation: "middle", nameGap: 24, data: d.distribution.map(function (_, i) { return String(i); }), axisLabel: { color: muted } },
      yAxis: { type: "value", name: "Answers", splitLine: { lineStyle: { color: grid } }, axisLabel: { color: muted } },
      series: [{ type: "bar", barMaxWidth: 32, data: d.distribution.map(function (n, i) {
        return { value: n, itemStyle: { color: i <= 6 ? bad : (i >= 9 ? good : muted) } }; }) }]
    });
  }
  if (d.drivers && d.drivers.length) {
    var dr = d.drivers.slice().reverse();
    // A row per item, so that eleven items (with the value questions) do
    // not crowd into the height that fits six.
    var box = document.getElementById("nps-drivers");
    if (box) box.style.height = Math.max(260, 30 * dr.length + 60) + "px";
    make("nps-drivers", {
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, formatter: function (items) {
        var x = dr[items[0].dataIndex];
        return (x.label || x.item) + "<br>Spearman " + frescoMinus(x.spearman.toFixed(2)) + "<br>Pearson " + frescoMinus(x.pearson.toFixed(2)) +
          " (95% CI " + frescoMinus(x.pearson_ci_low.toFixed(2)) + " to " + frescoMinus(x.pearson_ci_high.toFixed(2)) + ")<br>n = " + x.n;
      } },
      grid: { left: 8, right: 24, top: 8, bottom: 28, containLabel: true }, // room for the axis name below
      xAxis: { type: "value", min: -1, max: 1, name: "link to NPS (rank correlation)", nameLocation: "middle", nameGap: 24, axisLabel: { color: muted } },
      yAxis: { type: "category", data: dr.map(function (x) { return x.label || x.item; }),
        axisLabel: { color: muted, width: 190, overflow: "break", lineHeight: 14 } }, // a long item wraps, its lines apart, instead of running off the card
      series: [{ type: "bar", barMaxWidth: 22, itemStyle: { color: accent }, data: dr.map(function (x) { return x.spearman; }) }]
    });
  }
});
