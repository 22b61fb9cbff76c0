/* The dashboard's charts, drawn with the vendored Chart.js from the figures the page
   embeds (#dashboard-data, the same JSON as /dashboard/data.json). Every chart repeats a
   table of the page, so without JavaScript nothing is lost. Labels come from the canvas's
   data attributes, translated by the template. */
(function () {
  "use strict";

  var COLOURS = {
    received: "#8ea3bd",
    finished: "#0b4f9c",
    early: "#1b6e3a",
    onTime: "#5fa777",
    late: "#a31515",
    rate: "#b71c1c"
  };

  function figures() {
    var node = document.getElementById("dashboard-data");
    return node ? JSON.parse(node.textContent) : null;
  }

  function reducedMotion() {
    return window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  }

  function baseOptions() {
    return {
      locale: document.documentElement.lang || "vi",
      responsive: true,
      maintainAspectRatio: false,
      animation: reducedMotion() ? false : { duration: 300 },
      interaction: { mode: "index", intersect: false },
      plugins: { legend: { position: "bottom" } }
    };
  }

  function monthsChart(canvas, months) {
    var options = baseOptions();
    options.scales = {
      y: { beginAtZero: true, position: "left" },
      rate: { position: "right", min: 0, max: 100, grid: { drawOnChartArea: false } }
    };
    return new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: months.map(function (row) { return row.name; }),
        datasets: [
          { label: canvas.dataset.received, data: months.map(function (r) { return r.received; }), backgroundColor: COLOURS.received },
          { label: canvas.dataset.finished, data: months.map(function (r) { return r.finished; }), backgroundColor: COLOURS.finished },
          {
            type: "line", label: canvas.dataset.rate, yAxisID: "rate",
            data: months.map(function (r) { return r.on_time_rate; }),
            borderColor: COLOURS.rate, backgroundColor: COLOURS.rate, spanGaps: true
          }
        ]
      },
      options: options
    });
  }

  function unitsChart(canvas, units) {
    var options = baseOptions();
    options.indexAxis = "y";
    options.interaction = { mode: "index", axis: "y", intersect: false };
    options.scales = { x: { stacked: true, beginAtZero: true }, y: { stacked: true } };
    function series(label, colour, pick) {
      return { label: label, backgroundColor: colour, data: units.map(pick) };
    }
    return new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: units.map(function (row) { return row.name; }),
        datasets: [
          series(canvas.dataset.early, COLOURS.early, function (r) { return r.early; }),
          series(canvas.dataset.onTime, COLOURS.onTime, function (r) { return r.on_time; }),
          series(canvas.dataset.late, COLOURS.late, function (r) { return r.late; })
        ]
      },
      options: options
    });
  }

  function draw() {
    var data = figures();
    if (!data || !window.Chart) {
      return;
    }
    var months = document.getElementById("chart-months");
    var units = document.getElementById("chart-units");
    if (months) { monthsChart(months, data.months); }
    if (units) { unitsChart(units, data.units); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
