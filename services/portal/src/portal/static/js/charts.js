// The committee dashboard's charts: uPlot over the JSON the page carries (no inline script).
(function () {
  "use strict";
  function draw() {
    var source = document.getElementById("du-lieu-bieu-do");
    if (!source || typeof uPlot === "undefined") return;
    var data = JSON.parse(source.textContent);
    var xs = data.labels.map(function (_, i) { return i + 1; });
    function plot(id, label, values, colour, max) {
      var el = document.getElementById(id);
      if (!el) return;
      var width = Math.min(el.clientWidth || 360, 900);
      new uPlot({
        width: width, height: 220,
        scales: { x: { time: false }, y: { range: [0, max] } },
        axes: [
          { values: function (_, ticks) { return ticks.map(function (t) { return data.labels[t - 1] || ""; }); } },
          { values: function (_, ticks) { return ticks.map(function (t) { return String(t).replace(".", ","); }); } }
        ],
        series: [{}, { label: label, stroke: colour, width: 2, fill: colour + "22",
          points: { size: 6 }, value: function (_, v) { return v == null ? "–" : String(v).replace(".", ","); } }]
      }, [xs, values], el);
    }
    plot("bieu-do-ty-le", "Tỷ lệ chi bộ có họp (%)", data.coverage, "#00703c", 100);
    plot("bieu-do-diem", "Điểm bình quân", data.average, "#a50e0e", 100);
  }
  document.addEventListener("DOMContentLoaded", draw);
})();
