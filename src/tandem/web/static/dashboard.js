/* Tandem lead dashboard: the period, the server-drawn body, and the conversations behind a figure.
 * Vanilla JS, no build step. Uses the console's login (sessionStorage). The body is HTML drawn
 * by the server (charts as SVG); list rows come from /api/v1/metrics/conversations and are
 * written with textContent. */
(function () {
  "use strict";

  var script = document.currentScript;
  var BASE = new URL("../", script.src).href;
  var token = sessionStorage.getItem("tandem.agent.token") || "";
  var PAGE = 50;
  var BANDS = { ai_only: "AI only", ai_then_human: "AI, then a person", human_only: "Person only" };
  var drill = null; // {query, title, offset, total}

  function $(id) {
    return document.getElementById(id);
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  var api = TandemApi.client(BASE + "api/v1/metrics", { token: function () { return token; } });

  function fail(message) {
    $("page-error").textContent = message;
    $("page-error").hidden = !message;
  }

  function refusal(status, message) {
    if (status === 403) return "Only support leads can see the dashboard.";
    if (status === 401) return "Sign in on the console first.";
    return message || "The dashboard could not be loaded.";
  }

  function params() {
    var search = new URLSearchParams(location.search);
    var q = new URLSearchParams();
    if (search.get("from")) q.set("from", search.get("from"));
    if (search.get("to")) q.set("to", search.get("to"));
    return q;
  }

  function load() {
    var view = $("view");
    view.setAttribute("aria-busy", "true");
    document.body.removeAttribute("data-drawn");
    return fetch(BASE + "console/dashboard/view?" + params().toString(), {
      headers: { Authorization: "Bearer " + token, Accept: "text/html" },
    }).then(function (res) {
      return res.text().then(function (text) {
        if (!res.ok) {
          var message = null;
          try { message = JSON.parse(text).error.message; } catch (e) { message = null; }
          fail(refusal(res.status, message));
          document.body.setAttribute("data-state", "refused-" + res.status);
          $("period").hidden = res.status === 401 || res.status === 403;
          view.textContent = "";
          return;
        }
        fail("");
        view.innerHTML = text; // drawn by our server from its own templates (escaped)
        var inner = view.querySelector(".dash-inner");
        $("from").value = inner.getAttribute("data-from");
        $("to").value = inner.getAttribute("data-to");
        view.setAttribute("aria-busy", "false");
        // Drawn once the browser has laid out and painted the body (two frames later).
        requestAnimationFrame(function () {
          requestAnimationFrame(function () {
            if (window.performance && performance.mark) performance.mark("dashboard-drawn");
            document.body.setAttribute("data-drawn", "1");
          });
        });
      });
    }, function () {
      fail("Cannot reach the server.");
    });
  }

  function go(from, to) {
    var q = new URLSearchParams({ from: from, to: to });
    history.pushState(null, "", "?" + q.toString());
    closeDrill();
    load();
  }

  function iso(date) {
    return date.toISOString().slice(0, 10);
  }

  // ---- the conversations behind a figure ---------------------------------------------------

  function when(isoText) {
    var d = new Date(isoText);
    return d.toLocaleDateString([], { day: "2-digit", month: "short" }) + " " +
      d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", hour12: false });
  }

  function words(code) {
    return code ? String(code).replace(/_/g, " ") : "";
  }

  function row(c) {
    var li = el("li", "drill-row");
    li.setAttribute("data-id", c.id);
    var a = el("a", "drill-link");
    a.href = BASE + "console#conversation=" + encodeURIComponent(c.id);
    var top = el("span", "drill-top");
    top.appendChild(el("strong", null, words(c.topic)));
    top.appendChild(el("time", "drill-time", when(c.created_at)));
    a.appendChild(top);
    var tags = el("span", "drill-tags");
    tags.appendChild(el("span", "tag band-tag band-" + c.band, BANDS[c.band] || c.band));
    tags.appendChild(el("span", "tag res-tag res-" + c.resolution, words(c.resolution) + (c.recontacted ? " · came back" : "")));
    if (c.handoff_reason) tags.appendChild(el("span", "tag", words(c.handoff_reason)));
    if (c.csat !== null) tags.appendChild(el("span", "tag", "CSAT " + c.csat));
    if (c.nps !== null) tags.appendChild(el("span", "tag", "NPS " + c.nps));
    tags.appendChild(el("span", "tag tag-lang", String(c.language).toUpperCase()));
    a.appendChild(tags);
    li.appendChild(a);
    return li;
  }

  function more() {
    var q = new URLSearchParams(drill.query);
    q.set("limit", String(PAGE));
    q.set("offset", String(drill.offset));
    var asked = drill;
    return api("GET", "/conversations?" + q.toString()).then(function (page) {
      if (drill !== asked) return;
      drill.total = page.total;
      drill.offset += page.conversations.length;
      page.conversations.forEach(function (c) { $("drill-list").appendChild(row(c)); });
      var span = q.get("from") === q.get("to") ? q.get("from") : q.get("from") + " to " + q.get("to");
      $("drill-sub").textContent =
        page.total.toLocaleString() + (page.total === 1 ? " conversation" : " conversations") + " · " + span;
      $("drill-more").hidden = drill.offset >= page.total;
      $("drill").setAttribute("data-loaded", String(drill.offset));
    }, function (err) {
      $("drill-error").textContent = refusal(err.status, err.message);
      $("drill-error").hidden = false;
    });
  }

  function openDrill(query, title) {
    drill = { query: query, title: title, offset: 0, total: 0 };
    $("drill-title").textContent = title;
    $("drill-sub").textContent = "Loading…";
    $("drill-list").textContent = "";
    $("drill-error").hidden = true;
    $("drill-more").hidden = true;
    $("drill").removeAttribute("data-loaded");
    $("drill").setAttribute("data-query", query);
    $("drill").hidden = false;
    more().then(function () { $("drill-close").focus(); });
  }

  function closeDrill() {
    drill = null;
    $("drill").hidden = true;
  }

  // ---- events --------------------------------------------------------------------------------

  $("view").addEventListener("click", function (e) {
    var target = e.target.closest ? e.target.closest("[data-q]") : null;
    if (!target) return;
    e.preventDefault();
    openDrill(target.getAttribute("data-q"), target.getAttribute("data-title") || "Conversations");
  });
  $("drill-close").addEventListener("click", closeDrill);
  $("drill-more").addEventListener("click", more);
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && drill) closeDrill();
  });
  $("period").addEventListener("submit", function (e) {
    e.preventDefault();
    go($("from").value, $("to").value);
  });
  Array.prototype.forEach.call(document.querySelectorAll("[data-days]"), function (b) {
    b.addEventListener("click", function () {
      var days = Number(b.getAttribute("data-days"));
      var to = new Date();
      var from = new Date(to.getTime() - (days - 1) * 86400000);
      go(iso(from), iso(to));
    });
  });
  $("export").addEventListener("click", function () {
    fetch(BASE + "api/v1/metrics/export.csv?" + params().toString(), {
      headers: { Authorization: "Bearer " + token },
    }).then(function (res) {
      if (!res.ok) throw new Error(refusal(res.status));
      return res.blob();
    }).then(function (blob) {
      var a = el("a");
      a.href = URL.createObjectURL(blob);
      a.download = "tandem-metrics.csv";
      document.body.appendChild(a);
      a.click();
      a.remove();
    }, function (err) { fail(err.message); });
  });
  window.addEventListener("popstate", load);

  if (!token) {
    fail("Sign in on the console first.");
    document.body.setAttribute("data-state", "refused-401");
    $("period").hidden = true;
    return;
  }
  load();
})();
