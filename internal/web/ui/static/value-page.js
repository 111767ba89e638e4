// Lifetime value page charts (internal/web/ui/value.go). The same figures
// are in the tables beside each chart.
window.frescoCharts("value-data", { left: 8, right: 12, top: 24, bottom: 4, containLabel: true }, function (d, make) {
  var accent = "#1a5a86", loyal = "#2e7d4f", muted = "#566070", grid = "#e6e9ee";
  var fmt = function (v) { return Number(v).toLocaleString(undefined, { maximumFractionDigits: 0 }); };
  if (d.distribution && d.distribution.length) {
    make("clv-chart", {
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      xAxis: { type: "category", name: "CLV", data: d.distribution.map(function (b, i) {
        return fmt(b.from) + (i === d.distribution.length - 1 ? "+" : "–" + fmt(b.to)); }),
        axisLabel: { color: muted, hideOverlap: true }, axisLine: { lineStyle: { color: grid } } },
      yAxis: { type: "value", name: "Customers", splitLine: { lineStyle: { color: grid } }, axisLabel: { color: muted } },
      series: [{ name: "Customers", type: "bar", barMaxWidth: 28, itemStyle: { color: accent },
        data: d.distribution.map(function (b) { return b.count; }) }]
    });
  }
  if (d.pareto && d.pareto.length) {
    make("pareto-chart", {
      tooltip: { trigger: "axis", valueFormatter: function (v) { return (v * 100).toFixed(1) + "%"; } },
      xAxis: { type: "value", min: 0, max: 1, name: "Share of customers (best first)", nameLocation: "middle", nameGap: 28,
        axisLabel: { color: muted, formatter: function (v) { return Math.round(v * 100) + "%"; } } },
      yAxis: { type: "value", min: 0, max: 1, splitLine: { lineStyle: { color: grid } },
        axisLabel: { color: muted, formatter: function (v) { return Math.round(v * 100) + "%"; } } },
      series: [
        { name: "Share of profit", type: "line", smooth: true, showSymbol: false, areaStyle: { opacity: .12 }, itemStyle: { color: accent },
          data: d.pareto.map(function (p) { return [p.customer_share, p.value_share]; }) },
        { name: "Equal shares", type: "line", showSymbol: false, lineStyle: { type: "dashed", color: muted }, data: [[0, 0], [1, 1]] }
      ]
    });
  }
  if (d.compare) {
    make("compare-chart", {
      legend: { top: 0 },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: fmt },
      xAxis: { type: "category", data: d.compare.labels, axisLabel: { color: muted } },
      yAxis: { type: "value", splitLine: { lineStyle: { color: grid } }, axisLabel: { color: muted, formatter: fmt } },
      series: [
        { name: "Average customer", type: "bar", barMaxWidth: 32, itemStyle: { color: accent }, data: d.compare.average },
        { name: "Loyal customer", type: "bar", barMaxWidth: 32, itemStyle: { color: loyal }, data: d.compare.loyal }
      ]
    });
  }
});
