// The impact and campaign charts (programme/impact/_chart.html): a line chart (Chart.js, vendored) of the series in
// the json_script "programme-impact-data", with our own small plugin that draws a vertical line at each training
// (markers) and shades the campaign's months (span). A withheld month is null: a gap, never a zero (the table beside
// the chart marks it "<5" or ".."). Right to left on a dir="rtl" page; no animation for prefers-reduced-motion.
// No inline script: the Content-Security-Policy.
(function () {
  "use strict";

  var PALETTE = ["#1f5fa8", "#b3541e", "#2e7d32", "#8e3b8a"];
  var MARKER_COLOUR = "#4d4d4d";
  var SPAN_COLOUR = "rgba(255, 193, 7, 0.18)";

  function rightToLeft() {
    return document.dir === "rtl" || document.documentElement.getAttribute("dir") === "rtl";
  }

  function reducedMotion() {
    return window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  }

  function numberFormat() {
    try {
      return new Intl.NumberFormat(document.documentElement.lang || undefined, { maximumFractionDigits: 2 });
    } catch (error) {
      return new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });
    }
  }

  // Lines at the training months and the shaded campaign, under the data (span) and over it (markers).
  var markersPlugin = {
    id: "programmeImpactMarkers",
    beforeDatasetsDraw: function (chart, args, options) {
      var span = options && options.span;
      var x = chart.scales.x;
      var area = chart.chartArea;
      if (!span || !x || !area) {
        return;
      }
      var step = chart.data.labels.length > 1 ? Math.abs(x.getPixelForValue(1) - x.getPixelForValue(0)) : area.width;
      var a = x.getPixelForValue(span.from);
      var b = x.getPixelForValue(span.to);
      var left = Math.max(area.left, Math.min(a, b) - step / 2);
      var right = Math.min(area.right, Math.max(a, b) + step / 2);
      var ctx = chart.ctx;
      ctx.save();
      ctx.fillStyle = SPAN_COLOUR;
      ctx.fillRect(left, area.top, right - left, area.bottom - area.top);
      if (span.label) {
        ctx.fillStyle = MARKER_COLOUR;
        ctx.font = "600 11px system-ui, sans-serif";
        ctx.textAlign = "center";
        ctx.textBaseline = "top";
        ctx.fillText(span.label, (left + right) / 2, area.top + 2);
      }
      ctx.restore();
    },
    afterDatasetsDraw: function (chart, args, options) {
      var markers = (options && options.markers) || [];
      var x = chart.scales.x;
      var area = chart.chartArea;
      if (!markers.length || !x || !area) {
        return;
      }
      var ctx = chart.ctx;
      ctx.save();
      ctx.strokeStyle = MARKER_COLOUR;
      ctx.fillStyle = MARKER_COLOUR;
      ctx.lineWidth = 1.5;
      ctx.setLineDash([5, 4]);
      ctx.font = "600 11px system-ui, sans-serif";
      ctx.textBaseline = "top";
      var drawn = {};
      markers.forEach(function (marker, position) {
        var at = Math.round(x.getPixelForValue(marker.index));
        ctx.beginPath();
        ctx.moveTo(at, area.top);
        ctx.lineTo(at, area.bottom);
        ctx.stroke();
        // One label per month: several trainings of one month share the line.
        if (!drawn[marker.index] && options.label) {
          drawn[marker.index] = true;
          var rtl = options.rtl;
          ctx.textAlign = rtl ? "right" : "left";
          ctx.fillText(options.label, at + (rtl ? -4 : 4), area.top + 2 + 13 * (position % 3));
        }
      });
      ctx.restore();
    }
  };

  function draw(figure, data) {
    var box = figure.querySelector("[data-chart-box]");
    var canvas = box && box.querySelector("canvas");
    if (!canvas || window.Chart.getChart(canvas)) {
      return;
    }
    var rtl = rightToLeft();
    var fmt = numberFormat();
    var datasets = data.series.map(function (series, index) {
      var hue = PALETTE[index % PALETTE.length];
      return {
        label: series.label,
        data: series.data,
        borderColor: hue,
        backgroundColor: hue,
        borderWidth: 2,
        pointRadius: 2,
        spanGaps: false,
        tension: 0
      };
    });
    var withheld = data.series.some(function (series) {
      return series.data.some(function (value) {
        return value === null;
      });
    });
    box.hidden = false;
    var chart = new window.Chart(canvas, {
      type: "line",
      data: { labels: data.labels, datasets: datasets },
      options: {
        maintainAspectRatio: false,
        animation: reducedMotion() ? false : { duration: 400 },
        locale: document.documentElement.lang || undefined,
        interaction: { mode: "index", intersect: false },
        plugins: {
          legend: { position: "top", rtl: rtl, textDirection: rtl ? "rtl" : "ltr" },
          subtitle: { display: withheld, text: data.text.gap, color: MARKER_COLOUR, padding: { bottom: 6 } },
          tooltip: {
            rtl: rtl,
            textDirection: rtl ? "rtl" : "ltr",
            callbacks: {
              label: function (item) {
                return item.dataset.label + ": " + (item.raw === null ? data.text.withheld : fmt.format(item.raw));
              }
            }
          },
          programmeImpactMarkers: { markers: data.markers, span: data.span, label: data.text.training, rtl: rtl }
        },
        scales: {
          x: { reverse: rtl, grid: { display: false } },
          y: {
            beginAtZero: true,
            position: rtl ? "right" : "left",
            title: { display: true, text: data.text.axis },
            ticks: {
              callback: function (value) {
                return fmt.format(value);
              }
            }
          }
        }
      },
      plugins: [markersPlugin]
    });
    canvas.setAttribute("data-drawn", chart ? "1" : "0");
  }

  function drawAll() {
    var source = document.getElementById("programme-impact-data");
    var figure = document.querySelector("[data-impact-chart]");
    if (typeof window.Chart === "undefined" || !source || !figure) {
      return;
    }
    try {
      draw(figure, JSON.parse(source.textContent));
    } catch (error) {
      // The table beside the chart has every number.
      if (window.console) {
        window.console.warn("impact chart", error);
      }
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
