// Lookout console, dashboard: draws the checks and hits of the last 30
// days from the page's JSON data block with uPlot. The same figures are in
// the table under the charts, so nothing is lost without this script.
(function () {
  "use strict";
  var block = document.getElementById("dash-chart-data");
  if (!block || !window.uPlot) return;
  var data;
  try { data = JSON.parse(block.textContent); } catch (e) { return; }
  if (!data || !data.days || !data.days.length) return;
  // uPlot's x axis is in seconds; the hub's days are UTC dates.
  var xs = data.days.map(function (d) {
    var p = d.split("-");
    return Date.UTC(+p[0], +p[1] - 1, +p[2]) / 1000;
  });
  var style = getComputedStyle(document.documentElement);
  var colour = function (name, fallback) { return (style.getPropertyValue(name) || "").trim() || fallback; };
  var charts = [];

  function draw(id, label, values, stroke, fill) {
    var el = document.getElementById(id);
    if (!el) return;
    var opts = {
      width: Math.max(el.clientWidth, 280),
      height: 240,
      tzDate: function (ts) { return uPlot.tzDate(new Date(ts * 1000), "Etc/UTC"); },
      // Half a day either side, so that the first and last bars show whole.
      scales: { x: { time: true, range: function (u, min, max) { return [min - 43200, max + 43200]; } }, y: { range: function (u, min, max) { return [0, Math.max(1, max)]; } } },
      axes: [{}, { values: function (u, ticks) { return ticks.map(function (v) { return Number.isInteger(v) ? v : ""; }); } }],
      series: [
        { label: data.labels.day, value: "{YYYY}-{MM}-{DD}" },
        { label: label, stroke: stroke, fill: fill, width: 2, paths: uPlot.paths && uPlot.paths.bars ? uPlot.paths.bars({ size: [0.7, 40] }) : undefined, points: { show: false } }
      ]
    };
    el.textContent = "";
    charts.push({ el: el, plot: new uPlot(opts, [xs, values], el) });
  }

  draw("dash-chart-checks", data.labels.checks, data.checks, colour("--brand", "#0b4a8b"), "rgba(11,74,139,.25)");
  draw("dash-chart-hits", data.labels.hits, data.hits, colour("--bad", "#a2211b"), "rgba(162,33,27,.25)");

  // The charts drew: the day-by-day table folds away under them (it opens
  // with a click, and stays open without this script).
  var figures = document.getElementById("dash-figures");
  if (figures && charts.length) figures.open = false;

  var pending = null;
  window.addEventListener("resize", function () {
    if (pending) return;
    pending = setTimeout(function () {
      pending = null;
      charts.forEach(function (c) { c.plot.setSize({ width: Math.max(c.el.clientWidth, 280), height: 240 }); });
    }, 150);
  });
})();
