// Lookout console, statistics: draws the checks and hits per day from the
// page's JSON data block with uPlot. The same numbers are in the tables,
// so without this script (or uPlot) nothing is lost but the pictures.
(function () {
  "use strict";
  var block = document.getElementById("stats-data");
  if (!block || !window.uPlot) return;
  var data;
  try { data = JSON.parse(block.textContent); } catch (e) { return; }
  if (!data || !data.days || !data.days.length) return;

  // Colours that stay apart for colour-blind readers (Okabe–Ito), with a
  // dash pattern each, so a series is told by more than its colour.
  var colours = ["#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9"];
  var dashes = [[], [8, 4], [2, 3], [10, 3, 2, 3], [4, 4], [1, 2]];

  var charts = [];
  var draw = function (id, series, title) {
    var el = document.getElementById(id);
    if (!el) return;
    var opts = {
      width: Math.max(el.clientWidth, 280),
      height: 260,
      // The days are UTC days: show them so in every time zone.
      tzDate: function (ts) { return uPlot.tzDate(new Date(ts * 1e3), "Etc/UTC"); },
      scales: { x: { time: true }, y: { range: function (u, min, max) { return [0, Math.max(max, 1)]; } } },
      axes: [{}, { label: title, values: function (u, vals) { return vals.map(function (v) { return Number.isInteger(v) ? v : ""; }); } }],
      series: [{ label: data.text.day, value: "{YYYY}-{MM}-{DD}" }]
    };
    var rows = [data.days];
    for (var i = 0; i < data.databases.length; i++) {
      opts.series.push({
        label: data.labels[i],
        stroke: colours[i % colours.length],
        dash: dashes[i % dashes.length],
        width: 2,
        points: { show: data.days.length <= 62 }
      });
      rows.push(series[i]);
    }
    el.textContent = "";
    charts.push({ el: el, plot: new uPlot(opts, rows, el) });
  };
  draw("stats-chart-checks", data.checks, data.text.checks);
  draw("stats-chart-hits", data.hits, data.text.hits);

  var pending = null;
  window.addEventListener("resize", function () {
    if (pending) return;
    pending = setTimeout(function () {
      pending = null;
      charts.forEach(function (c) { c.plot.setSize({ width: Math.max(c.el.clientWidth, 280), height: 260 }); });
    }, 150);
  });
})();
