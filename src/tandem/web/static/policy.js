/* Tandem policy page for leads: versions, an editor, check, save, activate, roll back.
 * Vanilla JS, no build step. Uses the console's login (sessionStorage); all text via textContent. */
(function () {
  "use strict";

  var script = document.currentScript;
  var API = new URL("../api/v1/policies", script.src).href;
  var token = sessionStorage.getItem("tandem.agent.token") || "";

  function $(id) {
    return document.getElementById(id);
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  // One shared client (static/api.js): the console's login, the error's problems kept.
  var api = TandemApi.client(API, { token: function () { return token; } });

  function fail(message) {
    $("page-error").textContent = message;
    $("page-error").hidden = false;
  }

  function showProblems(problems, okText) {
    var result = $("result");
    result.textContent = "";
    if (!problems || !problems.length) {
      result.appendChild(el("p", "ok", okText));
      return;
    }
    var list = el("ol", "problems");
    problems.forEach(function (p) {
      list.appendChild(el("li", null, "line " + p.line + ": " + p.message));
    });
    result.appendChild(list);
  }

  function showError(err) {
    if (err.problems) showProblems(err.problems);
    else showProblems([{ line: "-", message: err.message }]);
  }

  function load(version) {
    return api("GET", "/" + version).then(function (data) {
      $("policy-text").value = data.text;
      $("editing").textContent = "Editing a copy of version " + data.version;
    });
  }

  function render(history) {
    $("active").textContent = history.active;
    var list = $("versions");
    list.textContent = "";
    history.versions.forEach(function (v) {
      var li = el("li");
      li.appendChild(el("strong", null, "v" + v.version));
      li.appendChild(el("span", "note", (v.active ? "active · " : "") + (v.note || new Date(v.created_at).toLocaleString())));
      var open = el("button", "btn btn-quiet", "Open");
      open.type = "button";
      open.addEventListener("click", function () { load(v.version).catch(showError); });
      li.appendChild(open);
      if (!v.active) {
        var activate = el("button", "btn", "Activate");
        activate.type = "button";
        activate.addEventListener("click", function () {
          api("POST", "/" + v.version + "/activate").then(render, showError);
        });
        li.appendChild(activate);
      }
      list.appendChild(li);
    });
  }

  function refresh() {
    return api("GET", "").then(function (history) {
      render(history);
      return history;
    });
  }

  function save(activate) {
    var body = { text: $("policy-text").value, note: $("policy-note").value || null, activate: activate };
    api("POST", "", body).then(function (saved) {
      showProblems([], "Saved as version " + saved.version + (saved.active ? ", now active." : "."));
      $("policy-note").value = "";
      return refresh();
    }, showError);
  }

  $("check").addEventListener("click", function () {
    api("POST", "/check", { text: $("policy-text").value }).then(function (checked) {
      showProblems(checked.problems, "The policy is valid.");
    }, showError);
  });
  $("save").addEventListener("click", function () { save(false); });
  $("save-activate").addEventListener("click", function () { save(true); });
  $("rollback").addEventListener("click", function () {
    api("POST", "/rollback").then(render, showError);
  });

  if (!token) {
    fail("Sign in on the console first.");
    return;
  }
  refresh().then(function (history) {
    $("policy-view").hidden = false;
    return load(history.active);
  }).catch(function (err) {
    fail(err.status === 403 ? "Only support leads can change the handoff policy." : err.message);
  });
})();
