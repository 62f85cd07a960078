/* The charts of a `guard report --html` page, drawn from the data embedded in the page itself. */
(function () {
  "use strict";
  var C = window.GuardCharts;
  var report = JSON.parse(document.getElementById("report-data").textContent);
  var drawn = 0, marks = 0;
  Array.prototype.forEach.call(document.querySelectorAll("svg[data-chart]"), function (svg) {
    var v = report.vendors[Number(svg.getAttribute("data-vendor"))];
    if (svg.getAttribute("data-chart") === "timeline") {
      var day = report.bucket_seconds >= 86400;
      marks += C.stacked(svg, {
        labels: v.timeline.map(function (t) { return day ? t.start.slice(5, 10) : t.start.slice(5, 13).replace("T", " ") + "h"; }),
        series: C.DECISIONS.map(function (d) {
          return { name: d, color: C.DECISION_COLORS[d], values: v.timeline.map(function (t) { return t[d]; }) };
        })
      });
    } else {
      var byType = {};
      v.entities.forEach(function (e) {
        byType[e.entity_type] = byType[e.entity_type] || { label: e.entity_type, value: 0, color: C.CATEGORY_COLORS[e.category] || "#888" };
        byType[e.entity_type].value += e.findings;
      });
      var items = Object.keys(byType).map(function (k) { return byType[k]; });
      items.sort(function (a, b) { return b.value - a.value; });
      marks += C.hbars(svg, { items: items.slice(0, 15) });
    }
    drawn++;
  });
  document.documentElement.setAttribute("data-charts-drawn", String(drawn));
  document.documentElement.setAttribute("data-marks", String(marks));
})();
