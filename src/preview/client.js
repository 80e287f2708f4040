// The live preview's page script (served as /assets/preview.js after plotly.js and draw.js). It
// listens to the server's events (/events) and applies each update in place: only the parts sent
// are replaced, charts whose spec did not change are kept as drawn, the scroll position stays.
// Errors show as an overlay over the last good render; the notebooks' state and the progress of
// a re-execution show in the bar at the top. Everything from the server is put in as text except
// the document's own parts (rendered by the server from the report's sources).
(function () {
  "use strict";
  var state = JSON.parse(document.getElementById("preview-state").textContent);
  var keys = state.keys; // null: no document shown yet
  var logLines = [];
  var specJson = {};
  var figures = window.a2figures || {
    specs: {},
    draw: function () {
      return Promise.resolve();
    },
  };
  Object.keys(figures.specs).forEach(function (l) {
    specJson[l] = JSON.stringify(figures.specs[l]);
  });

  function $(id) {
    return document.getElementById(id);
  }
  function part(name) {
    return document.querySelector('[data-part="' + name + '"]');
  }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  /** When a render is on screen (after the frame that shows it): window.__a2preview, for tests and the bench. */
  function painted(version, received, applied) {
    requestAnimationFrame(function () {
      setTimeout(function () {
        window.__a2preview = { version: version, receivedAt: received, appliedAt: applied, paintedAt: Date.now() };
        document.documentElement.setAttribute("data-preview-version", String(version));
      }, 0);
    });
  }

  /** Whether a block on the page (old) shows the same as a new one; a drawn chart counts by its spec. */
  function same(a, b, specs) {
    if (a.nodeType === 1 && b.nodeType === 1 && a.matches("figure.plot") && b.matches("figure.plot")) {
      var da = a.querySelector("div.plotly"),
        db = b.querySelector("div.plotly");
      var label = db && db.getAttribute("data-label");
      return (
        !!da &&
        da.getAttribute("data-label") === label &&
        a.id === b.id &&
        specJson[label] === JSON.stringify(specs[label]) &&
        a.querySelector("figcaption").isEqualNode(b.querySelector("figcaption"))
      );
    }
    return a.isEqualNode(b);
  }

  /**
   * Replace what changed in one section: the blocks between the longest unchanged start and end
   * (an edit touches one place; the rest of the DOM, drawn charts included, stays as it is).
   * Returns the chart elements to draw.
   */
  function replaceSection(sec, html, specs) {
    var tpl = document.createElement("template");
    tpl.innerHTML = html;
    var fresh = Array.prototype.slice.call(tpl.content.childNodes),
      old = Array.prototype.slice.call(sec.childNodes);
    var s = 0,
      e = 0;
    while (s < old.length && s < fresh.length && same(old[s], fresh[s], specs)) s++;
    while (e < old.length - s && e < fresh.length - s && same(old[old.length - 1 - e], fresh[fresh.length - 1 - e], specs)) e++;
    var anchor = old[old.length - e] || null;
    old.slice(s, old.length - e).forEach(function (n) {
      n.remove();
    });
    var added = fresh.slice(s, fresh.length - e);
    added.forEach(function (n) {
      sec.insertBefore(n, anchor);
    });
    var draws = [];
    added.forEach(function (n) {
      if (n.nodeType !== 1) return;
      Array.prototype.forEach.call(n.matches("div.plotly") ? [n] : n.querySelectorAll("div.plotly"), function (d) {
        var label = d.getAttribute("data-label");
        specJson[label] = JSON.stringify(specs[label]);
        figures.specs[label] = specs[label];
        draws.push(d);
      });
    });
    return draws;
  }

  /** The first block at the top of the window, and where it is: what the reader sees stays put. */
  function scrollAnchor() {
    var blocks = document.querySelectorAll("[data-part] > *");
    for (var i = 0; i < blocks.length; i++) {
      var r = blocks[i].getBoundingClientRect();
      if (r.bottom > 0) return { node: blocks[i], top: r.top, y: window.scrollY };
    }
    return { node: null, top: 0, y: window.scrollY };
  }

  function keepScroll(a) {
    if (a.node && a.node.isConnected) window.scrollBy(0, a.node.getBoundingClientRect().top - a.top);
    else if (window.scrollY !== a.y) window.scrollTo(0, a.y);
  }

  function applyUpdate(u) {
    var received = Date.now();
    if (keys === null) {
      location.reload();
      return;
    }
    // Parts whose key differs from ours but were not sent: we are out of step; take everything.
    var missing =
      (u.keys.css !== keys.css && u.css === undefined) ||
      (u.keys.title !== keys.title && u.titleBlock === undefined) ||
      (u.keys.toc !== keys.toc && u.toc === undefined) ||
      u.keys.sections.some(function (k, i) {
        return k !== keys.sections[i] && u.sections[i] === undefined;
      });
    if (missing) {
      resync();
      return;
    }
    var anchor = scrollAnchor();
    document.title = u.title;
    if (u.css !== undefined) part("css").textContent = u.css;
    if (u.titleBlock !== undefined) part("title").innerHTML = u.titleBlock;
    if (u.toc !== undefined) part("toc").outerHTML = u.toc;
    var draws = [];
    var n = u.keys.sections.length;
    for (var i = 0; i < n; i++) {
      if (u.sections[i] === undefined) continue;
      var sec = part("section-" + i);
      if (!sec) {
        sec = document.createElement("section");
        sec.setAttribute("data-part", "section-" + i);
        var prev = part("section-" + (i - 1)) || part("toc");
        prev.after(sec);
      }
      draws = draws.concat(replaceSection(sec, u.sections[i], u.specs));
    }
    for (var j = n; part("section-" + j); j++) part("section-" + j).remove();
    keys = u.keys;
    state.version = u.version;
    draws.forEach(function (d) {
      figures.draw(d);
    });
    keepScroll(anchor);
    painted(u.version, received, Date.now());
  }

  function resync() {
    fetch("/parts", { headers: { "X-A2-Preview": "1" } })
      .then(function (r) {
        return r.json();
      })
      .then(function (full) {
        if (!full.keys) {
          location.reload();
          return;
        }
        var all = {
          version: full.version,
          title: full.title,
          keys: full.keys,
          css: full.css,
          titleBlock: full.titleBlock,
          toc: full.toc,
          sections: full.sections,
          specs: full.specs,
        };
        keys = { css: "", title: "", toc: "", sections: [] };
        applyUpdate(all);
      });
  }

  function showError(err) {
    var o = $("a2-overlay");
    if (!err) {
      o.hidden = true;
      document.documentElement.removeAttribute("data-preview-error");
      return;
    }
    $("a2-overlay-place").textContent = err.file ? err.file + (err.line ? ":" + err.line : "") : "the report";
    $("a2-overlay-message").textContent = err.message;
    o.hidden = false;
    document.documentElement.setAttribute("data-preview-error", err.file || "");
  }

  function post(body) {
    return fetch("/api/execute", {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-A2-Preview": "1" },
      body: JSON.stringify(body),
    })
      .then(function (r) {
        return r.json();
      })
      .then(function (r) {
        if (r.error) addLog("error: " + r.error);
      });
  }

  function showNotebooks(nb) {
    state.notebooks = nb;
    $("a2-mode").textContent = nb.mode ? nb.mode + " notebooks" : "no executed notebooks";
    var list = $("a2-stale");
    list.textContent = "";
    nb.notebooks.forEach(function (n) {
      if (!n.stale || !nb.mode) return;
      var li = el("li");
      li.appendChild(el("strong", "", n.name));
      li.appendChild(document.createTextNode(n.executed ? " changed since it was executed: " : " has not been executed: "));
      li.appendChild(el("code", "", n.command));
      var b = el("button", "", nb.running ? "running…" : "Re-execute");
      b.disabled = !!nb.running;
      b.addEventListener("click", function () {
        post({ notebook: n.name });
      });
      li.appendChild(b);
      list.appendChild(li);
    });
    $("a2-notebooks").hidden = !list.firstChild && !nb.running && !logLines.length;
    $("a2-running").textContent = nb.running ? "Running: " + nb.running : "";
    var run = $("a2-run-quick");
    if (run) {
      run.disabled = !!nb.running;
      run.textContent = nb.running ? "Running…" : "Run the quick notebooks";
    }
  }

  function addLog(line) {
    logLines.push(line);
    if (logLines.length > 200) logLines.shift();
    var pre = $("a2-log");
    pre.textContent = logLines.join("\n");
    pre.hidden = false;
    pre.scrollTop = pre.scrollHeight;
    $("a2-notebooks").hidden = false;
  }

  var run = $("a2-run-quick");
  if (run)
    run.addEventListener("click", function () {
      post({ all: true });
    });
  showError(state.error);
  showNotebooks(state.notebooks);
  painted(state.version);

  var source = new EventSource("/events");
  var hellos = 0;
  source.addEventListener("hello", function (e) {
    var h = JSON.parse(e.data);
    // More than one: the connection was lost and made again (the server restarted, or the network).
    document.documentElement.setAttribute("data-preview-connections", String(++hellos));
    if (keys !== null && h.keys && JSON.stringify(h.keys) !== JSON.stringify(keys)) resync();
    else if (keys === null && h.keys) location.reload();
    showError(h.error);
    showNotebooks(h.notebooks);
    $("a2-live").className = "live on";
  });
  source.addEventListener("update", function (e) {
    applyUpdate(JSON.parse(e.data));
  });
  source.addEventListener("error-state", function (e) {
    showError(JSON.parse(e.data));
  });
  source.addEventListener("notebooks", function (e) {
    showNotebooks(JSON.parse(e.data));
  });
  source.addEventListener("log", function (e) {
    addLog(JSON.parse(e.data));
  });
  source.addEventListener("reload", function () {
    location.reload();
  });
  source.onerror = function () {
    $("a2-live").className = "live off";
  };
})();
