/* Tandem roll-out page for leads: each topic's mode, changes with a note, the kill switch and
 * the history. Vanilla JS, no build step; the console's login (sessionStorage); all text via
 * textContent. The server decides who may change anything (403 for agents). */
(function () {
  "use strict";

  var script = document.currentScript;
  var API = new URL("../api/v1/rollout", script.src).href;
  var token = sessionStorage.getItem("tandem.agent.token") || "";
  var MODES = ["off", "shadow", "pilot", "on"];
  var api = TandemApi.client(API, { token: function () { return token; } });

  function $(id) {
    return document.getElementById(id);
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function describe(mode, percent) {
    return mode === "pilot" ? "pilot " + percent + "%" : mode;
  }

  function say(text, ok) {
    var result = $("result");
    result.textContent = "";
    result.appendChild(el("p", ok ? "ok" : "problem", text));
  }

  function note() {
    return $("note").value.trim();
  }

  function changed(message) {
    return function (topics) {
      say(message, true);
      $("note").value = "";
      renderTopics(topics);
      return loadHistory();
    };
  }

  function failed(err) {
    say(err.message, false);
  }

  var evaluated = {};

  function figures(e) {
    if (!e) return "";
    var parts = ["AI " + e.ai + " · people " + e.people];
    e.findings.forEach(function (f) {
      if (f.ai_n && f.baseline_n) {
        parts.push(f.metric + " " + f.ai_mean.toFixed(2) + " vs " + f.baseline_mean.toFixed(2));
      }
    });
    return parts.join(" · ");
  }

  function renderTopics(topics) {
    var body = $("topics");
    body.textContent = "";
    topics.forEach(function (t) {
      var row = el("tr");
      var name = el("td");
      name.appendChild(el("strong", null, t.label));
      var e = evaluated[t.topic];
      if (e && (e.ai || e.people)) name.appendChild(el("span", "figures", figures(e)));
      if (e && e.suggestion) name.appendChild(el("span", "suggestion", "Suggested: " + e.suggestion));
      row.appendChild(name);
      var now = el("td");
      now.appendChild(el("span", "mode mode-" + t.mode, describe(t.mode, t.percent)));
      row.appendChild(now);
      var change = el("td");
      var box = el("div", "change");
      var select = el("select");
      select.setAttribute("aria-label", "New mode for " + t.label);
      MODES.forEach(function (m) {
        var option = el("option", null, m);
        option.value = m;
        if (m === t.mode) option.selected = true;
        select.appendChild(option);
      });
      var percent = el("input");
      percent.type = "number";
      percent.min = "0";
      percent.max = "100";
      percent.placeholder = "%";
      percent.setAttribute("aria-label", "Pilot percentage for " + t.label);
      if (t.percent !== null) percent.value = String(t.percent);
      percent.hidden = select.value !== "pilot";
      select.addEventListener("change", function () { percent.hidden = select.value !== "pilot"; });
      var apply = el("button", "btn", "Apply");
      apply.type = "button";
      apply.addEventListener("click", function () {
        var body = { mode: select.value, note: note() };
        if (select.value === "pilot") body.percent = percent.value === "" ? null : Number(percent.value);
        api("PUT", "/topics/" + encodeURIComponent(t.topic), body).then(
          changed(t.label + ": " + describe(body.mode, body.percent)), failed);
      });
      box.appendChild(select);
      box.appendChild(percent);
      box.appendChild(apply);
      change.appendChild(box);
      row.appendChild(change);
      var kill = el("td");
      if (t.mode !== "off") {
        var off = el("button", "btn btn-danger", "Off");
        off.type = "button";
        off.setAttribute("aria-label", "Turn the AI off for " + t.label);
        off.addEventListener("click", function () {
          api("POST", "/kill", { topic: t.topic, note: note() }).then(changed(t.label + ": off"), failed);
        });
        kill.appendChild(off);
      }
      row.appendChild(kill);
      body.appendChild(row);
    });
  }

  function loadHistory() {
    return api("GET", "/history").then(function (changes) {
      var list = $("history");
      list.textContent = "";
      if (!changes.length) list.appendChild(el("li", "hint", "No change yet."));
      changes.forEach(function (c) {
        var li = el("li");
        var who = c.automatic ? "automatic" : (c.changed_by ? "a lead" : "the system");
        li.appendChild(el("span", "when", new Date(c.changed_at).toLocaleString() + " · " + who));
        li.appendChild(el("strong", null, c.topic + ": "));
        li.appendChild(document.createTextNode(
          describe(c.previous_mode, c.previous_percent) + " → " + describe(c.mode, c.percent) + " — " + c.note));
        list.appendChild(li);
      });
    });
  }

  $("kill-all").addEventListener("click", function () {
    api("POST", "/kill", { note: note() }).then(changed("The AI is off for every topic."), failed);
  });

  if (!token) {
    $("page-error").textContent = "Sign in on the console first.";
    $("page-error").hidden = false;
    return;
  }
  api("GET", "/evaluation").then(function (results) {
    results.forEach(function (r) { evaluated[r.topic] = r; });
  }).catch(function () { /* the modes show without the figures */ }).then(function () {
    return api("GET", "/topics");
  }).then(function (topics) {
    renderTopics(topics);
    $("rollout-view").hidden = false;
    return loadHistory();
  }).catch(function (err) {
    $("page-error").textContent = err.status === 403 ? "Only support leads can change the roll-out." : err.message;
    $("page-error").hidden = false;
  });
})();
