/* 数据看板: draws one ECharts chart per dataset from the page's json_script data.
   No text lives here: labels come from the page (translated server-side). */
(function () {
  "use strict";
  var GREEN = "#2f6b3f", GREEN_LIGHT = "#7fb08b", AMBER = "#c98a1b", RED = "#b0413e", GREY = "#6c757d";

  function read(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }

  function chart(id, option, labels) {
    var el = document.getElementById(id);
    if (!el || !window.echarts) return null;
    var c = window.echarts.init(el, null, { renderer: "canvas" });
    option.textStyle = { fontFamily: getComputedStyle(document.body).fontFamily };
    option.tooltip = option.tooltip || { trigger: "axis" };
    option.grid = option.grid || { left: 48, right: 48, top: 36, bottom: 40, containLabel: true };
    if (option.empty) {
      option.title = { text: labels.no_data, left: "center", top: "middle", textStyle: { color: GREY, fontSize: 14 } };
    }
    delete option.empty;
    c.setOption(option);
    return c;
  }

  function init() {
    var data = read("qm-dashboard-data"), L = read("qm-dashboard-labels");
    if (!data || !L) return;
    var charts = [];

    var bands = data.ages.bands;
    charts.push(chart("qm-chart-ages", {
      empty: !bands.some(function (b) { return b.count; }),
      color: [GREEN],
      xAxis: { type: "category", data: bands.map(function (b) { return b.label; }) },
      yAxis: { type: "value", minInterval: 1, name: L.cadres },
      series: [{ type: "bar", name: L.cadres, data: bands.map(function (b) { return b.count; }), label: { show: true, position: "top" } }]
    }, L));

    var months = data.attendance.months;
    charts.push(chart("qm-chart-attendance", {
      empty: !months.some(function (m) { return m.invited; }),
      color: [GREEN, GREEN_LIGHT],
      legend: { top: 0 },
      xAxis: { type: "category", data: months.map(function (m) { return m.month; }) },
      yAxis: [
        { type: "value", name: L.rate, min: 0, max: 100 },
        { type: "value", name: L.attended, minInterval: 1 }
      ],
      series: [
        { type: "line", name: L.rate, data: months.map(function (m) { return m.rate; }), connectNulls: true, smooth: true },
        { type: "bar", name: L.attended, yAxisIndex: 1, data: months.map(function (m) { return m.attended; }) }
      ]
    }, L));

    var rows = data.compliance.rows;
    charts.push(chart("qm-chart-compliance", {
      empty: !rows.length,
      color: [AMBER, RED, GREEN_LIGHT],
      legend: { top: 0 },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", data: rows.map(function (r) { return r.unit; }), inverse: true },
      series: ["talks_overdue", "self_reports_overdue", "duties_overdue"].map(function (key) {
        return { type: "bar", stack: "overdue", name: L[key], data: rows.map(function (r) { return r[key]; }) };
      })
    }, L));

    var pb = data.points.bands;
    charts.push(chart("qm-chart-points", {
      empty: !pb.length,
      color: [GREEN],
      xAxis: { type: "category", data: pb.map(function (b) { return b.label; }) },
      yAxis: { type: "value", minInterval: 1, name: L.cadres },
      series: [{ type: "bar", name: L.cadres, data: pb.map(function (b) { return b.count; }), barCategoryGap: "10%" }]
    }, L));

    var pr = data.programmes.rows;
    charts.push(chart("qm-chart-programmes", {
      empty: !pr.length,
      color: [GREEN, GREEN_LIGHT, AMBER],
      legend: { top: 0 },
      xAxis: { type: "category", data: pr.map(function (r) { return r.programme + " · " + r.cohort; }), axisLabel: { interval: 0, overflow: "truncate", width: 120 } },
      yAxis: [
        { type: "value", minInterval: 1 },
        { type: "value", name: L.rate, min: 0, max: 100 }
      ],
      series: [
        { type: "bar", name: L.enrolled, data: pr.map(function (r) { return r.enrolled; }) },
        { type: "bar", name: L.activities, data: pr.map(function (r) { return r.activities; }) },
        { type: "line", name: L.rate, yAxisIndex: 1, data: pr.map(function (r) { return r.rate; }) }
      ]
    }, L));

    window.addEventListener("resize", function () {
      charts.forEach(function (c) { if (c) c.resize(); });
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
