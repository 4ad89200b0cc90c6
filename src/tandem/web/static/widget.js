/* Tandem chat widget: one <script src=".../widget.js"> tag, no dependencies, no build step.
 *
 * Attributes on the script tag:
 *   data-tandem-email     the signed-in customer's e-mail (optional)
 *   data-tandem-signature the shop server's HMAC-SHA256 of that e-mail (required with it;
 *                         without a valid one the customer is a guest, see docs/widget.md)
 *   data-tandem-language  a language code GET /api/v1/languages lists, e.g. "nl" (optional;
 *                         the server decides when absent)
 *   data-tandem-open      "true" to open the panel at once (optional)
 *
 * Every piece of text from the server is rendered with textContent, never as HTML.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script || window.__tandemWidgetLoaded) return;
  window.__tandemWidgetLoaded = true;

  var BASE = new URL(".", script.src).href; // "http://host/" (or "http://host/prefix/")
  var API = BASE + "api/v1/conversations";
  var STORE_KEY = "tandem.conversation:" + BASE;
  var OPEN_KEY = "tandem.open:" + BASE;
  var POLL_MS = 2000;
  var STREAM_RETRY_MS = 15000;
  var SEND_RETRY_MS = [1000, 3000]; // a send that failed on the way is tried again after these

  // Every language's labels and the shop's language, from the data folders
  // (locales/<code>.yaml): the server puts them in front of this script when it serves
  // /widget.js, so a new language needs no change here and nothing is fetched for it.
  var LANGUAGES = window.__tandemLanguages || { default: "", labels: {} };
  var LABELS = LANGUAGES.labels;

  var config = {
    email: script.getAttribute("data-tandem-email") || "",
    signature: script.getAttribute("data-tandem-signature") || "",
    language: script.getAttribute("data-tandem-language") || "",
    open: script.getAttribute("data-tandem-open") === "true",
  };

  // ---- state -------------------------------------------------------------------------------

  var conv = null; // {id, token, language}
  var state = null; // "ai" | "queued" | "human" | "closed"
  // The server's change counter of the state shown: an answer or event read before a later
  // change (a POST answered after the stream told of the assignment) must not undo it.
  var stateVersion = -1;
  var waiting = null; // while queued: {kind: "queue"|"ticket", expected_wait_minutes, promised_by}
  var agentName = "";
  var lastOffset = 0;
  var seen = {}; // message id -> true
  var stream = null;
  var pollTimer = null;
  var retryTimer = null;
  var starting = null; // Promise while a conversation is being created or resumed
  var generation = 0; // bumped when a conversation is replaced; stale callbacks check it

  function lang() {
    var l = (conv && conv.language) || config.language || document.documentElement.lang || "";
    l = String(l).toLowerCase();
    if (LABELS[l]) return l;
    l = l.split("-")[0]; // "de-AT" -> "de"
    return LABELS[l] ? l : LANGUAGES.default;
  }

  function t(key, vars) {
    var s = (LABELS[lang()] || {})[key];
    if (s === undefined) s = key; // never "undefined" on the page
    Object.keys(vars || {}).forEach(function (k) {
      s = s.split("{" + k + "}").join(String(vars[k]));
    });
    return s;
  }

  // ---- storage -----------------------------------------------------------------------------

  function load(key) {
    try {
      return JSON.parse(window.localStorage.getItem(key) || "null");
    } catch (e) {
      return null;
    }
  }

  function save(key, value) {
    try {
      if (value === null) window.localStorage.removeItem(key);
      else window.localStorage.setItem(key, JSON.stringify(value));
    } catch (e) {
      /* storage disabled (private mode): the chat still works for this page view */
    }
  }

  // ---- DOM helpers -------------------------------------------------------------------------

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function button(className, text, onClick) {
    var b = el("button", className, text);
    b.type = "button";
    if (onClick) b.addEventListener("click", onClick);
    return b;
  }

  // ---- build the widget --------------------------------------------------------------------

  var host = el("div");
  host.id = "tandem-widget";
  host.style.display = "none"; // shown once the stylesheet has loaded (no unstyled flash)
  var root = host.attachShadow ? host.attachShadow({ mode: "open" }) : host;

  var css = el("link");
  css.rel = "stylesheet";
  css.href = BASE + "static/widget.css";
  function reveal() {
    host.style.display = "";
  }
  css.addEventListener("load", reveal);
  css.addEventListener("error", reveal);
  root.appendChild(css);

  var launcher = button("tw-launcher", "");
  launcher.setAttribute("aria-expanded", "false");
  launcher.setAttribute("aria-controls", "tandem-panel");
  var launcherIcon = el("span", "tw-launcher-icon");
  launcherIcon.setAttribute("aria-hidden", "true");
  var launcherText = el("span", "tw-launcher-text");
  launcher.appendChild(launcherIcon);
  launcher.appendChild(launcherText);

  var panel = el("section", "tw-panel");
  panel.id = "tandem-panel";
  panel.hidden = true;

  var header = el("header", "tw-header");
  var titleBox = el("div", "tw-titles");
  var titleEl = el("h2", "tw-title");
  var stateEl = el("p", "tw-state");
  stateEl.setAttribute("aria-live", "polite");
  titleBox.appendChild(titleEl);
  titleBox.appendChild(stateEl);
  // While queued: the customer's place and the measured wait (GET /conversations/{id}).
  var placeEl = el("p", "tw-place");
  placeEl.setAttribute("aria-live", "polite");
  placeEl.hidden = true;
  titleBox.appendChild(placeEl);
  var placeTimer = null;
  var PLACE_MS = 10000;
  var closeBtn = button("tw-close", "×", function () {
    setOpen(false);
  });
  header.appendChild(titleBox);
  header.appendChild(closeBtn);

  var humanBar = el("div", "tw-humanbar");
  var humanBtn = button("tw-human", "", function () {
    sendText(t("humanText"), false, true);
  });
  humanBar.appendChild(humanBtn);
  // "End chat": the customer closes the conversation; the rating follows.
  var endBtn = button("tw-end", "", function () {
    if (!conv || state === "closed") return;
    endBtn.disabled = true;
    api("POST", "/" + encodeURIComponent(conv.id) + "/close").then(
      function (body) {
        endBtn.disabled = false;
        clearError();
        setState(body.state);
      },
      function (err) {
        endBtn.disabled = false;
        showError(err.message);
      }
    );
  });
  humanBar.appendChild(endBtn);

  var log = el("div", "tw-log");
  log.setAttribute("role", "log");
  log.setAttribute("aria-live", "polite");
  log.setAttribute("aria-relevant", "additions");
  var disclosure = el("p", "tw-disclosure");
  log.appendChild(disclosure);

  var typing = el("p", "tw-typing");
  typing.hidden = true;
  log.appendChild(typing);

  var errorEl = el("p", "tw-error");
  errorEl.setAttribute("role", "alert");
  errorEl.hidden = true;

  var form = el("form", "tw-form");
  var inputLabel = el("label", "tw-visually-hidden");
  inputLabel.htmlFor = "tandem-input";
  var input = el("textarea", "tw-input");
  input.id = "tandem-input";
  input.rows = 1;
  var sendBtn = el("button", "tw-send");
  sendBtn.type = "submit";
  form.appendChild(inputLabel);
  form.appendChild(input);
  form.appendChild(sendBtn);

  var ratingBox = el("div", "tw-rating");
  ratingBox.hidden = true;

  panel.appendChild(header);
  panel.appendChild(humanBar);
  panel.appendChild(log);
  panel.appendChild(errorEl);
  panel.appendChild(form);
  panel.appendChild(ratingBox);
  root.appendChild(panel);
  root.appendChild(launcher);

  function applyLabels() {
    panel.setAttribute("aria-label", t("title"));
    panel.setAttribute("lang", lang());
    launcherText.textContent = t("launcher");
    closeBtn.setAttribute("aria-label", t("close"));
    titleEl.textContent = t("title");
    humanBtn.textContent = t("human");
    endBtn.textContent = t("endChat");
    disclosure.textContent = t("disclosure");
    inputLabel.textContent = t("inputLabel");
    input.placeholder = t("placeholder");
    sendBtn.textContent = t("send");
    renderState();
  }

  // ---- rendering ---------------------------------------------------------------------------

  function renderState() {
    var text;
    if (!state) text = t("starting");
    else if (state === "ai") text = t("stateAi");
    else if (state === "queued") text = waitingText(); else if (state === "human") text = t("stateHuman", { name: agentName || t("aPerson") });
    else text = t("stateClosed");
    if (stateEl.textContent !== text) stateEl.textContent = text;
    panel.setAttribute("data-state", state || "starting");

    var closed = state === "closed";
    form.hidden = closed;
    humanBar.hidden = closed;
    // With a person, or waiting for one (the header says when), the person button has nothing
    // to do; "End chat" stays.
    humanBtn.hidden = state === "queued" || state === "human";
    humanBtn.disabled = !state;
    endBtn.disabled = !conv;
    if (closed && ratingBox.hidden) showRating();
    if (!closed) ratingBox.hidden = true;
    followPlace();
  }

  // ---- the place in the queue ----------------------------------------------------------------

  function followPlace() {
    var queued = state === "queued" && conv;
    if (!queued) {
      clearInterval(placeTimer);
      placeTimer = null;
      placeEl.hidden = true;
      return;
    }
    if (placeTimer) return;
    readPlace();
    placeTimer = setInterval(readPlace, PLACE_MS);
  }

  function readPlace() {
    if (!conv) return;
    api("GET", "/" + encodeURIComponent(conv.id)).then(function (data) {
      if (data.state !== "queued" || !data.queue_position) {
        placeEl.hidden = true;
        return;
      }
      var m = data.expected_wait_minutes;
      placeEl.textContent = m
        ? t("placeWait", { n: data.queue_position, m: m })
        : t("place", { n: data.queue_position });
      placeEl.hidden = false;
    }, function () {});
  }

  function authorLabel(m) {
    if (m.author === "ai") return t("ai");
    if (m.author === "agent") return m.author_name || t("agent");
    if (m.author === "customer") return t("you");
    return "";
  }

  function formatTime(iso) {
    var d = new Date(iso);
    if (isNaN(d.getTime())) return "";
    return d.toLocaleTimeString(lang(), { hour: "2-digit", minute: "2-digit" });
  }

  // A message as text, with our help-centre paths and web addresses as links. Built from text
  // nodes and <a> elements only (never HTML), and only http(s) links to real pages.
  var LINK = /(https?:\/\/[^\s<>"]+[^\s<>".,;:!?)]|\/help\/[a-z]{2}\/[a-z0-9-]+)/g;
  function bubble(text) {
    var p = el("p", "tw-bubble");
    var at = 0;
    String(text).replace(LINK, function (found, _group, offset) {
      p.appendChild(document.createTextNode(text.slice(at, offset)));
      var href = new URL(found, BASE).href;
      var a = el("a", "tw-link", found);
      a.href = href;
      a.target = "_blank";
      a.rel = "noopener noreferrer";
      p.appendChild(a);
      at = offset + found.length;
      return found;
    });
    p.appendChild(document.createTextNode(text.slice(at)));
    return p;
  }

  function addMessage(m) {
    if (!m || seen[m.id]) return;
    seen[m.id] = true;
    if (typeof m.offset === "number" && m.offset > lastOffset) lastOffset = m.offset;
    if (m.author === "agent" && m.author_name) agentName = m.author_name;
    if (panel.hidden && m.author !== "customer" && state) launcher.classList.add("tw-unread");

    var row = el("div", "tw-msg tw-msg-" + m.author);
    row.setAttribute("data-offset", m.offset);
    if (m.author === "system") {
      row.appendChild(el("p", "tw-notice", m.text));
    } else {
      var meta = el("p", "tw-meta");
      meta.appendChild(el("span", "tw-author", authorLabel(m)));
      var time = formatTime(m.created_at);
      if (time) meta.appendChild(el("time", "tw-time", time));
      row.appendChild(meta);
      row.appendChild(bubble(m.text));
      if (m.author === "ai" && m.answer) row.appendChild(thumbs(m.offset)); // answers only
    }
    // Keep offset order even when the stream and a POST answer race each other.
    var after = null;
    var rows = log.querySelectorAll(".tw-msg");
    for (var i = rows.length - 1; i >= 0; i--) {
      if (Number(rows[i].getAttribute("data-offset")) > m.offset) after = rows[i];
      else break;
    }
    log.insertBefore(row, after || typing);
    log.scrollTop = log.scrollHeight;
  }

  function addMessages(list) {
    (list || []).forEach(addMessage);
    renderState();
  }

  // When a person will answer, as the server says: now-ish with the queue's wait, or a
  // ticket's promised time in the same words as the chat's messages.
  function waitingText() {
    if (waiting && waiting.kind === "ticket" && waiting.promised_text) {
      return t("stateTicket", { when: waiting.promised_text });
    }
    var wait = waiting && waiting.expected_wait_minutes;
    return wait ? t("stateQueuedWait", { n: wait }) : t("stateQueued");
  }

  function setState(next, nextWaiting, version) {
    if (state === "closed" && next !== "closed") return; // closed is final
    if (typeof version === "number") {
      if (version < stateVersion) return; // older than what is shown
      stateVersion = version;
    }
    if (nextWaiting !== undefined) waiting = nextWaiting;
    if (!next || next === state) {
      renderState();
      return;
    }
    state = next;
    renderState();
    if (state === "closed") stopFollowing();
  }

  function showError(message) {
    errorEl.textContent = message;
    errorEl.hidden = false;
  }

  function clearError() {
    errorEl.textContent = "";
    errorEl.hidden = true;
  }

  // ---- feedback ----------------------------------------------------------------------------

  // Thumbs up/down under each AI answer (never a notice or the greeting); a second click
  // changes it.
  function thumbs(offset) {
    var box = el("div", "tw-thumbs");
    box.appendChild(el("span", "tw-thumbs-q", t("helpful")));
    var pair = [];
    [true, false].forEach(function (up) {
      var b = button("tw-thumb", t(up ? "yes" : "no"), function () {
        if (!conv) return;
        var path = "/" + encodeURIComponent(conv.id) + "/messages/" + offset + "/thumb";
        api("PUT", path, { up: up }).then(
          function () {
            clearError();
            pair.forEach(function (other, i) {
              other.setAttribute("aria-pressed", String(i === (up ? 0 : 1)));
            });
          },
          function (err) {
            showError(err.message);
          }
        );
      });
      b.setAttribute("aria-label", t(up ? "helped" : "notHelped"));
      b.setAttribute("aria-pressed", "false");
      pair.push(b);
      box.appendChild(b);
    });
    return box;
  }

  // The NPS question, after the rating, for the share of customers the server picked.
  function askNps(before) {
    var question = el("p", "tw-rate-q", t("npsQuestion"));
    question.id = "tandem-nps-q";
    var scale = el("div", "tw-nps");
    scale.setAttribute("role", "group");
    scale.setAttribute("aria-labelledby", "tandem-nps-q");
    for (var n = 0; n <= 10; n++) {
      (function (score) {
        var b = button("tw-nps-score", String(score), function () {
          api("POST", "/" + encodeURIComponent(conv.id) + "/nps", { score: score }).then(
            function () {
              clearError();
              question.textContent = t("npsThanks");
              scale.remove();
            },
            function (err) {
              showError(err.message);
            }
          );
        });
        b.setAttribute("aria-label", t("npsScore", { n: score }));
        scale.appendChild(b);
      })(n);
    }
    ratingBox.insertBefore(question, before);
    ratingBox.insertBefore(scale, before);
  }

  // ---- rating ------------------------------------------------------------------------------

  function showRating() {
    ratingBox.textContent = "";
    ratingBox.hidden = false;
    var score = 0;
    var question = el("p", "tw-rate-q", t("rateQuestion"));
    question.id = "tandem-rate-q";
    var stars = el("div", "tw-stars");
    stars.setAttribute("role", "group");
    stars.setAttribute("aria-labelledby", "tandem-rate-q");
    var starButtons = [];
    [1, 2, 3, 4, 5].forEach(function (n) {
      var b = button("tw-star", "★", function () {
        score = n;
        starButtons.forEach(function (sb, i) {
          sb.setAttribute("aria-pressed", String(i < n));
        });
        submit.disabled = false;
      });
      b.setAttribute("aria-label", t("star", { n: n }));
      b.setAttribute("aria-pressed", "false");
      starButtons.push(b);
      stars.appendChild(b);
    });
    var comment = el("textarea", "tw-comment");
    comment.rows = 2;
    comment.setAttribute("aria-label", t("comment"));
    comment.placeholder = t("comment");
    var submit = button("tw-rate-send", t("rateSend"), function () {
      if (!score) return;
      submit.disabled = true;
      var id = conv.id;
      api("POST", "/" + encodeURIComponent(id) + "/rating", {
        score: score,
        comment: comment.value.trim() || null,
      }).then(
        function (body) {
          clearError();
          question.textContent = t("rateThanks");
          stars.remove();
          comment.remove();
          submit.remove();
          if (body && body.nps_asked) askNps(again);
        },
        function (err) {
          submit.disabled = false;
          showError(err.message);
        }
      );
    });
    submit.disabled = true;
    var again = button("tw-link", t("newChat"), function () {
      startNew();
    });
    ratingBox.appendChild(question);
    ratingBox.appendChild(stars);
    ratingBox.appendChild(comment);
    ratingBox.appendChild(submit);
    ratingBox.appendChild(again);
    log.scrollTop = log.scrollHeight;
  }

  // ---- API ---------------------------------------------------------------------------------

  // One shared client (api.js, served in front of this file as /widget.js).
  var api = TandemApi.client(API, {
    token: function () { return conv && conv.token; },
    failed: function () { return t("offline"); },
    offline: function () { return t("offline"); },
    credentials: "omit",
  });

  // ---- conversation lifecycle --------------------------------------------------------------

  function reset() {
    generation++;
    stopFollowing();
    conv = null;
    state = null;
    stateVersion = -1;
    waiting = null;
    agentName = "";
    lastOffset = 0;
    seen = {};
    Array.prototype.slice.call(log.querySelectorAll(".tw-msg")).forEach(function (n) {
      n.remove();
    });
    ratingBox.hidden = true;
    clearError();
    applyLabels();
  }

  function create() {
    var body = {};
    if (config.language) body.language = config.language;
    if (config.email) body.customer_email = config.email;
    if (config.email && config.signature) body.customer_signature = config.signature;
    var gen = generation;
    return api("POST", "", body).then(function (data) {
      if (gen !== generation) return;
      conv = { id: data.id, token: data.token, language: data.language, email: config.email };
      save(STORE_KEY, conv);
      applyLabels();
      addMessages(data.messages);
      setState(data.state, null);
      follow();
    });
  }

  function resume(stored, mayCreate) {
    conv = stored;
    applyLabels();
    var gen = generation;
    return api("GET", "/" + encodeURIComponent(stored.id) + "/messages?after=0").then(
      function (data) {
        if (gen !== generation) return;
        if (data.state === "closed") {
          // A closed conversation is over: a returning customer starts fresh.
          save(STORE_KEY, null);
          reset();
          return mayCreate ? create() : undefined;
        }
        addMessages(data.messages);
        setState(data.state, data.waiting || null, data.version);
        follow();
      },
      function (err) {
        if (gen !== generation) return;
        if (err.status >= 400 && err.status < 500) {
          save(STORE_KEY, null); // unknown conversation or a stale token
          reset();
          return mayCreate ? create() : undefined;
        }
        throw err;
      }
    );
  }

  function storedConversation() {
    var stored = load(STORE_KEY);
    if (!stored || !stored.id || !stored.token) return null;
    // A different signed-in customer on this browser never sees the previous one's chat.
    if ((stored.email || "") !== config.email) return null;
    return stored;
  }

  /* Resume the stored conversation or create one. With mayCreate false (page load, panel
     closed) only an open stored conversation is resumed, so a page view alone never
     creates a conversation. */
  function ensureConversation(mayCreate) {
    if (mayCreate === undefined) mayCreate = true;
    if (conv && state) return Promise.resolve();
    if (starting) return starting;
    var stored = storedConversation();
    if (!stored && !mayCreate) return Promise.resolve();
    starting = (stored ? resume(stored, mayCreate) : create()).then(
      function () {
        starting = null;
        clearError();
      },
      function (err) {
        starting = null;
        showError(err.message);
        throw err;
      }
    );
    return starting;
  }

  function startNew() {
    save(STORE_KEY, null);
    reset();
    ensureConversation().then(function () {
      input.focus();
    }, function () {});
  }

  // ---- sending -----------------------------------------------------------------------------

  var sending = false;
  // Enter pressed while a message is still on its way: what is in the input then goes next.
  var sendNext = false;
  // The message being sent and its id: every retry of the same text sends the same id, so the
  // server stores it once even when only the response was lost.
  var pending = null; // {conversation, text, id}

  function newMessageId() {
    var bytes = new Uint8Array(16);
    if (window.crypto && window.crypto.getRandomValues) {
      window.crypto.getRandomValues(bytes);
    } else {
      for (var i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
    }
    return Array.prototype.map
      .call(bytes, function (b) {
        return (b + 256).toString(16).slice(1);
      })
      .join("");
  }

  function messageId(text) {
    if (!pending || pending.conversation !== conv.id || pending.text !== text) {
      pending = { conversation: conv.id, text: text, id: newMessageId() };
    }
    return pending.id;
  }

  function mayRetry(err) {
    return err.status === 0 || err.status >= 500; // the network, or the server: maybe stored
  }

  function post(path, body, attempt) {
    return api("POST", path, body).catch(function (err) {
      if (!mayRetry(err) || attempt >= SEND_RETRY_MS.length) throw err;
      return new Promise(function (resolve) {
        setTimeout(resolve, SEND_RETRY_MS[attempt]);
      }).then(function () {
        return post(path, body, attempt + 1);
      });
    });
  }

  function sendText(text, fromInput, requestHuman) {
    text = text.trim();
    if (!text) return;
    if (sending) {
      if (fromInput) sendNext = true;
      return;
    }
    sending = true;
    sendBtn.disabled = true;
    if (state === "ai" || state === "queued" || !state) {
      // While the customer waits for a person the AI still answers what it can.
      typing.textContent = t("typing");
      typing.hidden = false;
      log.scrollTop = log.scrollHeight;
    }
    humanBtn.disabled = true;
    clearError();
    ensureConversation()
      .then(function () {
        var body = { text: text, client_message_id: messageId(text) };
        if (requestHuman) body.request_human = true; // the button is an explicit request
        return post("/" + encodeURIComponent(conv.id) + "/messages", body, 0);
      })
      .then(
        function (data) {
          pending = null;
          if (fromInput && input.value.trim() === text) input.value = "";
          addMessages(data.messages);
          setState(data.state, data.waiting, data.version);
        },
        function (err) {
          // What the customer typed stays in the input so nothing is lost; sending it again
          // reuses its id when it may have been stored.
          if (!mayRetry(err)) pending = null;
          sendNext = false; // it stays in the input, next to the error, to be sent again
          showError(err.message);
        }
      )
      .then(function () {
        sending = false;
        typing.hidden = true;
        sendBtn.disabled = false;
        renderState();
        if (fromInput) input.focus();
        if (sendNext) {
          sendNext = false;
          sendText(input.value, true);
        }
      });
  }

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    sendText(input.value, true);
  });

  input.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      sendText(input.value, true);
    }
  });

  // ---- telling the agent the customer is typing --------------------------------------------

  // At most one signal every TYPING_EVERY_MS while keys are pressed, and only while a person
  // is (or will be) reading: never the text, just "typing now". Failures are ignored.
  var TYPING_EVERY_MS = 3000;
  var typingSentAt = 0;
  input.addEventListener("input", function () {
    if (!conv || !input.value.trim() || (state !== "human" && state !== "queued")) return;
    var at = Date.now();
    if (at - typingSentAt < TYPING_EVERY_MS) return;
    typingSentAt = at;
    api("POST", "/" + encodeURIComponent(conv.id) + "/typing").catch(function () {});
  });

  // ---- following the conversation: SSE, polling as fallback ------------------------------

  function stopFollowing() {
    if (stream) {
      stream.close();
      stream = null;
    }
    clearInterval(pollTimer);
    clearTimeout(retryTimer);
    pollTimer = null;
    retryTimer = null;
  }

  function follow() {
    stopFollowing();
    if (!conv || state === "closed") return;
    if (!window.EventSource) {
      startPolling();
      return;
    }
    var gen = generation;
    var url =
      API + "/" + encodeURIComponent(conv.id) + "/stream?token=" + encodeURIComponent(conv.token) +
      "&after=" + lastOffset;
    var es = new EventSource(url);
    stream = es;
    es.addEventListener("open", function () {
      clearInterval(pollTimer);
      pollTimer = null;
    });
    es.addEventListener("message", function (e) {
      if (gen !== generation) return;
      try {
        addMessages([JSON.parse(e.data)]);
      } catch (err) {
        /* ignore a malformed event */
      }
    });
    es.addEventListener("state", function (e) {
      if (gen !== generation) return;
      try {
        var data = JSON.parse(e.data);
        setState(data.state, data.waiting, data.version);
      } catch (err) {
        /* ignore a malformed event */
      }
    });
    es.addEventListener("error", function () {
      if (gen !== generation || stream !== es) return;
      // The stream failed (proxy, server restart): poll, and try the stream again later.
      es.close();
      stream = null;
      startPolling();
      retryTimer = setTimeout(function () {
        if (gen === generation && state !== "closed") follow();
      }, STREAM_RETRY_MS);
    });
  }

  function startPolling() {
    if (pollTimer) return;
    var gen = generation;
    var busy = false;
    pollTimer = setInterval(function () {
      if (busy || gen !== generation || !conv) return;
      busy = true;
      api("GET", "/" + encodeURIComponent(conv.id) + "/messages?after=" + lastOffset).then(
        function (data) {
          busy = false;
          if (gen !== generation) return;
          addMessages(data.messages);
          setState(data.state, data.waiting || null, data.version);
        },
        function () {
          busy = false;
        }
      );
    }, POLL_MS);
  }

  // ---- open / close ------------------------------------------------------------------------

  function setOpen(open) {
    panel.hidden = !open;
    launcher.setAttribute("aria-expanded", String(open));
    host.setAttribute("data-open", String(open));
    try {
      window.sessionStorage.setItem(OPEN_KEY, open ? "1" : "0");
    } catch (e) {
      /* ignore */
    }
    if (open) {
      launcher.classList.remove("tw-unread");
      ensureConversation().then(
        function () {
          input.focus();
        },
        function () {}
      );
      input.focus();
    } else {
      launcher.focus();
    }
  }

  launcher.addEventListener("click", function () {
    setOpen(panel.hidden);
  });

  panel.addEventListener("keydown", function (e) {
    if (e.key === "Escape") setOpen(false);
  });

  applyLabels();
  function mount() {
    document.body.appendChild(host);
    var wasOpen = false;
    try {
      wasOpen = window.sessionStorage.getItem(OPEN_KEY) === "1";
    } catch (e) {
      /* ignore */
    }
    if (config.open || wasOpen) setOpen(true);
    else ensureConversation(false).catch(function () {});
  }
  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount);
})();
