/* Tandem roll-out page for leads: each topic as a card (its mode, sample sizes, every metric
 * against people with its interval, the suggested next step, the staffing impact of a step
 * back, the change form and the kill switch) and the history of every change. Vanilla JS, no
 * build step; the console's login (sessionStorage); all text via textContent. The server
 * decides who may change anything (403 for agents). */
(function () {
  "use strict";

  var script = document.currentScript;
  var API = new URL("../api/v1/rollout", script.src).href;
  var token = sessionStorage.getItem("tandem.agent.token") || "";
  var MODES = ["off", "shadow", "pilot", "on"];
  var api = TandemApi.client(API, { token: function () { return token; } });
  var evaluated = {};
  var latest = {};

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

  function when(iso) {
    return new Date(iso).toLocaleString([], { dateStyle: "medium", timeStyle: "short" });
  }

  function say(text, ok) {
    var result = $("result");
    result.textContent = "";
    result.appendChild(el("p", ok ? "ok" : "problem", text));
  }

  function value(f, x) {
    return f.share ? (x * 100).toFixed(1) + "%" : x.toFixed(2);
  }

  function signed(f, x) {
    var text = f.share ? (x * 100).toFixed(1) : x.toFixed(2);
    if (Number(text) === 0) return text.replace("-", "");
    return (x > 0 ? "+" : "−") + text.replace("-", "");
  }

  /* What the interval says, in a lead's words. */
  function judged(f) {
    if (f.ai_n < 30 || f.baseline_n < 30) return ["few", "too few (30 each needed)"];
    if (f.drop) return ["drop", "clearly worse"];
    var better = f.higher_is_better ? f.low > 0 : f.high < 0;
    if (better) return ["better", "clearly better"];
    return ["open", "no clear difference"];
  }

  function bar(f) {
    var track = el("span", "bar");
    track.setAttribute("aria-hidden", "true");
    if (f.low === null || f.high === null) return track;
    var reach = Math.max(Math.abs(f.low), Math.abs(f.high), 1e-9) * 1.15;
    var left = 50 + (f.low / reach) * 50;
    var right = 50 + (f.high / reach) * 50;
    var span = el("span", "bar-span bar-" + judged(f)[0]);
    span.style.left = left + "%";
    span.style.width = Math.max(right - left, 1) + "%";
    track.appendChild(span);
    track.appendChild(el("span", "bar-zero"));
    return track;
  }

  function metricsTable(e) {
    var table = el("table", "metrics");
    var head = el("tr");
    ["Metric", "AI", "People", "AI − people"].forEach(function (h) {
      var th = el("th", null, h);
      th.scope = "col";
      head.appendChild(th);
    });
    var thead = el("thead");
    thead.appendChild(head);
    table.appendChild(thead);
    var body = el("tbody");
    e.findings.forEach(function (f) {
      var verdict = judged(f);
      var row = el("tr", "metric-" + verdict[0]);
      var name = el("th", null, f.label);
      name.scope = "row";
      row.appendChild(name);
      row.appendChild(cell(f.ai_n ? value(f, f.ai_mean) : "—", "n=" + f.ai_n));
      row.appendChild(cell(f.baseline_n ? value(f, f.baseline_mean) : "—", "n=" + f.baseline_n));
      var diff = el("td", "diff");
      if (f.low !== null && f.high !== null) {
        var unit = f.share ? " pts" : "";
        diff.appendChild(el("span", "num", signed(f, f.ai_mean - f.baseline_mean) + unit));
        diff.appendChild(el("span", "interval", "[" + signed(f, f.low) + ", " + signed(f, f.high) + "]" + unit));
        diff.appendChild(bar(f));
      }
      diff.appendChild(el("span", "judged judged-" + verdict[0], verdict[1]));
      diff.title = "mSPRT " + (f.statistic >= 1e6 ? "> 10⁶" : f.statistic.toFixed(1)) +
        " (a clear drop at " + f.threshold.toFixed(0) + ")";
      row.appendChild(diff);
      body.appendChild(row);
    });
    table.appendChild(body);
    return table;
  }

  function cell(main, sub) {
    var td = el("td", "num");
    td.appendChild(el("span", null, main));
    td.appendChild(el("span", "n", sub));
    return td;
  }

  function impactBlock(t, e) {
    var i = e.impact;
    var box = el("div", "impact " + (i.step === null ? "" : i.people_can_take_it ? "impact-ok" : "impact-short"));
    if (i.step === null) {
      box.appendChild(el("span", null, "People answer this topic already: stepping back adds no work."));
      return box;
    }
    if (!e.ai) {
      box.appendChild(el("span", null, "No AI conversations in this step: stepping back (to " + i.step +
        ") adds no work now; " + i.agents_online + " agent" + (i.agents_online === 1 ? "" : "s") + " online."));
      return box;
    }
    box.appendChild(el("strong", null, "If it steps back (to " + i.step + "): "));
    var needed = i.agents_needed_after === null ? "more agents than can be planned" :
      i.agents_needed_after + " agent" + (i.agents_needed_after === 1 ? "" : "s") +
      (i.extra_agents ? " (" + (i.extra_agents > 0 ? "+" : "") + i.extra_agents + ")" : "");
    box.appendChild(document.createTextNode(
      "+" + i.extra_per_hour.toFixed(1) + " conversations an hour for people (now " +
      i.queue_per_hour.toFixed(1) + "); " + needed + " needed for " + i.target + "; " +
      i.agents_online + " agent" + (i.agents_online === 1 ? "" : "s") + " online now."));
    if (!i.people_can_take_it) box.appendChild(el("span", "short", " Not enough people online for that now."));
    return box;
  }

  function suggestion(t, e) {
    var box = el("div", "suggest");
    box.appendChild(el("span", null, "Suggested: "));
    box.appendChild(el("strong", null, describe(e.suggested_mode, e.suggested_percent)));
    box.appendChild(document.createTextNode(" — " + e.suggestion.replace(/^[^:]*: /, "")));
    var take = el("button", "btn btn-primary", "Take this step");
    take.type = "button";
    take.setAttribute("aria-label", "Take the suggested step for " + t.label);
    take.addEventListener("click", function () {
      var body = { mode: e.suggested_mode, note: "suggested by the evaluation: " + e.suggestion };
      if (e.suggested_mode === "pilot") body.percent = e.suggested_percent;
      change(t, body);
    });
    box.appendChild(take);
    return box;
  }

  function change(t, body) {
    return api("PUT", "/topics/" + encodeURIComponent(t.topic), body).then(
      function (topics) {
        say(t.label + ": " + describe(body.mode, body.percent), true);
        return refresh(topics);
      },
      failed);
  }

  function failed(err) {
    say(err.message, false);
  }

  function form(t) {
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
    var note = el("input", "rollout-note");
    note.maxLength = 500;
    note.placeholder = "Why (for the history)";
    note.setAttribute("aria-label", "Why, for " + t.label);
    var apply = el("button", "btn", "Apply");
    apply.type = "button";
    apply.addEventListener("click", function () {
      var body = { mode: select.value, note: note.value.trim() };
      if (select.value === "pilot") body.percent = percent.value === "" ? null : Number(percent.value);
      change(t, body);
    });
    box.appendChild(select);
    box.appendChild(percent);
    box.appendChild(note);
    box.appendChild(apply);
    if (t.mode !== "off") {
      var off = el("button", "btn btn-danger", "Off");
      off.type = "button";
      off.setAttribute("aria-label", "Turn the AI off for " + t.label);
      off.addEventListener("click", function () {
        api("POST", "/kill", { topic: t.topic, note: note.value.trim() }).then(function (topics) {
          say(t.label + ": off", true);
          return refresh(topics);
        }, failed);
      });
      box.appendChild(off);
    }
    return box;
  }

  function card(t) {
    var e = evaluated[t.topic];
    var article = el("article", "topic-card mode-card-" + t.mode);
    article.id = "topic-" + t.topic;
    var head = el("header", "topic-head");
    head.appendChild(el("h3", null, t.label));
    head.appendChild(el("span", "mode mode-" + t.mode, describe(t.mode, t.percent)));
    if (e && e.verdict !== "hold") head.appendChild(el("span", "verdict verdict-back", e.verdict));
    article.appendChild(head);
    if (e) {
      article.appendChild(el("p", "sample",
        "Since " + when(e.since) + ": AI " + e.ai + " conversation" + (e.ai === 1 ? "" : "s") +
        " · people " + e.people));
      if (e.ai || e.people) article.appendChild(metricsTable(e));
      if (e.suggestion && e.suggested_mode) article.appendChild(suggestion(t, e));
      article.appendChild(impactBlock(t, e));
    }
    var last = latest[t.topic];
    if (last) article.appendChild(el("p", "last", "Last change " + when(last.changed_at) + " by " + who(last) + ": " + why(last)));
    article.appendChild(form(t));
    return article;
  }

  /* An automatic step back says which metrics; its numbers are in the history. */
  function why(c) {
    var dropped = c.evidence.filter(function (f) { return f.drop; }).map(function (f) { return f.metric; });
    if (!c.automatic || !dropped.length) return c.note;
    return "stepped back, clearly worse on " + dropped.join(", ") + " (numbers in the history)";
  }

  function who(c) {
    if (c.automatic) return "the guardrail (automatic)";
    return c.changed_by_name || (c.changed_by ? "a lead" : "the system");
  }

  function renderTopics(topics) {
    var cards = $("topics");
    cards.textContent = "";
    topics.forEach(function (t) { cards.appendChild(card(t)); });
  }

  function evidence(c) {
    var list = el("ul", "evidence");
    c.evidence.forEach(function (f) {
      var share = f.metric !== "csat";
      var fmt = function (x) { return share ? (x * 100).toFixed(1) + "%" : x.toFixed(2); };
      var li = el("li", f.drop ? "drop" : null,
        f.metric + ": AI " + fmt(f.ai_mean) + " (n=" + f.ai_n + ") vs people " + fmt(f.baseline_mean) +
        " (n=" + f.baseline_n + ")" + interval(f) + "; mSPRT " + (f.statistic >= 1e6 ? "> 10⁶" : f.statistic.toFixed(1)) +
        (f.drop ? " ≥ " : " < ") + f.threshold.toFixed(0));
      list.appendChild(li);
    });
    return list;
  }

  function interval(f) {
    if (f.low === null || f.high === null) return "";
    var share = f.metric !== "csat";
    var fmt = function (x) { return (x > 0 ? "+" : "") + (share ? (x * 100).toFixed(1) : x.toFixed(2)); };
    return ", AI − people in [" + fmt(f.low) + ", " + fmt(f.high) + "]" + (share ? " pts" : "");
  }

  function renderHistory(changes) {
    var list = $("history");
    list.textContent = "";
    latest = {};
    if (!changes.length) list.appendChild(el("li", "hint", "No change yet."));
    changes.forEach(function (c) {
      if (!latest[c.topic]) latest[c.topic] = c;
      var li = el("li", c.automatic ? "automatic" : null);
      var meta = el("span", "when", when(c.changed_at) + " · " + who(c));
      if (c.automatic) meta.appendChild(el("span", "tag", "automatic"));
      li.appendChild(meta);
      li.appendChild(el("strong", null, c.topic + ": "));
      li.appendChild(document.createTextNode(
        describe(c.previous_mode, c.previous_percent) + " → " + describe(c.mode, c.percent) + " — " + c.note));
      if (c.evidence.length) li.appendChild(evidence(c));
      list.appendChild(li);
    });
  }

  /* Modes, then the evaluation and the history behind them; the cards show all three. */
  function refresh(topics) {
    return Promise.all([
      topics ? Promise.resolve(topics) : api("GET", "/topics"),
      api("GET", "/evaluation").catch(function () { return []; }),
      api("GET", "/history"),
    ]).then(function (got) {
      evaluated = {};
      got[1].forEach(function (r) { evaluated[r.topic] = r; });
      renderHistory(got[2]);
      renderTopics(got[0]);
      $("rollout-view").hidden = false;
    });
  }

  $("kill-all").addEventListener("click", function () {
    api("POST", "/kill", { note: $("kill-note").value.trim() }).then(function (topics) {
      say("The AI is off for every topic.", true);
      $("kill-note").value = "";
      return refresh(topics);
    }, failed);
  });

  if (!token) {
    $("page-error").textContent = "Sign in on the console first.";
    $("page-error").hidden = false;
    return;
  }
  refresh(null).catch(function (err) {
    $("page-error").textContent = err.status === 403 ? "Only support leads can change the roll-out." : err.message;
    $("page-error").hidden = false;
  });
})();
