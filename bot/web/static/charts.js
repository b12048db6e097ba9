// ArdoiseCharts: small SVG charts for the HR dashboard, with no dependency.
// Labels come from HR and candidate data: every text goes in with textContent,
// never as markup. Presentation is set by SVG attributes (the page's CSP
// forbids inline styles). Each chart is an image with a title and a summary
// for screen readers, followed by its data as a table in a <details>.
"use strict";

(function () {
  var SVG = "http://www.w3.org/2000/svg";
  // Okabe-Ito: told apart with the common colour-vision deficiencies.
  var PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"];
  var FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
  var INK = "#334155", GRID = "#e2e8f0";
  var W = 640, H = 300;
  var uid = 0;

  function svgEl(tag, attrs, text) {
    var node = document.createElementNS(SVG, tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, String(attrs[k])); });
    if (text !== undefined) node.textContent = String(text);
    return node;
  }

  function htmlEl(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, String(attrs[k])); });
    if (text !== undefined) node.textContent = String(text);
    return node;
  }

  function num(v) { return typeof v === "number" && isFinite(v) ? v : null; }

  function fmt(v, unit) {
    if (num(v) === null) return "—";
    var text = v.toLocaleString(document.documentElement.lang || undefined, { maximumFractionDigits: 2 });
    return unit ? text + " " + unit : text;
  }

  function clip(text, max) {
    text = String(text === null || text === undefined ? "" : text);
    return text.length > max ? text.slice(0, max - 1) + "…" : text;
  }

  // Axis ticks at 1, 2 or 5 times a power of ten; whole numbers for counts.
  function ticks(max, whole) {
    if (!(max > 0)) max = 1;
    var raw = max / 4, pow = Math.pow(10, Math.floor(Math.log10(raw)));
    var step = [1, 2, 5, 10].map(function (m) { return m * pow; }).filter(function (s) { return s >= raw; })[0];
    if (whole) step = Math.max(1, Math.round(step));
    var out = [];
    for (var t = 0; t < max + step / 2; t += step) out.push(+t.toFixed(10));
    if (out[out.length - 1] < max) out.push(+(out[out.length - 1] + step).toFixed(10));
    return out;
  }

  function seriesOf(options) {
    return (options.series || []).map(function (s, i) {
      return { name: String(s.name === undefined ? "" : s.name), values: s.values || [], color: s.color || PALETTE[i % PALETTE.length] };
    });
  }

  function allWhole(series) {
    return series.every(function (s) { return s.values.every(function (v) { return num(v) === null || v % 1 === 0; }); });
  }

  // The frame every chart shares: an accessible <svg>, then the data table.
  function frame(container, options, height, summary, table) {
    while (container.firstChild) container.removeChild(container.firstChild);
    var id = "ardoise-chart-" + (++uid);
    var svg = svgEl("svg", {
      viewBox: "0 0 " + W + " " + height, width: "100%", role: "img", preserveAspectRatio: "xMidYMid meet",
      "aria-labelledby": id + "-t " + id + "-d", "font-family": FONT, "font-size": 12, fill: INK
    });
    svg.appendChild(svgEl("title", { id: id + "-t" }, options.title || ""));
    svg.appendChild(svgEl("desc", { id: id + "-d" }, summary));
    container.appendChild(svg);
    var details = htmlEl("details", { "class": "chart-data" });
    details.appendChild(htmlEl("summary", {}, options.dataLabel || "Voir les données"));
    var grid = htmlEl("table");
    if (options.title) grid.appendChild(htmlEl("caption", {}, options.title));
    var head = htmlEl("tr");
    table.head.forEach(function (h) { head.appendChild(htmlEl("th", { scope: "col" }, h)); });
    grid.appendChild(htmlEl("thead")).appendChild(head);
    var body = grid.appendChild(htmlEl("tbody"));
    table.rows.forEach(function (row) {
      var tr = body.appendChild(htmlEl("tr"));
      row.forEach(function (cell, i) { tr.appendChild(htmlEl(i ? "td" : "th", i ? {} : { scope: "row" }, cell)); });
    });
    details.appendChild(grid);
    container.appendChild(details);
    return svg;
  }

  function emptyNote(svg, height, options) {
    svg.appendChild(svgEl("text", { x: W / 2, y: height / 2, "text-anchor": "middle", fill: "#64748b" }, options.emptyText || "Aucune donnée sur la période"));
  }

  function summaryOf(labels, series, unit) {
    return series.map(function (s) {
      var total = 0, best = null;
      s.values.forEach(function (v, i) {
        if (num(v) === null) return;
        total += v;
        if (best === null || v > s.values[best]) best = i;
      });
      return s.name + " : total " + fmt(total, unit) +
        (best === null ? "" : ", maximum " + fmt(s.values[best], unit) + " (" + labels[best] + ")");
    }).join(" ; ") + ".";
  }

  function tableOf(labels, series, unit) {
    return {
      head: [""].concat(series.map(function (s) { return s.name; })),
      rows: labels.map(function (label, i) {
        return [String(label)].concat(series.map(function (s) { return fmt(s.values[i], unit); }));
      })
    };
  }

  function legend(svg, series, y) {
    var x = 52;
    series.forEach(function (s) {
      svg.appendChild(svgEl("rect", { x: x, y: y - 9, width: 10, height: 10, rx: 2, fill: s.color }));
      var name = clip(s.name, 30);
      svg.appendChild(svgEl("text", { x: x + 14, y: y }, name));
      x += 28 + name.length * 6.5;
    });
  }

  // Axes for a chart over `labels`: horizontal grid lines with value ticks, thinned x labels.
  function axes(svg, labels, max, whole, unit, height, top) {
    var plot = { left: 52, right: W - 12, top: top, bottom: height - 28 };
    var marks = ticks(max, whole), scaleMax = marks[marks.length - 1];
    plot.y = function (v) { return plot.bottom - (v / scaleMax) * (plot.bottom - plot.top); };
    plot.slot = (plot.right - plot.left) / Math.max(1, labels.length);
    marks.forEach(function (t) {
      var y = plot.y(t);
      svg.appendChild(svgEl("line", { x1: plot.left, x2: plot.right, y1: y, y2: y, stroke: GRID, "stroke-width": 1 }));
      svg.appendChild(svgEl("text", { x: plot.left - 6, y: y + 4, "text-anchor": "end", "font-size": 11 }, fmt(t)));
    });
    if (unit) svg.appendChild(svgEl("text", { x: 4, y: top - 6, "font-size": 11 }, unit));
    var every = Math.max(1, Math.ceil(labels.length / Math.floor((plot.right - plot.left) / 56)));
    labels.forEach(function (label, i) {
      if (i % every) return;
      svg.appendChild(svgEl("text", {
        x: plot.left + plot.slot * (i + 0.5), y: plot.bottom + 16, "text-anchor": "middle", "font-size": 11
      }, clip(label, 12)));
    });
    svg.appendChild(svgEl("line", { x1: plot.left, x2: plot.right, y1: plot.bottom, y2: plot.bottom, stroke: INK }));
    return plot;
  }

  function bars(container, options) {
    var labels = options.labels || [], series = seriesOf(options), unit = options.unit;
    var stacked = !!options.stacked && series.length > 1;
    var svg = frame(container, options, H, summaryOf(labels, series, unit), tableOf(labels, series, unit));
    var top = series.length > 1 ? 34 : 14;
    if (series.length > 1) legend(svg, series, 16);
    var max = 0;
    labels.forEach(function (_, i) {
      var values = series.map(function (s) { return num(s.values[i]) || 0; });
      max = Math.max(max, stacked ? values.reduce(function (a, b) { return a + b; }, 0) : Math.max.apply(null, values.concat(0)));
    });
    var plot = axes(svg, labels, max, allWhole(series), unit, H, top);
    var inner = plot.slot * 0.8, width = stacked ? inner : inner / Math.max(1, series.length);
    labels.forEach(function (label, i) {
      var base = 0;
      series.forEach(function (s, k) {
        var v = num(s.values[i]) || 0;
        if (v <= 0) return;
        var x = plot.left + plot.slot * i + plot.slot * 0.1 + (stacked ? 0 : width * k);
        var y1 = plot.y(base + v), y0 = plot.y(base);
        var bar = svgEl("rect", { x: x, y: y1, width: Math.max(1, width - 1), height: Math.max(0.5, y0 - y1), fill: s.color });
        bar.appendChild(svgEl("title", {}, label + " — " + s.name + " : " + fmt(v, unit)));
        svg.appendChild(bar);
        if (stacked) base += v;
      });
    });
    if (max === 0) emptyNote(svg, H, options);
    return svg;
  }

  function line(container, options) {
    var labels = options.labels || [], series = seriesOf(options), unit = options.unit;
    var svg = frame(container, options, H, summaryOf(labels, series, unit), tableOf(labels, series, unit));
    var top = series.length > 1 ? 34 : 14;
    if (series.length > 1) legend(svg, series, 16);
    var max = 0;
    series.forEach(function (s) { s.values.forEach(function (v) { if (num(v) !== null) max = Math.max(max, v); }); });
    var plot = axes(svg, labels, max, allWhole(series), unit, H, top);
    series.forEach(function (s) {
      var d = "", pen = "M";
      labels.forEach(function (label, i) {
        var v = num(s.values[i]);
        if (v === null) { pen = "M"; return; }  // a gap where there is no value
        var x = plot.left + plot.slot * (i + 0.5), y = plot.y(v);
        d += pen + x.toFixed(1) + " " + y.toFixed(1) + " ";
        pen = "L";
        if (labels.length <= 62) {
          var dot = svgEl("circle", { cx: x, cy: y, r: 3, fill: s.color });
          dot.appendChild(svgEl("title", {}, label + " — " + s.name + " : " + fmt(v, unit)));
          svg.appendChild(dot);
        }
      });
      if (d) svg.insertBefore(svgEl("path", { d: d, fill: "none", stroke: s.color, "stroke-width": 2, "stroke-linejoin": "round" }), svg.querySelector("circle"));
    });
    var none = series.every(function (s) { return s.values.every(function (v) { return num(v) === null; }); });
    if (labels.length === 0 || none) emptyNote(svg, H, options);
    return svg;
  }

  function hbars(container, options) {
    var labels = options.labels || [], values = options.values || [], unit = options.unit;
    var color = options.color || PALETTE[0], row = 26;
    var height = Math.max(80, 16 + labels.length * row + 8);
    var one = [{ name: options.valueLabel || options.title || "", values: values, color: color }];
    var svg = frame(container, options, height, summaryOf(labels, one, unit), tableOf(labels, one, unit));
    var left = 200, right = W - 60, max = 0;
    values.forEach(function (v) { if (num(v) !== null) max = Math.max(max, v); });
    labels.forEach(function (label, i) {
      var v = num(values[i]) || 0, y = 12 + i * row;
      var name = svgEl("text", { x: left - 8, y: y + 15, "text-anchor": "end" }, clip(label, 30));
      name.appendChild(svgEl("title", {}, String(label)));
      svg.appendChild(name);
      var width = max > 0 ? (v / max) * (right - left) : 0;
      var bar = svgEl("rect", { x: left, y: y + 3, width: Math.max(v > 0 ? 1 : 0, width), height: row - 8, rx: 2, fill: color });
      bar.appendChild(svgEl("title", {}, label + " : " + fmt(v, unit)));
      svg.appendChild(bar);
      svg.appendChild(svgEl("text", { x: left + width + 6, y: y + 15, "font-size": 11 }, fmt(v, unit)));
    });
    svg.appendChild(svgEl("line", { x1: left, x2: left, y1: 8, y2: height - 8, stroke: INK }));
    if (labels.length === 0) emptyNote(svg, height, options);
    return svg;
  }

  window.ArdoiseCharts = { bars: bars, line: line, hbars: hbars };
})();
