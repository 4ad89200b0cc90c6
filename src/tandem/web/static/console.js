/* Tandem agent console: login, queue, my conversations, several open conversations in tabs,
 * live alerts, keyboard shortcuts, the suggested reply, macros, notes and transfers.
 * Vanilla JS, no build step. Every piece of text from the server goes through textContent. */
(function () {
  "use strict";

  var script = document.currentScript;
  var BASE = new URL("../", script.src).href; // the app root, whatever prefix it is served on
  var API = BASE + "api/v1/agent";
  var TOKEN_KEY = "tandem.agent.token";
  var LISTS_MS = 2000;
  var HEARTBEAT_MS = 20000; // well inside TANDEM_AWAY_AFTER_SECONDS (default 120 s)
  var MESSAGES_MS = 1000;

  var session = { token: sessionStorage.getItem(TOKEN_KEY) || "", agent: null };
  var open = null; // the active tab: {id, state, detail, lastOffset, seen, draft, suggestion}
  var tabs = []; // every open conversation, in the order they were opened
  var MAX_TABS = 9;
  var ALERTS_KEY = "tandem.console.alerts";
  var alertsOn = localStorage.getItem(ALERTS_KEY) !== "off";
  var known = null; // what the lists held last time: {mine: {id: messages}, queue: {id: true}}
  var listsTimer = null;
  var messagesTimer = null;
  var clockTimer = null;
  var heartbeatTimer = null;
  var listsFetchedAt = 0;
  // What the server says about itself (GET /settings): drafts on or off, and the one time zone
  // every time is shown in: the shop's, the zone the customer's promises were made in.
  var desk = { drafts: false, draftsReason: "", zone: undefined };

  function $(id) {
    return document.getElementById(id);
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  // ---- API ---------------------------------------------------------------------------------

  // One shared client (static/api.js); a 401 outside the login signs the agent out.
  var api = TandemApi.client(API, {
    token: function () { return session.token; },
    unauthorized: function (path) { if (path !== "/login") signedOut(); },
    offline: function () { return "Cannot reach the server."; },
  });

  function showError(node, message) {
    node.textContent = message || "";
    node.hidden = !message;
  }

  // ---- login -------------------------------------------------------------------------------

  function signedOut() {
    session.token = "";
    session.agent = null;
    sessionStorage.removeItem(TOKEN_KEY);
    clearInterval(listsTimer);
    clearInterval(messagesTimer);
    clearInterval(clockTimer);
    clearInterval(heartbeatTimer);
    open = null;
    tabs = [];
    known = null;
    renderTabs();
    $("desk-view").hidden = true;
    $("who").hidden = true;
    $("login-view").hidden = false;
    $("login-email").focus();
  }

  function signedIn(agent) {
    session.agent = agent;
    $("agent-name").textContent = agent.name + (agent.role ? " · " + agent.role : "");
    $("policy-link").hidden = agent.role !== "lead";
    $("agents-link").hidden = agent.role !== "lead";
    $("macros-open").hidden = agent.role !== "lead";
    $("dashboard-link").hidden = agent.role !== "lead";
    $("rollout-link").hidden = agent.role !== "lead";
    $("capacity-link").hidden = agent.role !== "lead";
    $("who").hidden = false;
    $("login-view").hidden = true;
    $("desk-view").hidden = false;
    loadSettings();
    refreshLists();
    listsTimer = setInterval(refreshLists, LISTS_MS);
    clockTimer = setInterval(tickWaits, 1000);
    openLinked();
    api("GET", "/status").then(showStatus, function () {});
    heartbeatTimer = setInterval(beat, HEARTBEAT_MS);
  }

  // A link to one conversation (the dashboard's lists): console#conversation=<id>.
  function openLinked() {
    var match = /^#conversation=([\w-]{1,64})$/.exec(location.hash);
    if (match) select(decodeURIComponent(match[1]));
  }
  window.addEventListener("hashchange", function () {
    if (session.agent) openLinked();
  });

  // ---- status: online / away / offline, and the heartbeat that keeps "online" true ------------

  function showStatus(data) {
    var picker = $("status");
    picker.value = data.status;
    picker.className = "status-" + data.status;
  }

  function beat() {
    api("POST", "/heartbeat", {}).then(showStatus, function () {});
  }

  $("status").addEventListener("change", function () {
    api("PUT", "/status", { status: $("status").value }).then(function (data) {
      showStatus(data);
      refreshLists();
    }, function () {
      api("GET", "/status").then(showStatus, function () {});
    });
  });

  $("login-form").addEventListener("submit", function (e) {
    e.preventDefault();
    var error = $("login-error");
    showError(error, "");
    api("POST", "/login", {
      email: $("login-email").value.trim(),
      password: $("login-password").value,
    }).then(
      function (data) {
        session.token = data.token;
        sessionStorage.setItem(TOKEN_KEY, data.token);
        $("login-password").value = "";
        signedIn(data.agent);
      },
      function (err) {
        showError(error, err.message);
      }
    );
  });

  $("logout").addEventListener("click", function () {
    api("POST", "/logout", {}).catch(function () {}).then(signedOut);
  });

  function loadSettings() {
    api("GET", "/settings").then(function (s) {
      desk.drafts = !!s.drafts_available;
      desk.draftsReason = s.drafts_unavailable_reason || "";
      desk.zone = s.timezone || undefined;
      desk.teams = s.teams || [];
      var zone = $("zone");
      zone.textContent = "Times: " + zoneLabel(new Date());
      zone.title = "Every time here is in the shop's time zone, " + (desk.zone || "") +
        ", the one customers are promised answers in.";
      zone.hidden = !desk.zone;
      refreshLists();
      if (open && open.detail) renderDetail(open.detail);
    }, function () {});
  }

  // ---- times: all in the shop's zone, named --------------------------------------------------

  function zoneLabel(date) {
    var city = desk.zone ? desk.zone.split("/").pop().replace(/_/g, " ") : "";
    return city ? city + " (" + zoneShort(date) + ")" : zoneShort(date);
  }

  function zoneShort(date) {
    var parts = new Intl.DateTimeFormat("en-GB", { timeZone: desk.zone, timeZoneName: "short" })
      .formatToParts(date);
    for (var i = 0; i < parts.length; i++) if (parts[i].type === "timeZoneName") return parts[i].value;
    return "";
  }

  function formatMoment(iso) {
    var d = new Date(iso);
    if (isNaN(d.getTime())) return "";
    return d.toLocaleString("en-GB", {
      timeZone: desk.zone, weekday: "short", day: "numeric", month: "short",
      hour: "2-digit", minute: "2-digit", hour12: false,
    }) + " " + zoneShort(d);
  }

  // ---- queue and my conversations ----------------------------------------------------------

  function formatWait(seconds) {
    seconds = Math.max(0, Math.floor(seconds));
    if (seconds < 60) return seconds + "s";
    var minutes = Math.floor(seconds / 60);
    if (minutes < 60) return minutes + "m " + String(seconds % 60).padStart(2, "0") + "s";
    return Math.floor(minutes / 60) + "h " + String(minutes % 60).padStart(2, "0") + "m";
  }

  function tickWaits() {
    var elapsed = (Date.now() - listsFetchedAt) / 1000;
    var waits = document.querySelectorAll(".wait[data-seconds]");
    for (var i = 0; i < waits.length; i++) {
      waits[i].textContent = formatWait(Number(waits[i].getAttribute("data-seconds")) + elapsed);
    }
    var clocks = document.querySelectorAll(".sla[data-left]");
    for (var j = 0; j < clocks.length; j++) {
      clocks[j].textContent = slaText(Number(clocks[j].getAttribute("data-left")) - elapsed);
    }
  }

  // The running SLA clock (first or next response): time left, or how far past the target.
  // Counted in office hours on the server; between refreshes it counts on in wall time.
  function slaText(left) {
    return left >= 0 ? "SLA " + formatWait(left) + " left" : "SLA breached " + formatWait(-left);
  }

  function slaBadge(clock) {
    var left = clock.target_seconds - clock.elapsed_seconds;
    var badge = el("span", "badge sla sla-" + clock.state, slaText(left));
    badge.setAttribute("data-left", left);
    badge.title = (clock.kind === "first_response" ? "First response" : "Next response") +
      " target " + formatWait(clock.target_seconds) +
      (clock.deadline ? ", due " + formatMoment(clock.deadline) : "");
    return badge;
  }

  function label(code) {
    return code ? String(code).replace(/_/g, " ") : "";
  }

  function renderList(listId, emptyId, countId, items, showWait) {
    var list = $(listId);
    var focusedId = document.activeElement && document.activeElement.getAttribute("data-id");
    var focusedHere = focusedId && list.contains(document.activeElement);
    list.textContent = "";
    items.forEach(function (item) {
      var li = el("li");
      var b = el("button", "conv-item");
      b.type = "button";
      b.setAttribute("data-id", item.id);
      if (open && open.id === item.id) b.setAttribute("aria-current", "true");

      var top = el("span", "conv-top");
      if (item.priority !== null && item.priority !== undefined && item.priority !== "") {
        top.appendChild(el("span", "badge prio prio-" + String(item.priority).toLowerCase(), item.priority));
      }
      top.appendChild(el("span", "reason", label(item.reason) || label(item.state)));
      if (showWait && typeof item.waiting_seconds === "number") {
        var wait = el("span", "wait", formatWait(item.waiting_seconds));
        wait.setAttribute("data-seconds", item.waiting_seconds);
        wait.title = "Waiting time";
        top.appendChild(wait);
      }
      if (item.sla) {
        top.appendChild(slaBadge(item.sla));
        if (item.sla.state !== "running") b.classList.add("sla-" + item.sla.state);
      }
      b.appendChild(top);

      var mid = el("span", "conv-mid");
      mid.appendChild(el("span", "customer", item.customer_name || "Guest"));
      if (item.language) mid.appendChild(el("span", "badge lang", String(item.language).toUpperCase()));
      if (item.team) {
        var teamBadge = el("span", "badge team", item.team);
        teamBadge.title = "Team the policy routed this to";
        mid.appendChild(teamBadge);
      }
      if (item.ticket_promised_by) {
        var ticket = el("span", "badge ticket", "ticket · answer by " + formatMoment(item.ticket_promised_by));
        ticket.title = "The customer was promised an answer by then (the same time, in the same zone, as in their chat)";
        mid.appendChild(ticket);
      }
      b.appendChild(mid);
      if (item.summary) b.appendChild(el("span", "summary", item.summary));

      b.addEventListener("click", function () {
        select(item.id, item.customer_name);
      });
      li.appendChild(b);
      list.appendChild(li);
      if (focusedHere && focusedId === item.id) b.focus();
    });
    $(emptyId).hidden = items.length > 0;
    $(countId).textContent = items.length;
  }

  var listsBusy = false;
  function refreshLists() {
    if (listsBusy || !session.token) return;
    listsBusy = true;
    Promise.all([api("GET", "/queue"), api("GET", "/conversations")]).then(
      function (results) {
        listsBusy = false;
        listsFetchedAt = Date.now();
        var queued = results[0].conversations || [];
        var owned = results[1].conversations || [];
        renderList("queue-list", "queue-empty", "queue-count", queued, true);
        renderList("mine-list", "mine-empty", "mine-count", owned, false);
        noticeChanges(queued, owned);
      },
      function () {
        listsBusy = false;
      }
    );
  }

  // ---- live alerts: a sound and a browser notification, which the agent can turn off ----------

  function noticeChanges(queued, owned) {
    var now = { mine: {}, queue: {} };
    owned.forEach(function (c) { now.mine[c.id] = c.messages || 0; });
    queued.forEach(function (c) { now.queue[c.id] = true; });
    if (known) {
      owned.forEach(function (c) {
        var who = c.customer_name || "a guest";
        if (!(c.id in known.mine)) {
          if (!(open && open.id === c.id)) alert_("New conversation for you", who + ": " + label(c.reason));
        }
        else if ((c.messages || 0) > known.mine[c.id]) markUnread(c.id, who);
      });
      queued.forEach(function (c) {
        if (!known.queue[c.id] && !(c.id in known.mine)) {
          alert_("Someone is waiting", (c.customer_name || "A guest") + ": " + label(c.reason));
        }
      });
    }
    known = now;
  }

  function markUnread(id, who) {
    var tab = findTab(id);
    if (open && open.id === id && !document.hidden) return; // the agent sees it already
    if (tab) tab.unread = true;
    renderTabs();
    alert_("New message", who + " wrote");
  }

  function alert_(title, body) {
    if (!alertsOn) return;
    beep();
    if (document.hidden && "Notification" in window && Notification.permission === "granted") {
      try { new Notification(title, { body: body, tag: "tandem-desk" }); } catch (e) { /* ignore */ }
    }
  }

  var audio = null;
  function beep() {
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      var tone = audio.createOscillator();
      var gain = audio.createGain();
      tone.frequency.value = 880;
      gain.gain.setValueAtTime(0.08, audio.currentTime);
      gain.gain.exponentialRampToValueAtTime(0.0001, audio.currentTime + 0.25);
      tone.connect(gain);
      gain.connect(audio.destination);
      tone.start();
      tone.stop(audio.currentTime + 0.25);
    } catch (e) { /* no sound in this browser */ }
  }

  function showAlerts() {
    var button = $("alerts");
    button.textContent = alertsOn ? "Alerts on" : "Alerts off";
    button.title = alertsOn
      ? "A sound and a browser notification for new conversations and messages (click to turn off)"
      : "No sound, no notifications (click to turn on)";
    button.setAttribute("aria-pressed", alertsOn ? "true" : "false");
  }
  $("alerts").addEventListener("click", function () {
    alertsOn = !alertsOn;
    localStorage.setItem(ALERTS_KEY, alertsOn ? "on" : "off");
    if (alertsOn && "Notification" in window && Notification.permission === "default") {
      Notification.requestPermission();
    }
    showAlerts();
  });
  showAlerts();

  // ---- tabs: several conversations open at once ------------------------------------------------

  function findTab(id) {
    for (var i = 0; i < tabs.length; i++) if (tabs[i].id === id) return tabs[i];
    return null;
  }

  function renderTabs() {
    var bar = $("tabs");
    bar.textContent = "";
    bar.hidden = tabs.length === 0;
    tabs.forEach(function (tab, i) {
      var wrap = el("span", "tab" + (open && open.id === tab.id ? " tab-active" : "") + (tab.unread ? " tab-unread" : ""));
      var b = el("button", "tab-open", (i < 9 ? i + 1 + " · " : "") + (tab.customerName || "Guest"));
      b.type = "button";
      b.setAttribute("role", "tab");
      b.setAttribute("aria-selected", open && open.id === tab.id ? "true" : "false");
      b.title = "Alt+" + (i + 1);
      b.addEventListener("click", function () { select(tab.id); });
      var x = el("button", "tab-close", "×");
      x.type = "button";
      x.setAttribute("aria-label", "Close tab " + (tab.customerName || "Guest"));
      x.addEventListener("click", function () { closeTab(tab.id); });
      wrap.appendChild(b);
      wrap.appendChild(x);
      bar.appendChild(wrap);
    });
  }

  function closeTab(id) {
    var at = tabs.indexOf(findTab(id));
    if (at < 0) return;
    tabs.splice(at, 1);
    if (open && open.id === id) {
      open = null;
      clearInterval(messagesTimer);
      var next = tabs[Math.min(at, tabs.length - 1)];
      if (next) select(next.id);
      else {
        $("conversation").hidden = true;
        $("placeholder").hidden = false;
      }
    }
    renderTabs();
  }

  // ---- the open conversation ---------------------------------------------------------------

  function select(id, customerName) {
    clearInterval(messagesTimer);
    showError($("conv-error"), "");
    showError($("conv-info"), "");
    if (open) open.draft = $("reply-text").value;
    var tab = findTab(id);
    if (!tab) {
      tab = { id: id, state: null, lastOffset: 0, seen: {}, customerName: customerName || "", draft: "" };
      tabs.push(tab);
      if (tabs.length > MAX_TABS) tabs.splice(tabs[0] === open ? 1 : 0, 1);
    }
    tab.unread = false;
    open = tab;
    open.lastOffset = 0;
    open.seen = {};
    $("customer-typing").hidden = true;
    $("reply-text").value = open.draft || "";
    $("handon-form").hidden = true;
    renderTabs();
    var items = document.querySelectorAll(".conv-item");
    for (var i = 0; i < items.length; i++) {
      if (items[i].getAttribute("data-id") === id) items[i].setAttribute("aria-current", "true");
      else items[i].removeAttribute("aria-current");
    }
    loadDetail(id).then(function () {
      messagesTimer = setInterval(pollMessages, MESSAGES_MS);
    });
  }

  function loadDetail(id) {
    return api("GET", "/conversations/" + encodeURIComponent(id)).then(
      function (detail) {
        if (!open || open.id !== id) return;
        renderDetail(detail);
      },
      function (err) {
        showError($("conv-error"), err.message);
      }
    );
  }

  function renderDetail(detail) {
    open.state = detail.state;
    open.detail = detail;
    open.lastOffset = 0;
    open.seen = {};
    $("customer-typing").hidden = true;
    $("placeholder").hidden = true;
    $("conversation").hidden = false;

    var customer = detail.card && detail.card.customer;
    var name = (customer && (customer.name || customer.email)) || open.customerName || "Guest";
    $("conv-title").textContent = name;
    if (open.customerName !== name) {
      open.customerName = name;
      renderTabs();
    }
    var sub = ["state: " + detail.state];
    if (detail.language) sub.push(String(detail.language).toUpperCase());
    if (detail.agent) sub.push("agent: " + detail.agent.name);
    $("conv-sub").textContent = sub.join(" · ");

    renderCard(detail.card);
    renderTimeline(detail.messages || [], detail.events || []);
    renderActions();
    shadow("render", detail);
    loadSide(detail.id);
  }

  // ---- beside the chat: earlier conversations; below it: the suggestion; macros -----------------

  function loadSide(id) {
    var base = "/conversations/" + encodeURIComponent(id);
    api("GET", base + "/earlier").then(function (data) {
      if (!open || open.id !== id) return;
      var list = $("earlier-list");
      list.textContent = "";
      (data.conversations || []).forEach(function (c) {
        var li = el("li");
        var b = el("button", "earlier-item");
        b.type = "button";
        b.appendChild(el("span", "earlier-when", formatMoment(c.created_at)));
        b.appendChild(el("span", "badge", c.state));
        b.appendChild(el("span", "earlier-what", c.summary || label(c.reason) || "no hand-over"));
        b.addEventListener("click", function () { select(c.id); });
        li.appendChild(b);
        list.appendChild(li);
      });
      $("earlier-empty").hidden = (data.conversations || []).length > 0;
    }, function () {});
    api("GET", base + "/macros").then(function (data) {
      if (!open || open.id !== id) return;
      var pick = $("macro-pick");
      pick.textContent = "";
      pick.appendChild(el("option", null, (data.macros || []).length ? "Macros…" : "No macros in this language"));
      pick.firstChild.value = "";
      (data.macros || []).forEach(function (m) {
        var option = el("option", null, m.title);
        option.value = m.text;
        pick.appendChild(option);
      });
    }, function () {});
    loadSuggestion(id);
  }

  function loadSuggestion(id) {
    var box = $("suggestion");
    if (!open || (open.state !== "human" && open.state !== "queued")) {
      box.hidden = true;
      return;
    }
    api("GET", "/conversations/" + encodeURIComponent(id) + "/suggestion").then(function (data) {
      if (!open || open.id !== id) return;
      var found = data.suggestion;
      open.suggestion = found;
      box.hidden = !found;
      if (!found) return;
      $("suggestion-text").textContent = found.text || (found.action
        ? "The assistant would " + label(found.action.kind) + " " + (found.action.order_id || "") +
          " and confirm it once done: tick the box below and write the confirmation."
        : "");
      $("suggestion-why").textContent = "what the assistant would say" + (found.flow ? " · " + label(found.flow) : "") + " · " + label(found.outcome);
      $("suggestion-action").hidden = !found.action;
      $("suggestion-perform").checked = false;
      if (found.action) {
        $("suggestion-action-text").textContent = "Also " + label(found.action.kind) + " " + (found.action.order_id || "") + " in the shop when I send this";
      }
      $("suggestion-use").disabled = !(open.state === "human" && mine());
    }, function () { box.hidden = true; });
  }

  function useSuggestion() {
    if (!open || !open.suggestion || $("suggestion-use").disabled) return;
    open.fromSuggestion = open.suggestion;
    $("reply-text").value = open.suggestion.text;
    $("from-suggestion").hidden = false;
    $("reply-text").focus();
  }
  $("suggestion-use").addEventListener("click", useSuggestion);

  $("macro-pick").addEventListener("change", function () {
    var text = this.value;
    this.value = "";
    if (!text) return;
    var box = $("reply-text");
    box.value = box.value ? box.value.replace(/\s*$/, "") + "\n" + text : text;
    box.focus();
  });

  function mine() {
    var d = open && open.detail;
    return !!(d && d.agent && session.agent && d.agent.id === session.agent.id);
  }

  function renderActions() {
    var state = open.state;
    $("take").hidden = state !== "queued";
    $("hand-back").hidden = state !== "human" || !mine();
    $("transfer-open").hidden = state !== "human" || !mine();
    $("note-open").hidden = state === "closed";
    $("suggestion-use").disabled = !(state === "human" && mine());
    var lead = !!(session.agent && session.agent.role === "lead");
    // An agent closes what they own; a lead may close any open conversation.
    $("close").hidden = state === "closed" || !(lead || (state === "human" && mine()));
    var canReply = state === "human" && mine();
    var text = $("reply-text");
    text.disabled = !canReply;
    $("reply-send").disabled = !canReply;
    var draft = $("reply-draft");
    draft.disabled = !canReply || !desk.drafts;
    draft.title = !desk.drafts
      ? desk.draftsReason || "Drafts are not available on this server."
      : canReply ? "Ask the AI for a draft to edit" : "Take the conversation to ask for a draft.";
    $("draft-wrap").title = draft.title; // a disabled button shows no tooltip in every browser
    text.placeholder = canReply
      ? "Reply to the customer… (Enter sends, Shift+Enter for a new line)"
      : state === "queued"
        ? "Take the conversation to reply."
        : state === "human"
          ? "Another agent owns this conversation."
          : "The conversation is " + (state === "ai" ? "with the AI." : "closed.");
  }

  // ---- handoff card --------------------------------------------------------------------------

  function formatValue(v) {
    if (v === null || v === undefined || v === "") return "—";
    if (Array.isArray(v)) return v.map(formatValue).join(", ");
    if (typeof v === "object") {
      return Object.keys(v)
        .map(function (k) {
          return label(k) + ": " + formatValue(v[k]);
        })
        .join("; ");
    }
    if (typeof v === "number" && !Number.isInteger(v)) return v.toFixed(2);
    return String(v);
  }

  function fieldBlock(title, content) {
    var block = el("div", "card-field");
    block.appendChild(el("h3", null, title));
    block.appendChild(content);
    return block;
  }

  function dl(obj) {
    var list = el("dl", "kv");
    Object.keys(obj).forEach(function (k) {
      list.appendChild(el("dt", null, label(k)));
      list.appendChild(el("dd", null, formatValue(obj[k])));
    });
    return list;
  }

  // Frustration in words and a sparkline: 0..1 per customer message, oldest first. The card
  // says the mood (desk/card.py: a short "yes" keeps the mood before it); a score alone (an
  // older card) is worded here with the same steps.
  var MOODS = { angry: "angry", frustrated: "frustrated", tense: "getting frustrated", calm: "calm" };

  function mood(value, level) {
    if (!MOODS[level]) {
      level = value >= 0.8 ? "angry" : value >= 0.6 ? "frustrated" : value >= 0.3 ? "tense" : "calm";
    }
    return { word: MOODS[level], level: level };
  }

  var TRENDS = { rising: "rising", falling: "calming down", steady: "steady" };
  var SVG = "http://www.w3.org/2000/svg";

  function sparkline(series, level) {
    var w = 96, h = 24, pad = 3;
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("class", "spark");
    svg.setAttribute("width", w);
    svg.setAttribute("height", h);
    svg.setAttribute("viewBox", "0 0 " + w + " " + h);
    svg.setAttribute("aria-hidden", "true");
    var step = series.length > 1 ? (w - 2 * pad) / (series.length - 1) : 0;
    var points = series.map(function (v, i) {
      var x = series.length > 1 ? pad + i * step : w / 2;
      var y = h - pad - Math.max(0, Math.min(1, v)) * (h - 2 * pad);
      return [x, y];
    });
    var line = document.createElementNS(SVG, "polyline");
    line.setAttribute("points", points.map(function (p) { return p[0].toFixed(1) + "," + p[1].toFixed(1); }).join(" "));
    line.setAttribute("class", "spark-line");
    svg.appendChild(line);
    var last = points[points.length - 1];
    var dot = document.createElementNS(SVG, "circle");
    dot.setAttribute("cx", last[0].toFixed(1));
    dot.setAttribute("cy", last[1].toFixed(1));
    dot.setAttribute("r", "2.5");
    dot.setAttribute("class", "spark-dot spark-" + level);
    svg.appendChild(dot);
    return svg;
  }

  function frustrationNode(f) {
    var p = el("p", "frustration");
    if (typeof f === "number") f = { last: f, trend: "steady", series: [f] };
    if (!f || typeof f !== "object" || typeof f.last !== "number") {
      p.textContent = formatValue(f);
      return p;
    }
    var m = mood(f.last, f.mood);
    p.appendChild(el("span", "mood mood-" + m.level, m.word));
    var series = Array.isArray(f.series) && f.series.length ? f.series : [f.last];
    if (series.length > 1 && TRENDS[f.trend]) p.appendChild(el("span", "trend trend-" + f.trend, TRENDS[f.trend]));
    p.appendChild(sparkline(series, m.level));
    p.title = "Per customer message, 0 calm to 1 angry: " + series.map(function (v) { return Number(v).toFixed(2); }).join(" → ");
    return p;
  }

  var CARD_KNOWN = ["summary", "reason", "rule", "priority", "customer", "orders", "tried", "frustration", "next_step", "draft"];  // draft: shadow.js

  function renderCard(card) {
    var box = $("card");
    box.textContent = "";
    if (!card) {
      box.hidden = true;
      return;
    }
    box.hidden = false;

    var head = el("div", "card-head");
    head.appendChild(el("h3", "card-title", "Handoff"));
    if (card.priority !== undefined && card.priority !== null) {
      head.appendChild(el("span", "badge prio prio-" + String(card.priority).toLowerCase(), card.priority));
    }
    if (card.reason) head.appendChild(el("span", "badge reason-badge", label(card.reason)));
    if (card.rule) head.appendChild(el("span", "rule", "rule " + card.rule));
    box.appendChild(head);
    if (card.summary) box.appendChild(el("p", "card-summary", card.summary));
    if (card.next_step) {
      var next = el("p", "next-step");
      next.appendChild(el("strong", null, "Suggested next step: "));
      next.appendChild(document.createTextNode(card.next_step));
      box.appendChild(next);
    }

    var grid = el("div", "card-grid");
    if (Array.isArray(card.tried) && card.tried.length) {
      var ul = el("ul");
      card.tried.forEach(function (x) {
        ul.appendChild(el("li", null, formatValue(x)));
      });
      grid.appendChild(fieldBlock("What the AI tried", ul));
    }
    if (card.customer && typeof card.customer === "object") {
      grid.appendChild(fieldBlock("Customer", dl(card.customer)));
    }
    if (card.frustration !== undefined && card.frustration !== null) {
      grid.appendChild(fieldBlock("Frustration", frustrationNode(card.frustration)));
    }
    Object.keys(card).forEach(function (k) {
      if (CARD_KNOWN.indexOf(k) >= 0 || card[k] === null || card[k] === undefined) return;
      var v = card[k];
      grid.appendChild(fieldBlock(label(k), v && typeof v === "object" && !Array.isArray(v) ? dl(v) : el("p", null, formatValue(v))));
    });
    if (grid.childNodes.length) box.appendChild(grid);
    if (Array.isArray(card.orders) && card.orders.length) {
      // Beside the chat the column is narrow: one block per order reads better than a table.
      var orders = el("div", "order-blocks");
      card.orders.forEach(function (o) { orders.appendChild(dl(o || {})); });
      box.appendChild(fieldBlock("Orders", orders));
    }
  }

  // ---- timeline ------------------------------------------------------------------------------

  function formatTime(iso) {
    var d = new Date(iso);
    if (isNaN(d.getTime())) return "";
    return d.toLocaleTimeString("en-GB", {
      timeZone: desk.zone, hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false,
    });
  }

  function timeNode(iso) {
    var node = el("time", "msg-time", formatTime(iso));
    node.setAttribute("datetime", iso);
    node.title = formatMoment(iso);
    return node;
  }

  function who(event, fallback) {
    var d = event.detail || {};
    var agent = event.agent || d.agent;
    return (
      event.agent_name || d.agent_name || (agent && agent.name) || (typeof agent === "string" && agent) ||
      fallback || (event.actor === "agent" ? "an agent" : event.actor) || ""
    );
  }

  function eventText(e, fallbackName) {
    var why = e.reason ? label(e.reason) : "";
    var rule = e.rule ? " (rule " + e.rule + ")" : "";
    switch (e.kind) {
      case "opened":
        return "conversation opened";
      case "handed_off":
        return "handed to a person: " + (e.reason || "") + rule;
      case "taken":
        return (e.reason === "assigned" ? "assigned to " : "taken by ") + who(e, fallbackName);
      case "returned":
        if (e.reason === "transferred") return "transferred by " + who(e) + (e.detail && e.detail.team ? " to " + e.detail.team : "");
        return "back to the queue: " + who(e) + " went " + String(e.reason || "").replace("agent_", "");
      case "handed_back":
        return "handed back to the AI by " + who(e);
      case "closed":
        return "closed by " + who(e) + (why ? ": " + why : "");
      case "rated":
        var score = e.detail && e.detail.score;
        return "rated by the customer" + (score ? ": " + score + "/5" : "");
      case "decided":
        return "decision: " + (e.reason || "") + rule;
      case "note":
        var about = e.detail && e.detail.transfer_to ? " (transfer to " + String(e.detail.transfer_to).replace(/^\w+:/, "") + ")" :
          e.detail && e.detail.handed_back ? " (hand back to the AI)" : "";
        return "internal note by " + who(e) + about + ": " + ((e.detail && e.detail.text) || "");
      case "suggestion_used":
        return who(e) + " sent the suggested reply" + (e.detail && e.detail.edited ? ", edited" : " as is");
      case "draft_used": // shadow mode (shadow.js)
        var use = (e.detail && e.detail.use) || "";
        return who(e) + (use === "discard" ? " discarded the AI's draft" : " sent the AI's draft" + (use === "edit" ? ", edited" : " as is"));
      case "performed":
        var done = e.detail || {};
        return label(done.kind) + " " + (done.order_id || "") + (done.ok ? " done in the shop" : " refused by the shop") + (e.actor === "agent_on_behalf_of_ai" ? " (" + who(e) + "'s click on the AI's draft)" : "");
      case "sla_approaching":
      case "sla_breached":
        return "SLA " + label((e.detail && e.detail.kind) || "") + (e.kind === "sla_breached" ? " breached" : " approaching");
      default:
        return label(e.kind) + (why ? ": " + why : "") + rule;
    }
  }

  function messageNode(m) {
    var li = el("li", "msg msg-" + m.author);
    var meta = el("div", "msg-meta");
    var author =
      m.author === "ai" ? "AI assistant" : m.author === "customer" ? "Customer" : m.author === "system" ? "System" : m.author_name || "Agent";
    meta.appendChild(el("span", "msg-author", author));
    meta.appendChild(timeNode(m.created_at));
    li.appendChild(meta);
    li.appendChild(el("p", "msg-text", m.text));
    return li;
  }

  function eventNode(e, fallbackName) {
    var li = el("li", "event event-" + e.kind);
    li.appendChild(timeNode(e.created_at));
    li.appendChild(el("span", null, eventText(e, fallbackName)));
    return li;
  }

  function renderTimeline(messages, events) {
    var items = [];
    messages.forEach(function (m) {
      items.push({ at: Date.parse(m.created_at) || 0, order: 0, seq: m.offset, node: m, kind: "m" });
    });
    events.forEach(function (e) {
      items.push({ at: Date.parse(e.created_at) || 0, order: 1, seq: e.seq, node: e, kind: "e" });
    });
    items.sort(function (a, b) {
      return a.at - b.at || a.order - b.order || a.seq - b.seq;
    });
    // Events name no agent: the last "taken" is by the current owner, so it gets their name.
    var lastTaken = null;
    events.forEach(function (e) {
      if (e.kind === "taken") lastTaken = e;
    });
    var owner = open.detail && open.detail.agent && open.detail.agent.name;
    var list = $("timeline");
    list.textContent = "";
    items.forEach(function (it) {
      if (it.kind === "m") appendMessage(it.node);
      else list.appendChild(eventNode(it.node, it.node === lastTaken ? owner : ""));
    });
    list.scrollTop = list.scrollHeight;
  }

  function appendMessage(m) {
    if (open.seen[m.id]) return;
    open.seen[m.id] = true;
    if (typeof m.offset === "number" && m.offset > open.lastOffset) open.lastOffset = m.offset;
    var list = $("timeline");
    var nearBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 80;
    list.appendChild(messageNode(m));
    if (nearBottom) list.scrollTop = list.scrollHeight;
  }

  var pollBusy = false;
  function pollMessages() {
    if (!open || pollBusy) return;
    var id = open.id;
    pollBusy = true;
    api("GET", "/conversations/" + encodeURIComponent(id) + "/messages?after=" + open.lastOffset).then(
      function (data) {
        pollBusy = false;
        if (!open || open.id !== id) return;
        var fresh = (data.messages || []).filter(function (m) { return !open.seen[m.id]; });
        fresh.forEach(appendMessage);
        // The server says it while the widget signalled in the last few seconds and the customer
        // has sent nothing since; only to the conversation's owner and leads.
        $("customer-typing").hidden = !data.customer_typing;
        var asked = fresh.some(function (m) { return m.author === "customer"; });
        if (asked && open.lastOffset && data.state === open.state) loadSuggestion(id); // a new question
        if (asked) shadow("asked", id);
        // A change of owner brings new events and a new card: reload the whole detail.
        if (data.state && data.state !== open.state) loadDetail(id);
      },
      function () {
        pollBusy = false;
      }
    );
  }

  // ---- actions -------------------------------------------------------------------------------

  function act(path, button) {
    if (!open) return;
    var id = open.id;
    button.disabled = true;
    showError($("conv-error"), "");
    api("POST", "/conversations/" + encodeURIComponent(id) + path, {}).then(
      function (detail) {
        button.disabled = false;
        if (open && open.id === id) renderDetail(detail);
        refreshLists();
      },
      function (err) {
        button.disabled = false;
        var msg = err.message;
        // not_owner names who took it; any other conflict: it is no longer waiting.
        if (err.status === 409 && path === "/take" && err.code !== "not_owner") {
          msg = "This conversation is no longer waiting: " + msg;
        }
        showError($("conv-error"), msg);
        loadDetail(id);
        refreshLists();
      }
    );
  }

  $("take").addEventListener("click", function () {
    act("/take", this);
  });
  // ---- notes, transfer, hand back: one small form -------------------------------------------

  var handon = null; // "note" | "transfer" | "hand-back"
  var HANDON = {
    note: { title: "Internal note", submit: "Save note", required: true },
    transfer: { title: "Transfer to a team", submit: "Transfer", required: true },
    "hand-back": { title: "Hand back to the AI", submit: "Hand back", required: false },
  };

  function openHandon(kind) {
    if (!open) return;
    handon = kind;
    var form = $("handon-form");
    form.hidden = false;
    $("handon-title").textContent = HANDON[kind].title;
    $("handon-submit").textContent = HANDON[kind].submit;
    var team = $("handon-team");
    team.hidden = $("handon-team-label").hidden = kind !== "transfer";
    if (kind === "transfer") {
      team.textContent = "";
      (desk.teams || []).forEach(function (t) {
        var option = el("option", null, t);
        option.value = t;
        team.appendChild(option);
      });
    }
    $("handon-note").placeholder = kind === "hand-back"
      ? "A note for the record (optional); the customer never sees it."
      : "Only agents see this note; the customer never does.";
    $("handon-note").focus();
  }

  function closeHandon() {
    $("handon-form").hidden = true;
    $("handon-note").value = "";
    handon = null;
  }

  $("note-open").addEventListener("click", function () { openHandon("note"); });
  $("transfer-open").addEventListener("click", function () { openHandon("transfer"); });
  $("hand-back").addEventListener("click", function () { openHandon("hand-back"); });
  $("handon-cancel").addEventListener("click", closeHandon);

  $("handon-form").addEventListener("submit", function (e) {
    e.preventDefault();
    if (!open || !handon) return;
    var id = open.id;
    var note = $("handon-note").value.trim();
    if (HANDON[handon].required && !note) {
      showError($("conv-error"), "Write the note first.");
      return;
    }
    var base = "/conversations/" + encodeURIComponent(id);
    var call = handon === "note"
      ? api("POST", base + "/notes", { text: note })
      : handon === "transfer"
        ? api("POST", base + "/transfer", { team: $("handon-team").value, note: note })
        : api("POST", base + "/hand-back", note ? { note: note } : {});
    showError($("conv-error"), "");
    call.then(function (answer) {
      closeHandon();
      var detail = answer.conversation || answer;
      if (answer.told) showError($("conv-info"), answer.told);
      if (open && open.id === id) renderDetail(detail);
      refreshLists();
    }, function (err) {
      showError($("conv-error"), err.message);
    });
  });
  $("close").addEventListener("click", function () {
    if (window.confirm("Close this conversation?")) act("/close", this);
  });

  function sendReply() {
    if (!open) return;
    var box = $("reply-text");
    var text = box.value.trim();
    if (!text || $("reply-send").disabled) return;
    if (shadow("send", text)) return; // the AI's draft, edited: sent through its own endpoint
    var id = open.id;
    $("reply-send").disabled = true;
    showError($("conv-error"), "");
    var base = "/conversations/" + encodeURIComponent(id);
    var from = open.fromSuggestion;
    var call = from
      ? api("POST", base + "/suggestion", {
          message: from.message, text: text, perform_action: $("suggestion-perform").checked,
        }).then(function (sent) { return sent.messages; })
      : api("POST", base + "/messages", { text: text }).then(function (m) { return [m]; });
    call.then(
      function (messages) {
        $("reply-send").disabled = false;
        if (box.value.trim() === text) box.value = "";
        if (open && open.id === id) {
          open.fromSuggestion = null;
          $("from-suggestion").hidden = true;
          messages.forEach(appendMessage);
          if (from) loadDetail(id); // the suggestion is used: it goes until the customer writes
        }
        box.focus();
      },
      function (err) {
        $("reply-send").disabled = false;
        showError($("conv-error"), err.message); // the reply stays in the box
      }
    );
  }

  // An AI-drafted reply (needs an LLM on the server); it only fills the box, the agent sends.
  $("reply-draft").addEventListener("click", function () {
    if (!open) return;
    var id = open.id;
    var button = this;
    button.disabled = true;
    showError($("conv-error"), "");
    api("POST", "/conversations/" + encodeURIComponent(id) + "/draft").then(
      function (draft) {
        button.disabled = false;
        if (!open || open.id !== id) return;
        if (draft.text) {
          $("reply-text").value = draft.text;
          $("reply-text").focus();
        } else {
          showError($("conv-error"), "No draft: the server has no LLM configured (TANDEM_LLM_URL), or it could not write a grounded one.");
        }
      },
      function (err) {
        button.disabled = false;
        showError($("conv-error"), err.message);
      }
    );
  });

  $("reply-text").addEventListener("input", function () {
    if (open && open.fromSuggestion && !this.value.trim()) {
      open.fromSuggestion = null;
      $("from-suggestion").hidden = true;
    }
  });

  // ---- shadow mode: shadow.js shows the AI's draft; these are the desk's parts it uses ----------

  window.TandemDesk = {
    api: api, el: el, label: label, showError: showError, mine: mine, reload: loadDetail,
    refreshLists: refreshLists, typing: typing, open: function () { return open; },
  };
  function shadow(what, arg) {
    return !!(window.TandemShadow && window.TandemShadow[what](arg));
  }

  // ---- keyboard shortcuts ----------------------------------------------------------------------

  function typing(target) {
    var tag = target && target.tagName;
    return tag === "TEXTAREA" || tag === "INPUT" || tag === "SELECT" || (target && target.isContentEditable);
  }

  function moveInLists(step) {
    var items = Array.prototype.slice.call(document.querySelectorAll(".conv-item"));
    if (!items.length) return;
    var at = -1;
    items.forEach(function (b, i) { if (open && b.getAttribute("data-id") === open.id) at = i; });
    var next = items[Math.max(0, Math.min(items.length - 1, at + step))];
    next.focus();
    next.click();
  }

  function moveInTabs(step) {
    if (!tabs.length) return;
    var at = open ? tabs.indexOf(open) : 0;
    select(tabs[(at + step + tabs.length) % tabs.length].id);
  }

  document.addEventListener("keydown", function (e) {
    if (!session.agent || $("desk-view").hidden) return;
    if (e.key === "Escape") {
      if (!$("handon-form").hidden) closeHandon();
      if (typing(e.target)) e.target.blur();
      return;
    }
    if (e.altKey && /^[1-9]$/.test(e.key)) {
      var tab = tabs[Number(e.key) - 1];
      if (tab) { e.preventDefault(); select(tab.id); }
      return;
    }
    if (typing(e.target) || e.ctrlKey || e.metaKey || e.altKey) return;
    var actions = {
      j: function () { moveInLists(1); },
      k: function () { moveInLists(-1); },
      "]": function () { moveInTabs(1); },
      "[": function () { moveInTabs(-1); },
      x: function () { if (open) closeTab(open.id); },
      t: function () { if (!$("take").hidden) $("take").click(); },
      s: useSuggestion,
      m: function () { $("macro-pick").focus(); },
      r: function () { $("reply-text").focus(); },
      n: function () { if (!$("note-open").hidden) openHandon("note"); },
      "?": function () { $("keys").showModal(); },
    };
    if (actions[e.key]) {
      e.preventDefault();
      actions[e.key]();
    }
  });
  $("keys-open").addEventListener("click", function () { $("keys").showModal(); });

  // ---- macros: a lead maintains the canned replies (POST/PUT/DELETE /api/v1/macros) ------------

  var MACROS = BASE + "api/v1/macros";
  var macroApi = TandemApi.client(MACROS, {
    token: function () { return session.token; },
    unauthorized: signedOut,
    offline: function () { return "Cannot reach the server."; },
  });

  function editMacro(m) {
    $("macro-id").value = m ? m.id : "";
    $("macro-title").value = m ? m.title : "";
    $("macro-language").value = m ? m.language : $("macro-language").getAttribute("data-default");
    $("macro-text").value = m ? m.text : "";
    $("macro-save").textContent = m ? "Save changes" : "Add macro";
    showError($("macro-error"), "");
  }

  function loadMacros() {
    macroApi("GET", "").then(function (data) {
      var list = $("macro-list");
      list.textContent = "";
      (data.macros || []).forEach(function (m) {
        var li = el("li");
        li.appendChild(el("span", "badge lang", m.language.toUpperCase()));
        var title = el("button", "macro-title", m.title);
        title.type = "button";
        title.title = m.text;
        title.addEventListener("click", function () { editMacro(m); });
        li.appendChild(title);
        var remove = el("button", "btn", "Delete");
        remove.type = "button";
        remove.addEventListener("click", function () {
          if (window.confirm("Delete the macro " + m.title + "?")) macroApi("DELETE", "/" + m.id).then(loadMacros);
        });
        li.appendChild(remove);
        list.appendChild(li);
      });
      if (!(data.macros || []).length) list.appendChild(el("li", "empty", "No macros yet."));
    }, function (err) { showError($("macro-error"), err.message); });
  }

  $("macros-open").addEventListener("click", function () {
    editMacro(null);
    loadMacros();
    $("macros").showModal();
  });
  $("macros-close").addEventListener("click", function () { $("macros").close(); });
  $("macro-new").addEventListener("click", function () { editMacro(null); });
  $("macro-form").addEventListener("submit", function (e) {
    e.preventDefault();
    var id = $("macro-id").value;
    var body = { title: $("macro-title").value, language: $("macro-language").value, text: $("macro-text").value };
    macroApi(id ? "PUT" : "POST", id ? "/" + id : "", body).then(function () {
      editMacro(null);
      loadMacros();
      if (open) loadSide(open.id);
    }, function (err) { showError($("macro-error"), err.message); }); // names an unknown placeholder
  });

  $("reply-form").addEventListener("submit", function (e) {
    e.preventDefault();
    sendReply();
  });
  $("reply-text").addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      sendReply();
    }
  });

  // ---- start ---------------------------------------------------------------------------------

  if (session.token) {
    api("GET", "/me").then(
      function (data) {
        signedIn(data.agent || data);
      },
      function () {
        signedOut();
      }
    );
  } else {
    signedOut();
  }
})();
