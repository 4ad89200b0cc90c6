/* Tandem capacity page for leads: agents needed per half hour of the week against those on
 * duty, the what-ifs (a topic's AI doing less, the AI off) and their cost per resolution.
 * Vanilla JS, no build step, no chart library: the chart is inline SVG drawn here, sized to
 * its box. The console's login (sessionStorage); all text via textContent. The server decides
 * who may see the plan (403 for agents) and checks every input (422 with the reason). */
(function () {
  "use strict";

  var script = document.currentScript;
  var API = new URL("../api/v1/capacity", script.src).href;
  var SVG = "http://www.w3.org/2000/svg";
  var DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
  var token = sessionStorage.getItem("tandem.agent.token") || "";
  var api = TandemApi.client(API, { token: function () { return token; } });
  var state = { plan: null, scenario: 0, day: "week", whatifs: [], online: null };

  function $(id) {
    return document.getElementById(id);
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function svg(tag, attrs, parent) {
    var node = document.createElementNS(SVG, tag);
    Object.keys(attrs).forEach(function (k) { node.setAttribute(k, String(attrs[k])); });
    if (parent) parent.appendChild(node);
    return node;
  }

  function pct(share, digits) {
    return share === null || share === undefined ? "–" : (share * 100).toFixed(digits || 0) + "%";
  }

  function num(value, digits) {
    return value === null || value === undefined ? "–" : Number(value).toFixed(digits || 0);
  }

  function value(id) {
    return $(id).value.trim();
  }

  // ---- the request ----------------------------------------------------------------------

  function query() {
    var q = new URLSearchParams();
    var level = value("service-level");
    q.set("service_level", level === "" ? "" : String(Number(level) / 100));
    q.set("answer_within_seconds", value("answer-within"));
    q.set("history_weeks", value("history-weeks"));
    if (value("schedule")) q.set("schedule", value("schedule"));
    [["handle-minutes", "handle_minutes"], ["patience-minutes", "patience_minutes"],
     ["concurrency", "concurrency"]].forEach(function (pair) {
      if (value(pair[0])) q.set(pair[1], value(pair[0]));
    });
    if (value("volume")) q.set("arrivals_factor", String(Number(value("volume")) / 100));
    state.whatifs.forEach(function (w) { q.append("what_if", w.topic + "=" + w.share); });
    return q.toString();
  }

  function load() {
    $("form-error").hidden = true;
    $("busy").textContent = "Planning…";
    $("plan").disabled = true;
    document.body.removeAttribute("data-drawn");
    return api("GET", "/plan?" + query()).then(function (plan) {
      state.plan = plan;
      if (state.scenario >= plan.scenarios.length) state.scenario = 0;
      state.online = plan.agents_online_now;
      render();
      document.body.setAttribute("data-drawn", "1");
    }, function (err) {
      if (err.status === 401 || err.status === 403) throw err;
      $("form-error").textContent = err.message;
      $("form-error").hidden = false;
      document.body.setAttribute("data-state", "refused");
    }).then(function () {
      $("busy").textContent = "";
      $("plan").disabled = false;
    });
  }

  // ---- the what-ifs ---------------------------------------------------------------------

  function renderTopics(topics) {
    var select = $("whatif-topic");
    var chosen = select.value;
    select.textContent = "";
    var names = Object.keys(topics);
    names.forEach(function (name) {
      var option = el("option", null, name.replace(/_/g, " ") + " (now " + pct(topics[name].person_share) + ")");
      option.value = name;
      select.appendChild(option);
    });
    if (!names.length) select.appendChild(el("option", null, "no topics yet"));
    select.disabled = !names.length;
    $("whatif-add").disabled = !names.length;
    if (names.indexOf(chosen) >= 0) select.value = chosen;
  }

  function renderWhatifs() {
    var list = $("whatifs");
    list.textContent = "";
    state.whatifs.forEach(function (w, i) {
      var chip = el("li", "chip", w.topic.replace(/_/g, " ") + ": " + pct(w.share) + " to a person");
      var remove = el("button", "chip-remove", "×");
      remove.type = "button";
      remove.setAttribute("aria-label", "Remove the what-if on " + w.topic);
      remove.addEventListener("click", function () {
        state.whatifs.splice(i, 1);
        renderWhatifs();
      });
      chip.appendChild(remove);
      list.appendChild(chip);
    });
  }

  // ---- the results ----------------------------------------------------------------------

  function render() {
    var plan = state.plan;
    var h = plan.history;
    renderTopics(h.topics);
    $("measured").textContent = "Measured over " + num(h.weeks, 1) + " weeks: " +
      num(h.conversations_per_week, 1) + " conversations a week, handle time " +
      (h.handle_minutes === null ? "not measured" : num(h.handle_minutes, 1) + " min") +
      ", patience " + (h.patience_minutes === null ? "not measured" : num(h.patience_minutes, 1) + " min") +
      ", chats at once " + (h.concurrency_in_practice === null ? "not measured" : num(h.concurrency_in_practice, 2) + " on average") +
      "; planned with " + plan.scenarios[0].concurrency + " per agent.";
    var notes = $("notes");
    notes.textContent = "";
    plan.notes.forEach(function (n) { notes.appendChild(el("li", null, n.charAt(0).toUpperCase() + n.slice(1) + ".")); });
    plan.scenarios.forEach(function (s) {
      if (s.shortfall) {
        notes.appendChild(el("li", "problem", s.name + ": the target cannot be met in " +
          s.intervals_target_unmet + " half hours; " + s.shortfall + "."));
      }
    });
    if (state.online !== null) {
      $("online-now").textContent = state.online + (state.online === 1 ? " agent is" : " agents are") + " online now.";
      $("use-online").hidden = false;
    }
    renderScenarios();
    renderDays();
    renderChart();
    renderTable();
  }

  function renderScenarios() {
    var body = $("scenarios");
    body.textContent = "";
    state.plan.scenarios.forEach(function (s, i) {
      var row = el("tr", i === state.scenario ? "chosen" : null);
      var name = el("td");
      var pick = el("button", "link", s.name.replace(/_/g, " "));
      pick.type = "button";
      pick.setAttribute("aria-pressed", i === state.scenario ? "true" : "false");
      pick.addEventListener("click", function () {
        state.scenario = i;
        renderScenarios();
        renderChart();
        renderTable();
      });
      name.appendChild(pick);
      row.appendChild(name);
      [pct(s.person_share), s.peak_agents, num(s.agent_hours, 1),
       (s.extra_agent_hours > 0 ? "+" : "") + num(s.extra_agent_hours, 1),
       s.intervals[0].on_duty === null ? "–" : s.short_intervals,
       num(s.peak_backlog, 1),
       s.cost_per_resolution === null ? "–" : num(s.cost_per_resolution, 2)].forEach(function (v) {
        row.appendChild(el("td", "n", v));
      });
      body.appendChild(row);
    });
  }

  function renderDays() {
    var box = $("days");
    box.textContent = "";
    ["week"].concat([0, 1, 2, 3, 4, 5, 6]).forEach(function (d) {
      var b = el("button", "btn", d === "week" ? "Week" : DAYS[d]);
      b.type = "button";
      b.setAttribute("aria-pressed", d === state.day ? "true" : "false");
      b.addEventListener("click", function () { choose(d); });
      box.appendChild(b);
    });
  }

  function choose(day) {
    state.day = day;
    renderDays();
    renderChart();
    renderTable();
  }

  function shown() {
    var all = state.plan.scenarios[state.scenario].intervals;
    if (state.day === "week") return { from: 0, rows: all };
    return { from: state.day * 48, rows: all.slice(state.day * 48, state.day * 48 + 48) };
  }

  function niceTop(v) {
    if (v <= 4) return 4;
    var power = Math.pow(10, Math.floor(Math.log10(v)));
    var steps = [1, 2, 2.5, 5, 10];
    for (var i = 0; i < steps.length; i++) if (steps[i] * power >= v) return steps[i] * power;
    return 10 * power;
  }

  function stepPath(values, x, y) {
    var d = "M" + x(0).toFixed(1) + " " + y(values[0]).toFixed(1);
    values.forEach(function (v, i) {
      if (i > 0) d += " V" + y(v).toFixed(1);
      d += " H" + x(i + 1).toFixed(1);
    });
    return d;
  }

  function label(i) {
    var slot = i % 48;
    return DAYS[Math.floor(i / 48)] + " " + String(Math.floor(slot / 2)).padStart(2, "0") + ":" + (slot % 2 ? "30" : "00");
  }

  function renderChart() {
    var box = $("chart");
    box.textContent = "";
    var part = shown();
    var rows = part.rows;
    var base = state.plan.scenarios[0].intervals.slice(part.from, part.from + rows.length);
    var hasDuty = rows[0].on_duty !== null;
    var width = Math.max(300, Math.round(box.clientWidth || 640));
    var height = width < 500 ? 220 : 260;
    var left = 34, right = 8, top = 10, bottom = 24;
    var needed = rows.map(function (r) { return r.agents; });
    var duty = rows.map(function (r) { return r.on_duty || 0; });
    var highest = Math.max.apply(null, needed.concat(base.map(function (r) { return r.agents; }), hasDuty ? duty : [0]));
    var ymax = niceTop(highest);
    var plotW = width - left - right, plotH = height - top - bottom;
    function x(i) { return left + plotW * i / rows.length; }
    function y(v) { return top + plotH * (1 - v / ymax); }
    var scenario = state.plan.scenarios[state.scenario];
    var chart = svg("svg", { viewBox: "0 0 " + width + " " + height, width: width, height: height,
      role: "img", "class": "chart-svg" });
    var peak = Math.max.apply(null, needed);
    var short = hasDuty ? rows.filter(function (r) { return r.on_duty < r.agents; }).length : 0;
    svg("title", {}, chart).textContent = "Agents needed per half hour (" + scenario.name + ", " +
      (state.day === "week" ? "the week" : DAYS[state.day]) + "): peak " + peak +
      (hasDuty ? "; " + short + " half hours with fewer on duty than needed" : "");
    var step = ymax <= 8 ? 1 : ymax / 4;
    for (var v = 0; v <= ymax + 1e-9; v += step) {
      svg("line", { x1: left, x2: width - right, y1: y(v), y2: y(v), "class": "grid" }, chart);
      svg("text", { x: left - 6, y: y(v) + 4, "class": "tick tick-y" }, chart).textContent = String(Math.round(v * 10) / 10);
    }
    var every = state.day === "week" ? 48 : (width < 500 ? 12 : 6);
    for (var i = 0; i <= rows.length; i += every) {
      svg("line", { x1: x(i), x2: x(i), y1: top, y2: top + plotH, "class": "grid" }, chart);
      if (i === rows.length) break;
      var text = state.day === "week" ? DAYS[i / 48] : String(i / 2).padStart(2, "0") + ":00";
      svg("text", { x: state.day === "week" ? x(i + 24) : x(i), y: height - 7, "class": "tick tick-x" }, chart).textContent = text;
    }
    svg("path", { d: stepPath(needed, x, y) + "V" + y(0) + " H" + x(0) + " Z", "class": "needed-area" }, chart);
    if (hasDuty) {
      rows.forEach(function (r, i) {
        if (r.on_duty < r.agents) {
          svg("rect", { x: x(i), y: y(r.agents), width: Math.max(0.5, x(i + 1) - x(i)),
            height: y(r.on_duty) - y(r.agents), "class": "short" }, chart);
        }
      });
    }
    if (state.scenario !== 0) {
      svg("path", { d: stepPath(base.map(function (r) { return r.agents; }), x, y), "class": "baseline" }, chart);
    }
    svg("path", { d: stepPath(needed, x, y), "class": "needed" }, chart);
    if (hasDuty) svg("path", { d: stepPath(duty, x, y), "class": "duty" }, chart);
    rows.forEach(function (r, i) {
      var hit = svg("rect", { x: x(i), y: top, width: x(i + 1) - x(i), height: plotH, "class": "hit" }, chart);
      svg("title", {}, hit).textContent = label(part.from + i) + ": needed " + r.agents +
        (hasDuty ? ", on duty " + r.on_duty + ", answered in time " + pct(r.on_duty_service_level) : "") +
        ", " + num(r.to_people, 1) + " to people";
      if (state.day === "week") hit.addEventListener("click", function () { choose(Math.floor(i / 48)); });
    });
    box.appendChild(chart);
    $("chart-title").textContent = "Agents needed — " + scenario.name.replace(/_/g, " ");
  }

  function renderTable() {
    var table = $("intervals");
    table.textContent = "";
    var part = shown();
    var hasDuty = part.rows[0].on_duty !== null;
    var head = el("thead");
    var tr = el("tr");
    var columns = state.day === "week"
      ? ["Day", "Conversations", "To people", "Agent hours needed", "On duty hours", "Half hours short",
         "Worst answered in time", "Longest queue"]
      : ["Time", "Conversations", "To people", "Needed"].concat(state.scenario ? ["Extra"] : [], ["On duty",
         hasDuty ? "Answered in time (on duty)" : "Answered in time", hasDuty ? "Wait (s, on duty)" : "Wait (s)",
         hasDuty ? "Gave up (on duty)" : "Gave up", "Queue"]);
    columns.forEach(function (c) { var th = el("th", null, c); th.scope = "col"; tr.appendChild(th); });
    head.appendChild(tr);
    table.appendChild(head);
    var body = el("tbody");
    if (state.day === "week") {
      var all = state.plan.scenarios[state.scenario].intervals;
      DAYS.forEach(function (name, d) {
        var rows = all.slice(d * 48, d * 48 + 48);
        var sum = function (f) { return rows.reduce(function (t, r) { return t + f(r); }, 0); };
        var worst = hasDuty ? Math.min.apply(null, rows.filter(function (r) { return r.to_people > 0; })
          .map(function (r) { return r.on_duty_service_level; }).concat([1])) : null;
        var row = el("tr");
        var day = el("td");
        var open = el("button", "link", name);
        open.type = "button";
        open.addEventListener("click", function () { choose(d); });
        day.appendChild(open);
        row.appendChild(day);
        [num(sum(function (r) { return r.arrivals; }), 1), num(sum(function (r) { return r.to_people; }), 1),
         num(sum(function (r) { return r.agents; }) / 2, 1),
         hasDuty ? num(sum(function (r) { return r.on_duty; }) / 2, 1) : "–",
         hasDuty ? sum(function (r) { return r.on_duty < r.agents ? 1 : 0; }) : "–",
         hasDuty ? pct(worst) : "–",
         num(Math.max.apply(null, rows.map(function (r) { return r.backlog; })), 1)].forEach(function (v) {
          row.appendChild(el("td", "n", v));
        });
        body.appendChild(row);
      });
    } else {
      part.rows.forEach(function (r, i) {
        var row = el("tr", hasDuty && r.on_duty < r.agents ? "short-row" : null);
        row.appendChild(el("td", null, label(part.from + i).slice(4)));
        var level = hasDuty ? r.on_duty_service_level : r.service_level;
        var wait = hasDuty ? r.on_duty_average_speed_of_answer_seconds : r.average_speed_of_answer_seconds;
        var gave = hasDuty ? r.on_duty_abandonment : r.abandonment;
        var extra = state.scenario ? [(r.extra_agents > 0 ? "+" : "") + r.extra_agents] : [];
        [num(r.arrivals, 2), num(r.to_people, 2), r.agents].concat(extra, [hasDuty ? r.on_duty : "–", pct(level, 1),
         wait === null ? (gave === 1 ? "none answered" : level === 0 ? "grows" : "–") : num(wait, 0),
         gave === null ? "–" : pct(gave, 1),
         num(r.backlog, 1)]).forEach(function (v) { row.appendChild(el("td", "n", v)); });
        body.appendChild(row);
      });
    }
    table.appendChild(body);
  }

  // ---- wiring ---------------------------------------------------------------------------

  $("cap-form").addEventListener("submit", function (event) {
    event.preventDefault();
    load().catch(fatal);
  });
  $("whatif-add").addEventListener("click", function () {
    var share = Number(value("whatif-share"));
    var topic = $("whatif-topic").value;
    if (value("whatif-share") === "" || !(share >= 0 && share <= 100)) {
      $("form-error").textContent = "A share reaching a person is from 0 to 100%.";
      $("form-error").hidden = false;
      return;
    }
    state.whatifs = state.whatifs.filter(function (w) { return w.topic !== topic; });
    state.whatifs.push({ topic: topic, share: share / 100 });
    renderWhatifs();
  });
  $("use-online").addEventListener("click", function () {
    if (state.online !== null) $("schedule").value = String(state.online);
  });
  var resized = null;
  window.addEventListener("resize", function () {
    clearTimeout(resized);
    resized = setTimeout(function () { if (state.plan) renderChart(); }, 150);
  });

  function fatal(err) {
    $("capacity-view").hidden = true;
    $("page-error").textContent = err.status === 403 ? "Only support leads can see the capacity plan." : err.message;
    $("page-error").hidden = false;
    document.body.setAttribute("data-state", "refused");
  }

  if (!token) {
    fatal({ message: "Sign in on the console first." });
    return;
  }
  $("capacity-view").hidden = false;
  renderTopics({});
  load().catch(fatal);
})();
