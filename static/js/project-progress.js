/* The progress chart of a project page: each month's reported investment (bars), the year to date
   (line) and the annual plan (a marked line), drawn by ECharts from the page's json_script data. */
(function () {
  "use strict";
  function draw() {
    var element = document.querySelector("[data-chart=project-progress]");
    var source = document.getElementById("progress-data");
    if (!element || !source || !window.echarts) {
      return;
    }
    var data = JSON.parse(source.textContent);
    var number = function (value) { return value === null ? null : Number(value); };
    var chart = window.echarts.init(element);
    var plan = number(data.plan);
    chart.setOption({
      animation: false,
      tooltip: { trigger: "axis" },
      legend: { data: [element.dataset.labelMonth, element.dataset.labelCumulative] },
      grid: { left: 60, right: 20, top: 40, bottom: 30 },
      xAxis: { type: "category", data: data.months },
      yAxis: { type: "value", max: function (extent) { return Math.max(extent.max, plan || 0); } },
      series: [
        { name: element.dataset.labelMonth, type: "bar", data: data.investment.map(number) },
        {
          name: element.dataset.labelCumulative,
          type: "line",
          data: data.cumulative.map(number),
          markLine: plan === null ? undefined : {
            symbol: "none",
            label: { formatter: element.dataset.labelPlan + " {c}" },
            data: [{ yAxis: plan }],
          },
        },
      ],
    });
    element.dataset.drawn = "true";
    window.addEventListener("resize", function () { chart.resize(); });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
