/* guard's charts: small SVG drawings for the dashboard and the report, no library, no network.
 * Every text is set with textContent, never as markup: labels can be client-written model names.
 * Each function draws into an <svg>, sets data-drawn to the number of marks and returns it. */
(function () {
  "use strict";
  var NS = "http://www.w3.org/2000/svg";
  var W = 640;

  var DECISION_COLORS = {
    forwarded: "#6b8fb8", redacted: "#2a9d8f", blocked: "#d1495b", refused: "#edae49", error: "#7b5ea7"
  };
  var CATEGORY_COLORS = { pii: "#3d7dca", health: "#2a9d8f", financial: "#e07a1f", secret: "#d1495b" };

  function el(parent, name, attrs, text) {
    var node = document.createElementNS(NS, name);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, String(attrs[k])); });
    if (text !== undefined) node.textContent = String(text);
    parent.appendChild(node);
    return node;
  }

  function clear(svg, height) {
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    svg.setAttribute("viewBox", "0 0 " + W + " " + height);
    svg.setAttribute("preserveAspectRatio", "xMidYMid meet");
  }

  function niceMax(v) {
    if (!(v > 0)) return 1;
    var p = Math.pow(10, Math.floor(Math.log10(v)));
    var steps = [1, 2, 2.5, 5, 10];
    for (var i = 0; i < steps.length; i++) if (steps[i] * p >= v) return steps[i] * p;
    return 10 * p;
  }

  function fmt(v) {
    if (v >= 1000) return (Math.round(v / 100) / 10) + "k";
    return String(Math.round(v * 100) / 100);
  }

  function done(svg, marks) {
    svg.setAttribute("data-drawn", String(marks));
    return marks;
  }

  function empty(svg, message, height) {
    clear(svg, height || 80);
    el(svg, "text", { x: W / 2, y: (height || 80) / 2, "text-anchor": "middle", "class": "muted" }, message);
    return done(svg, 0);
  }

  function legend(svg, series, y) {
    var x = 44;
    series.forEach(function (s) {
      el(svg, "rect", { x: x, y: y - 9, width: 10, height: 10, rx: 2, fill: s.color });
      var t = el(svg, "text", { x: x + 14, y: y, "class": "legend" }, s.name);
      x += 22 + 7 * String(s.name).length;
      return t;
    });
  }

  function yAxis(svg, max, top, bottom, left, right, unit) {
    [0, 0.5, 1].forEach(function (f) {
      var y = bottom - f * (bottom - top);
      el(svg, "line", { x1: left, x2: right, y1: y, y2: y, "class": "grid" });
      el(svg, "text", { x: left - 6, y: y + 4, "text-anchor": "end", "class": "axis" }, fmt(max * f) + (unit || ""));
    });
  }

  function xLabels(svg, labels, left, step, y) {
    var every = Math.max(1, Math.ceil(labels.length / 8));
    labels.forEach(function (label, i) {
      if (i % every === 0) {
        el(svg, "text", { x: left + step * (i + 0.5), y: y, "text-anchor": "middle", "class": "axis" }, label);
      }
    });
  }

  /* Stacked bars over time. opts: {labels: [..], series: [{name, color, values: [..]}]} */
  function stacked(svg, opts) {
    var H = 230, left = 44, right = W - 8, top = 30, bottom = H - 24;
    var n = opts.labels.length;
    var totals = opts.labels.map(function (_, i) {
      return opts.series.reduce(function (sum, s) { return sum + (s.values[i] || 0); }, 0);
    });
    if (!totals.some(function (t) { return t > 0; })) return empty(svg, opts.emptyText || "no requests in this window");
    clear(svg, H);
    var max = niceMax(Math.max.apply(null, totals));
    yAxis(svg, max, top, bottom, left, right);
    var step = (right - left) / n, bar = Math.max(1, step * 0.78), marks = 0;
    for (var i = 0; i < n; i++) {
      var y = bottom;
      opts.series.forEach(function (s) {
        var v = s.values[i] || 0;
        if (v <= 0) return;
        var h = (v / max) * (bottom - top);
        y -= h;
        var r = el(svg, "rect", { x: left + step * i + (step - bar) / 2, y: y, width: bar, height: Math.max(h, 0.5),
                                  fill: s.color, "class": "mark" });
        el(r, "title", {}, opts.labels[i] + " · " + s.name + ": " + v);
        marks++;
      });
    }
    xLabels(svg, opts.labels, left, step, H - 6);
    legend(svg, opts.series, 14);
    return done(svg, marks);
  }

  /* Horizontal bars. opts: {items: [{label, value, color}]} */
  function hbars(svg, opts) {
    var items = opts.items;
    if (!items.length) return empty(svg, opts.emptyText || "nothing found in this window");
    var row = 22, top = 6, H = top + row * items.length + 6, left = 190, right = W - 56;
    clear(svg, H);
    var max = niceMax(Math.max.apply(null, items.map(function (d) { return d.value; })));
    items.forEach(function (d, i) {
      var y = top + i * row;
      el(svg, "text", { x: left - 8, y: y + 15, "text-anchor": "end", "class": "label" }, d.label);
      var r = el(svg, "rect", { x: left, y: y + 3, width: Math.max(1, (d.value / max) * (right - left)), height: row - 7,
                                rx: 2, fill: d.color, "class": "mark" });
      el(r, "title", {}, d.label + ": " + d.value);
      el(svg, "text", { x: left + (d.value / max) * (right - left) + 6, y: y + 15, "class": "value" }, fmt(d.value));
    });
    return done(svg, items.length);
  }

  /* Lines over time, with gaps where a value is null. opts: {labels, series: [{name, color, values}], unit} */
  function lines(svg, opts) {
    var all = [];
    opts.series.forEach(function (s) { s.values.forEach(function (v) { if (v !== null && v !== undefined) all.push(v); }); });
    if (!all.length) return empty(svg, opts.emptyText || "no forwarded requests in this window");
    var H = 230, left = 52, right = W - 8, top = 30, bottom = H - 24;
    clear(svg, H);
    var max = niceMax(Math.max.apply(null, all));
    yAxis(svg, max, top, bottom, left, right, opts.unit);
    var n = opts.labels.length, step = (right - left) / n, marks = 0;
    opts.series.forEach(function (s) {
      var d = "", pen = false;
      s.values.forEach(function (v, i) {
        if (v === null || v === undefined) { pen = false; return; }
        var x = left + step * (i + 0.5), y = bottom - (v / max) * (bottom - top);
        d += (pen ? " L " : " M ") + x.toFixed(1) + " " + y.toFixed(1);
        pen = true;
        var c = el(svg, "circle", { cx: x, cy: y, r: 2.6, fill: s.color, "class": "mark" });
        el(c, "title", {}, opts.labels[i] + " · " + s.name + ": " + fmt(v) + (opts.unit || ""));
        marks++;
      });
      if (d) el(svg, "path", { d: d, fill: "none", stroke: s.color, "stroke-width": 1.8 });
    });
    xLabels(svg, opts.labels, left, step, H - 6);
    legend(svg, opts.series, 14);
    return done(svg, marks);
  }

  window.GuardCharts = {
    stacked: stacked, hbars: hbars, lines: lines, empty: empty,
    DECISION_COLORS: DECISION_COLORS, CATEGORY_COLORS: CATEGORY_COLORS,
    DECISIONS: ["forwarded", "redacted", "blocked", "refused", "error"]
  };
})();
