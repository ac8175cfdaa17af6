// Helpline statistics' charts (Chart.js, vendored): each <canvas data-chart="<table key>"> draws the table of that
// key from the JSON in #helpline-stats-data. A withheld count is null: a gap, never a zero. The tables beside the
// charts hold the same numbers for screen readers and print. No inline script: the Content-Security-Policy.
(function () {
  "use strict";

  function draw() {
    var source = document.getElementById("helpline-stats-data");
    if (!source || typeof window.Chart === "undefined") {
      return;
    }
    var data = JSON.parse(source.textContent);
    var rtl = document.documentElement.getAttribute("dir") === "rtl";
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var table = data[canvas.getAttribute("data-chart")];
      if (!table) {
        return;
      }
      var horizontal = table.key === "channel" || table.key === "category";
      var chart = new window.Chart(canvas, {
        type: table.key === "month" ? "line" : "bar",
        data: {
          labels: table.labels,
          datasets: [{ label: table.title, data: table.values, backgroundColor: "#4a86d4", borderColor: "#1d4f91",
                       spanGaps: false, tension: 0.2 }]
        },
        options: {
          indexAxis: horizontal ? "y" : "x",
          maintainAspectRatio: false,
          animation: false,
          plugins: { legend: { display: false } },
          scales: {
            x: { reverse: rtl && !horizontal, beginAtZero: true, ticks: { precision: 0 } },
            y: { position: rtl ? "right" : "left", beginAtZero: true, ticks: { precision: 0 } }
          }
        }
      });
      canvas.setAttribute("data-drawn", chart ? "1" : "0");
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
