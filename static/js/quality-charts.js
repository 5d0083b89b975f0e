/* A station's trend charts: one ECharts chart per indicator, its values over time against the class
   bands of GB 3838-2002 (coloured areas, the target class's limit as a line). The data comes from the
   page's #trend-data (json_script: rivers.quality_reports.trend); ECharts from the portal's own
   static files (npm), no CDN and no inline script. Each chart's container says how many points it drew
   (data-points), for tests and for people using a screen reader. */
(function () {
  "use strict";
  var COLOURS = {
    cyan: "#0aa2c0", blue: "#1f6feb", green: "#2da44e", yellow: "#bf8700", orange: "#d4750b", red: "#cf222e",
    grey: "#6e7781"
  };

  function colourOf(config, waterClass) {
    return COLOURS[config.colours[String(waterClass)]] || COLOURS.grey;
  }

  function bandAreas(config, series) {
    return series.bands.map(function (band) {
      var high = band.high === null ? Infinity : band.high;
      return [
        { name: band.name, yAxis: band.low, itemStyle: { color: colourOf(config, band["class"]), opacity: 0.12 } },
        { yAxis: high === Infinity ? "max" : high }
      ];
    });
  }

  function option(config, series) {
    var marks = [];
    if (series.target_limit !== null) {
      marks.push({ yAxis: series.target_limit, name: "target", label: { position: "insideEndTop", formatter: "{c}" } });
    }
    if (series.range) {
      marks.push(
        { yAxis: series.range[0], label: { position: "insideEndTop" } },
        { yAxis: series.range[1], label: { position: "insideEndTop" } }
      );
    }
    var maxValue = series.data.reduce(function (max, point) { return Math.max(max, point[1]); }, 0);
    var bandTop = series.bands.reduce(function (max, band) { return Math.max(max, band.high || band.low || 0); }, 0);
    return {
      animation: false,
      title: { text: series.label + (series.unit ? " (" + series.unit + ")" : ""), textStyle: { fontSize: 13 } },
      tooltip: { trigger: "axis" },
      grid: { left: 48, right: 16, top: 36, bottom: 28 },
      xAxis: { type: "time" },
      yAxis: series.range
        ? { type: "value", min: 4, max: 10 }
        : { type: "value", min: 0, max: series.bands.length ? Math.ceil(Math.max(maxValue, bandTop) * 1.1 * 100) / 100 : null },
      series: [{
        type: "line",
        name: series.label,
        showSymbol: series.data.length < 60,
        data: series.data,
        lineStyle: { width: 1.5, color: "#0b3d6b" },
        itemStyle: { color: "#0b3d6b" },
        markArea: series.bands.length ? { silent: true, data: bandAreas(config, series) } : undefined,
        markLine: marks.length ? { silent: true, symbol: "none", lineStyle: { type: "dashed", color: "#cf222e" }, data: marks } : undefined
      }]
    };
  }

  function draw() {
    var source = document.getElementById("trend-data");
    var holder = document.getElementById("trend-charts");
    if (!source || !holder || !window.echarts) { return; }
    var config = JSON.parse(source.textContent);
    config.series.forEach(function (series) {
      // The points of this series: the shared times with this series' values, where it has one.
      series.data = [];
      series.values.forEach(function (value, index) {
        if (value !== null) { series.data.push([config.times[index], value]); }
      });
      var element = document.createElement("div");
      element.className = "chart";
      element.setAttribute("data-indicator", series.code);
      element.setAttribute("data-points", String(series.data.length));
      element.setAttribute("role", "img");
      element.setAttribute("aria-label", series.label + ": " + series.data.length);
      holder.appendChild(element);
      var chart = window.echarts.init(element, null, { renderer: "canvas" });
      chart.setOption(option(config, series));
      window.addEventListener("resize", function () { chart.resize(); });
    });
    holder.setAttribute("data-drawn", String(config.series.length));
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
