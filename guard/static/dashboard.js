/* The dashboard: asks the proxy for the last hour or day of its audit trail, draws it, and again
 * every 10 seconds. When the charts have drawn, <html> carries data-charts-drawn (the number of
 * charts) and data-marks (bars and points drawn): the browser test reads them. */
(function () {
  "use strict";
  var C = window.GuardCharts;
  var current = "hour";
  var REFRESH_MS = 10000;

  function $(id) { return document.getElementById(id); }

  function node(parent, name, text, cls) {
    var n = document.createElement(name);
    if (text !== undefined && text !== null) n.textContent = String(text);
    if (cls) n.className = cls;
    parent.appendChild(n);
    return n;
  }

  function pad(n) { return n < 10 ? "0" + n : String(n); }

  function clock(ts, withSeconds) {
    var d = new Date(ts * 1000);
    return pad(d.getHours()) + ":" + pad(d.getMinutes()) + (withSeconds ? ":" + pad(d.getSeconds()) : "");
  }

  function tiles(data) {
    var box = $("tiles");
    box.textContent = "";
    var t = data.totals;
    var lat = data.latency.overall_p50;
    [["requests", t.requests], ["sent unchanged", t.forwarded], ["sent changed", t.redacted],
     ["blocked", t.blocked], ["refused", t.refused], ["errors", t.error], ["findings", t.findings],
     ["duration p50", lat === null ? "–" : Math.round(lat) + " ms"]].forEach(function (p) {
      var tile = node(box, "div", null, "tile");
      node(tile, "div", p[1], "n");
      node(tile, "div", p[0], "l");
    });
  }

  function vendorCharts(data, labels) {
    var box = $("vendors");
    box.textContent = "";
    var drawn = 0, marks = 0;
    if (!data.vendors.length) {
      var fig = node(box, "figure");
      var svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
      svg.setAttribute("class", "chart");
      fig.appendChild(svg);
      C.empty(svg, "no requests in this window");
      return [1, 0];
    }
    data.vendors.forEach(function (v) {
      var fig = node(box, "figure");
      node(fig, "figcaption", v.vendor);
      var svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
      svg.setAttribute("class", "chart");
      svg.setAttribute("role", "img");
      svg.setAttribute("aria-label", "decisions over time for " + v.vendor);
      fig.appendChild(svg);
      marks += C.stacked(svg, {
        labels: labels,
        series: C.DECISIONS.map(function (d) {
          return { name: d, color: C.DECISION_COLORS[d], values: v.decisions[d] };
        })
      });
      drawn++;
    });
    return [drawn, marks];
  }

  function table(id, rows) {
    var body = $(id).querySelector("tbody");
    body.textContent = "";
    if (!rows.length) {
      var tr = node(body, "tr");
      var td = node(tr, "td", "none in this window", "muted");
      td.colSpan = $(id).querySelectorAll("th").length;
      return;
    }
    rows.forEach(function (cells) {
      var tr = node(body, "tr");
      cells.forEach(function (c) { node(tr, "td", c === null || c === undefined ? "–" : c); });
    });
  }

  function render(data) {
    var withDay = data.window === "day";
    var labels = data.buckets.map(function (ts) { return clock(ts, false); });
    tiles(data);
    var v = vendorCharts(data, labels);
    var marks = v[1];
    marks += C.hbars($("entities"), {
      items: data.entities.map(function (e) {
        return { label: e.entity_type, value: e.findings, color: C.CATEGORY_COLORS[e.category] || "#888" };
      })
    });
    marks += C.lines($("latency"), {
      labels: labels, unit: " ms",
      series: [
        { name: "p50", color: "#3d7dca", values: data.latency.p50 },
        { name: "p95", color: "#d1495b", values: data.latency.p95 }
      ]
    });
    table("blocked", data.blocked.map(function (b) {
      return [withDay ? new Date(b.time * 1000).toLocaleString() : clock(b.time, true), b.vendor, b.endpoint,
              b.model, b.entity_type, b.category, b.location, b.policy_key, b.request_id];
    }));
    table("reasons", data.reasons.map(function (r) { return [r.decision, r.reason || "–", r.requests]; }));
    $("status").textContent = (withDay ? "last day" : "last hour") + " · updated " + clock(data.now, true);
    document.documentElement.setAttribute("data-charts-drawn", String(v[0] + 2));
    document.documentElement.setAttribute("data-marks", String(marks));
    document.documentElement.setAttribute("data-requests", String(data.totals.requests));
  }

  function load() {
    fetch("/dashboard/api/summary?window=" + current, { cache: "no-store", credentials: "same-origin" })
      .then(function (r) {
        if (!r.ok) throw new Error("HTTP " + r.status);
        return r.json();
      })
      .then(render)
      .catch(function (err) {
        $("status").textContent = "cannot read the audit trail: " + err.message;
        document.documentElement.setAttribute("data-error", String(err.message));
      });
  }

  Array.prototype.forEach.call(document.querySelectorAll("nav button"), function (b) {
    b.addEventListener("click", function () {
      current = b.getAttribute("data-window");
      Array.prototype.forEach.call(document.querySelectorAll("nav button"), function (o) {
        o.setAttribute("aria-pressed", String(o === b));
      });
      load();
    });
  });
  load();
  setInterval(load, REFRESH_MS);
})();
