// Draws the report's Plotly figures (src/report/html.ts inlines it after plotly.js): each
// <div class="plotly" data-label="…"> from the figure specs in #figure-specs. Printed, a chart is
// static at the page's width; on screen it is interactive and follows its column's width. On the
// layout-only page (#layout-only, no plotly.js: paginate.ts) each chart is an empty box of the
// height it prints at. Sets data-ready (or data-error) on <html> when every chart is drawn (or boxed). window.a2figures lets the live
// preview draw the figures of a section it replaced.
(function () {
  // Floats: a figure or table moved down past the next few blocks (never into another task, nor
  // a figure past a figure or a table past a table, which keeps their numbers in order), where the
  // printed layout left a hole above it (paginate.ts decides).
  var floatsEl = document.getElementById("floats");
  var floats = floatsEl ? JSON.parse(floatsEl.textContent) : {};
  Object.keys(floats).forEach(function (id) {
    var el = document.getElementById(id);
    for (var n = floats[id]; el && n > 0; n--) {
      var next = el.nextElementSibling;
      if (!next || next.tagName === "H1" || (next.tagName === "FIGURE" && next.className === el.className)) break;
      next.after(el);
    }
  });
  var specs = JSON.parse(document.getElementById("figure-specs").textContent);
  var printing = window.matchMedia("print").matches;
  // A print for the layout only (paginate.ts): each chart an empty box of the height it prints at.
  var layoutOnly = !!document.getElementById("layout-only");
  function draw(el) {
    var f = specs[el.getAttribute("data-label")];
    var layout = f.layout;
    if (layoutOnly) {
      el.style.height = f.layout.height + "px";
      return Promise.resolve();
    }
    if (!printing) {
      layout = Object.assign({}, f.layout, { autosize: true });
      delete layout.width;
      el.style.height = f.layout.height + "px";
    }
    return Plotly.newPlot(el, f.data, layout, { staticPlot: printing, displaylogo: false, responsive: !printing });
  }
  window.a2figures = { specs: specs, draw: draw };
  var els = Array.prototype.slice.call(document.querySelectorAll("div.plotly"));
  Promise.all(els.map(draw)).then(
    function () {
      document.documentElement.setAttribute("data-ready", "1");
    },
    function (e) {
      document.documentElement.setAttribute("data-error", String(e));
    },
  );
})();
