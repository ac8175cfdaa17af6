// Statistics dashboard charts (Chart.js and chartjs-chart-sankey, vendored). Every <figure data-panel> of
// stats/_panel.html holds a table; this script draws its chart from that table, so the chart and the table always
// show the same numbers and, without JavaScript, the table is all there is. A withheld cell (empty data-value) is a
// gap, never a zero: bars and lines leave it out, mark it with its symbol ("<5", ".."), and the tooltip and the
// subtitle say why. Right to left on a dir="rtl" page; no animation for prefers-reduced-motion.
// No inline script: the Content-Security-Policy. Chart kinds: bar, stacked, line, funnel, doughnut, sankey.
(function () {
  "use strict";

  // Colour-blind-friendly hues, each at least 4.5:1 against white (WCAG 1.4.11 asks 3:1 for graphics).
  var PALETTE = [
    "#1f5fa8", "#b3541e", "#2e7d32", "#8e3b8a", "#00707a", "#c2185b", "#7a6400", "#4d4d4d", "#6d4c41", "#1b1b1b"
  ];
  var MARK_COLOUR = "#555";
  var TOTAL = "total"; // the key of a Total column (stats.tables.TOTAL)

  // A symbol ("<5") kept left to right inside right-to-left text (else it reads "5>"), as in the downloads.
  function isolate(text) {
    return "\u2066" + text + "\u2069";
  }

  function colour(index) {
    return PALETTE[index % PALETTE.length];
  }

  function numberFormat() {
    try {
      return new Intl.NumberFormat(document.documentElement.lang || undefined);
    } catch (error) {
      return new Intl.NumberFormat();
    }
  }

  function reducedMotion() {
    return window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  }

  function rightToLeft() {
    return document.dir === "rtl" || document.documentElement.getAttribute("dir") === "rtl";
  }

  // The table of a panel as {columns: [{key, label}], rows: [{key, label, values, displays, withheld}]}: values[i]
  // is a number, or null for a withheld cell (withheld[i]) or one with no value ("—"); displays[i] is the cell's
  // text ("<5", "..", "—") for the marks and tooltips.
  function readTable(figure) {
    var table = figure.querySelector("table");
    var columns = [];
    table.querySelectorAll("thead th[scope=col][data-key]").forEach(function (th) {
      columns.push({ key: th.getAttribute("data-key"), label: th.textContent.trim() });
    });
    var rows = [];
    table.querySelectorAll("tbody tr[data-key]").forEach(function (tr) {
      var values = [];
      var displays = [];
      var withheld = [];
      tr.querySelectorAll("td[data-value]").forEach(function (td) {
        var raw = td.getAttribute("data-value");
        var status = td.hasAttribute("data-status");
        values.push(raw === "" || status ? null : Number(raw));
        displays.push(status ? td.getAttribute("data-display") : td.textContent.trim());
        withheld.push(status);
      });
      rows.push({
        key: tr.getAttribute("data-key"),
        label: tr.querySelector("th[scope=row]").textContent.trim(),
        values: values,
        displays: displays,
        withheld: withheld
      });
    });
    return { columns: columns, rows: rows };
  }

  function hasWithheld(data) {
    return data.rows.some(function (row) {
      return row.withheld.some(function (flag) {
        return flag;
      });
    });
  }

  // Draws each withheld cell's symbol where its bar would stand (bar, funnel, line; stacked bars: above the stack),
  // so that a gap cannot be read as a zero.
  var withheldMarks = {
    id: "tipsomWithheldMarks",
    afterDatasetsDraw: function (chart, args, options) {
      if (!options || !options.displays) {
        return;
      }
      var horizontal = chart.options.indexAxis === "y";
      var indexScale = horizontal ? chart.scales.y : chart.scales.x;
      var valueScale = horizontal ? chart.scales.x : chart.scales.y;
      if (!indexScale || !valueScale) {
        return;
      }
      var base = valueScale.getPixelForValue(0);
      var ctx = chart.ctx;
      ctx.save();
      ctx.fillStyle = MARK_COLOUR;
      ctx.direction = "ltr";
      ctx.font = "600 11px system-ui, sans-serif";
      if (options.stacked) {
        // Above the drawn part of each stack: the symbols of its withheld segments.
        options.displays.forEach(function (displays, index) {
          var symbols = [];
          var drawn = 0;
          chart.data.datasets.forEach(function (dataset, datasetIndex) {
            var value = dataset.data[index];
            if (value === null && symbols.indexOf(displays[datasetIndex]) < 0) {
              symbols.push(displays[datasetIndex]);
            } else if (value !== null && chart.isDatasetVisible(datasetIndex)) {
              drawn += value;
            }
          });
          if (symbols.length) {
            var top = valueScale.getPixelForValue(drawn);
            if (horizontal) {
              var after = valueScale.options.reverse ? -4 : 4;
              ctx.textAlign = after > 0 ? "left" : "right";
              ctx.textBaseline = "middle";
              ctx.fillText(symbols.join(" "), top + after, indexScale.getPixelForValue(index));
            } else {
              ctx.textAlign = "center";
              ctx.textBaseline = "bottom";
              ctx.fillText(symbols.join(" "), indexScale.getPixelForValue(index), top - 3);
            }
          }
        });
        ctx.restore();
        return;
      }
      chart.data.datasets.forEach(function (dataset, datasetIndex) {
        var meta = chart.getDatasetMeta(datasetIndex);
        if (meta.hidden || !chart.isDatasetVisible(datasetIndex)) {
          return;
        }
        dataset.data.forEach(function (value, index) {
          if (value !== null) {
            return;
          }
          var text = options.displays[index][datasetIndex];
          var element = meta.data[index];
          var position = indexScale.getPixelForValue(index);
          if (meta.type === "bar" && element) {
            var at = horizontal ? element.y : element.x;
            if (isFinite(at)) {
              position = at;
            }
          }
          if (horizontal) {
            var after = valueScale.options.reverse ? -4 : 4;
            ctx.textAlign = after > 0 ? "left" : "right";
            ctx.textBaseline = "middle";
            ctx.fillText(text, base + after, position);
          } else {
            ctx.textAlign = "center";
            ctx.textBaseline = "bottom";
            // Lines: one mark per series, one above the other.
            var lift = meta.type === "line" ? 13 * datasetIndex : 0;
            ctx.fillText(text, position, base - 3 - lift);
          }
        });
      });
      ctx.restore();
    }
  };

  // The table column a dataset draws (a Total column may be left out of the chart).
  function columnOf(dataset, datasetIndex) {
    return typeof dataset.column === "number" ? dataset.column : datasetIndex;
  }

  function commonPlugins(figure, data, rtl, fmt, legend) {
    var withheld = figure.getAttribute("data-label-withheld");
    return {
      legend: { display: legend, position: "top", rtl: rtl, textDirection: rtl ? "rtl" : "ltr" },
      subtitle: {
        display: hasWithheld(data),
        text: figure.getAttribute("data-label-gaps"),
        color: MARK_COLOUR,
        padding: { bottom: 6 }
      },
      tooltip: {
        rtl: rtl,
        textDirection: rtl ? "rtl" : "ltr",
        callbacks: {
          label: function (item) {
            var name = item.dataset.label || "";
            var row = data.rows[item.dataIndex];
            var column = columnOf(item.dataset, item.datasetIndex);
            var display = row.displays[column];
            var value = item.raw === null ? display : fmt.format(item.raw);
            if (row.withheld[column]) {
              value = isolate(display) + " (" + withheld + ")";
            }
            return name ? name + ": " + value : value;
          },
          // A line leaves a withheld point out of the tooltip: it is named below the others.
          footer: function (items) {
            if (!items.length || !items[0].chart.data.datasets) {
              return "";
            }
            var index = items[0].dataIndex;
            var shown = items.map(function (item) {
              return item.datasetIndex;
            });
            var row = data.rows[index];
            var lines = [];
            items[0].chart.data.datasets.forEach(function (dataset, datasetIndex) {
              var column = columnOf(dataset, datasetIndex);
              if (shown.indexOf(datasetIndex) < 0 && row && row.withheld[column]) {
                var name = dataset.label ? dataset.label + ": " : "";
                lines.push(name + isolate(row.displays[column]) + " (" + withheld + ")");
              }
            });
            return lines;
          }
        }
      }
    };
  }

  // Many categories, or long names, read better as horizontal bars.
  function wantsHorizontal(kind, data) {
    if (kind === "funnel") {
      return true;
    }
    var long = data.rows.some(function (row) {
      return row.label.length > 16;
    });
    return kind === "bar" && data.columns.length === 1 && (data.rows.length > 6 || long);
  }

  function seriesConfig(figure, kind, data, rtl, fmt) {
    var horizontal = wantsHorizontal(kind, data);
    var stacked = kind === "stacked";
    var line = kind === "line";
    // A Total column is drawn by a line only: stacked or side by side, it would count everything twice.
    var charted = [];
    data.columns.forEach(function (column, index) {
      if (line || column.key !== TOTAL) {
        charted.push(index);
      }
    });
    var single = charted.length === 1;
    var datasets = charted.map(function (index, position) {
      var column = data.columns[index];
      var hue = colour(position);
      return {
        label: column.label,
        data: data.rows.map(function (row) {
          return row.values[index];
        }),
        backgroundColor: hue,
        borderColor: line ? hue : "#fff",
        borderWidth: line ? 2 : stacked ? 1 : 0,
        pointRadius: line ? 3 : undefined,
        spanGaps: false,
        tension: 0,
        maxBarThickness: 56,
        column: index
      };
    });
    var tickFormat = {
      precision: 0,
      callback: function (value) {
        return Number.isInteger(value) ? fmt.format(value) : "";
      }
    };
    var plugins = commonPlugins(figure, data, rtl, fmt, !single);
    plugins.tipsomWithheldMarks = {
      stacked: stacked,
      displays: data.rows.map(function (row) {
        return charted.map(function (index) {
          return row.displays[index];
        });
      })
    };
    var indexAxis = { stacked: stacked, offset: true, grid: { display: false } };
    var valueAxis = { stacked: stacked, beginAtZero: true, ticks: tickFormat };
    var scales = horizontal
      ? {
          x: Object.assign(valueAxis, { reverse: rtl }),
          y: Object.assign(indexAxis, { position: rtl ? "right" : "left" })
        }
      : {
          x: Object.assign(indexAxis, { reverse: rtl }),
          y: Object.assign(valueAxis, { position: rtl ? "right" : "left" })
        };
    return {
      type: line ? "line" : "bar",
      data: {
        labels: data.rows.map(function (row) {
          return row.label;
        }),
        datasets: datasets
      },
      options: {
        indexAxis: horizontal ? "y" : "x",
        interaction: { mode: "index", intersect: false },
        plugins: plugins,
        scales: scales
      },
      plugins: [withheldMarks]
    };
  }

  function doughnutConfig(figure, data, rtl, fmt) {
    var withheld = figure.getAttribute("data-label-withheld");
    var plugins = commonPlugins(figure, data, rtl, fmt, true);
    plugins.legend.position = "bottom";
    return {
      type: "doughnut",
      data: {
        // A withheld slice is missing from the ring; its legend entry says so.
        labels: data.rows.map(function (row) {
          return row.withheld[0] ? row.label + " (" + isolate(row.displays[0]) + ", " + withheld + ")" : row.label;
        }),
        datasets: [
          {
            label: data.columns.length ? data.columns[0].label : "",
            data: data.rows.map(function (row) {
              return row.values[0];
            }),
            backgroundColor: data.rows.map(function (row, index) {
              return colour(index);
            }),
            borderColor: "#fff",
            borderWidth: 2
          }
        ]
      },
      options: { plugins: plugins }
    };
  }

  // Flows: each row's key is "FROM>TO" and its label "Country A → Country B". Origins and destinations are separate
  // nodes (a flow within one country is not a loop). A withheld flow is left out; the subtitle says so.
  function sankeyConfig(figure, data, rtl, fmt) {
    var labels = {};
    var nodeColours = {};
    var flows = [];
    data.rows.forEach(function (row) {
      var ends = row.key.split(">");
      var names = row.label.split("→");
      var from = "from:" + ends[0];
      var to = "to:" + ends[1];
      labels[from] = (names[0] || ends[0]).trim();
      labels[to] = (names[1] || ends[1] || "").trim();
      [from, to].forEach(function (node) {
        if (!(node in nodeColours)) {
          nodeColours[node] = colour(Object.keys(nodeColours).length);
        }
      });
      if (row.values[0] !== null && row.values[0] > 0) {
        flows.push({ from: from, to: to, flow: row.values[0] });
      }
    });
    var plugins = commonPlugins(figure, data, rtl, fmt, false);
    plugins.tooltip.callbacks = {
      label: function (item) {
        var raw = item.raw;
        return labels[raw.from] + " → " + labels[raw.to] + ": " + fmt.format(raw.flow);
      }
    };
    return {
      type: "sankey",
      data: {
        datasets: [
          {
            label: data.columns.length ? data.columns[0].label : "",
            data: flows,
            labels: labels,
            // Also asked for the dataset as a whole (no data index): the first colour then.
            colorFrom: function (context) {
              var item = context.dataset.data[context.dataIndex];
              return item ? nodeColours[item.from] : colour(0);
            },
            colorTo: function (context) {
              var item = context.dataset.data[context.dataIndex];
              return item ? nodeColours[item.to] : colour(1);
            },
            colorMode: "gradient",
            alpha: 0.6,
            color: "#212529",
            borderWidth: 0,
            nodeWidth: 12,
            size: "max"
          }
        ]
      },
      options: { plugins: plugins }
    };
  }

  function drawPanel(figure) {
    var box = figure.querySelector("[data-chart-box]");
    var canvas = box && box.querySelector("canvas");
    if (!canvas || window.Chart.getChart(canvas)) {
      return;
    }
    var kind = figure.getAttribute("data-chart");
    var data = readTable(figure);
    if (!data.rows.length || !data.columns.length) {
      return;
    }
    var rtl = rightToLeft();
    var fmt = numberFormat();
    var config;
    if (kind === "sankey") {
      if (typeof window.Chart.registry.controllers.get("sankey") === "undefined") {
        return;
      }
      config = sankeyConfig(figure, data, rtl, fmt);
      if (!config.data.datasets[0].data.length) {
        // Every flow withheld: nothing to draw, the table says it.
        canvas.setAttribute("data-drawn", "none");
        return;
      }
      box.classList.add("stats-chart-sankey");
    } else if (kind === "doughnut") {
      config = doughnutConfig(figure, data, rtl, fmt);
    } else {
      config = seriesConfig(figure, kind, data, rtl, fmt);
      if (config.options.indexAxis === "y") {
        // Horizontal bars: room for each category (a style property, not an attribute: allowed by the policy).
        var bars = config.options.scales.y.stacked ? 1 : config.data.datasets.length;
        box.style.blockSize = Math.max(12, Math.min(40, 5 + data.rows.length * (1 + bars * 0.9))) + "rem";
      }
    }
    config.options.maintainAspectRatio = false;
    config.options.animation = reducedMotion() ? false : { duration: 400 };
    config.options.locale = document.documentElement.lang || undefined;
    box.hidden = false;
    var chart = new window.Chart(canvas, config);
    canvas.setAttribute("data-drawn", chart ? "1" : "0");
  }

  function drawAll(root) {
    if (typeof window.Chart === "undefined") {
      return;
    }
    (root || document).querySelectorAll("figure[data-panel]").forEach(function (figure) {
      try {
        drawPanel(figure);
      } catch (error) {
        // One panel's failure leaves its table, and the other panels, as they are.
        if (window.console) {
          window.console.warn("stats chart", figure.getAttribute("data-panel"), error);
        }
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      drawAll(document);
    });
  } else {
    drawAll(document);
  }
  // Panels swapped in by htmx (the filters) are drawn as they arrive.
  document.addEventListener("htmx:afterSettle", function (event) {
    drawAll(event.target);
  });
})();
