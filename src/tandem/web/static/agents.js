/* Tandem agents page for leads: every account, create, change the role, deactivate or
 * reactivate, set a new password. Vanilla JS, no build step. Uses the console's login
 * (sessionStorage); all text via textContent. The server decides who may do what. */
(function () {
  "use strict";

  var script = document.currentScript;
  var ROOT = new URL("../api/v1/", script.src).href;
  var token = sessionStorage.getItem("tandem.agent.token") || "";
  var options = { token: function () { return token; } };
  var api = TandemApi.client(ROOT + "agents", options);
  var me = TandemApi.client(ROOT + "agent", options);
  var myId = null;
  var resetting = null; // the account whose password the reset form sets

  function $(id) {
    return document.getElementById(id);
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function show(id, message) {
    $(id).textContent = message || "";
    $(id).hidden = !message;
  }

  function done(message) {
    show("team-error", "");
    show("team-result", message);
  }

  function failed(err) {
    show("team-result", "");
    show("team-error", err.message);
  }

  function button(text, className, onClick) {
    var b = el("button", "btn " + (className || ""), text);
    b.type = "button";
    b.addEventListener("click", onClick);
    return b;
  }

  function change(account, body, message) {
    return api("PATCH", "/" + encodeURIComponent(account.id), body).then(function (changed) {
      done(message(changed));
      return refresh();
    }, function (err) {
      failed(err);
      return refresh();
    });
  }

  function roleCell(account) {
    var select = el("select");
    select.setAttribute("aria-label", "Role of " + account.name);
    [["agent", "Agent"], ["lead", "Lead"]].forEach(function (pair) {
      var option = el("option", null, pair[1]);
      option.value = pair[0];
      option.selected = account.role === pair[0];
      select.appendChild(option);
    });
    select.addEventListener("change", function () {
      change(account, { role: select.value }, function (a) {
        return a.name + " is now " + (a.role === "lead" ? "a lead." : "an agent.");
      });
    });
    return select;
  }

  function list(text) {
    return text.split(",").map(function (t) { return t.trim(); }).filter(Boolean);
  }

  // Teams and languages as comma-separated text, capacity as a number: each saved on change;
  // the server checks them (unknown team or language, capacity outside 1..20: its message shows).
  function routingCell(account) {
    var box = el("div", "routing");
    function field(label, value, body, attrs) {
      var input = el("input");
      input.value = value;
      input.setAttribute("aria-label", label + " of " + account.name);
      input.title = label;
      Object.keys(attrs).forEach(function (k) { input.setAttribute(k, attrs[k]); });
      input.addEventListener("change", function () {
        change(account, body(input.value), function (a) {
          return a.name + ": teams " + a.teams.join(", ") + "; languages " +
            a.languages.join(", ") + "; up to " + a.max_concurrent + " at once.";
        });
      });
      return input;
    }
    box.appendChild(field("Teams", account.teams.join(", "), function (v) {
      return { teams: list(v) };
    }, { class: "teams", maxlength: "200" }));
    box.appendChild(field("Languages", account.languages.join(", "), function (v) {
      return { languages: list(v) };
    }, { class: "langs", maxlength: "40" }));
    box.appendChild(field("Capacity", String(account.max_concurrent), function (v) {
      return { max_concurrent: Number(v) };
    }, { class: "capacity", type: "number", min: "1", max: "20" }));
    return box;
  }

  function row(account) {
    var tr = el("tr", account.active ? "" : "inactive");
    var name = el("td", "name", account.name);
    if (account.id === myId) name.appendChild(el("span", "you", " (you)"));
    tr.appendChild(name);
    tr.appendChild(el("td", "email", account.email));
    var role = el("td", "role");
    role.appendChild(roleCell(account));
    tr.appendChild(role);
    var routing = el("td", "routing-cell");
    routing.appendChild(routingCell(account));
    tr.appendChild(routing);
    tr.appendChild(el("td", account.active ? "status-active desk-" + account.status : "status-inactive",
      account.active ? "active · " + account.status : "deactivated"));
    var actions = el("td");
    var box = el("div", "row-actions");
    box.appendChild(button("New password", "", function () { openReset(account); }));
    if (account.active && account.id !== myId) {
      box.appendChild(button("Deactivate", "btn-danger", function () {
        if (!window.confirm("Deactivate " + account.name + "? They are logged out at once.")) return;
        change(account, { active: false }, function (a) {
          return a.name + " is deactivated: they cannot log in.";
        });
      }));
    } else if (!account.active) {
      box.appendChild(button("Reactivate", "", function () {
        change(account, { active: true }, function (a) { return a.name + " can log in again."; });
      }));
    }
    actions.appendChild(box);
    tr.appendChild(actions);
    return tr;
  }

  function refresh() {
    return api("GET", "").then(function (data) {
      var body = $("accounts-body");
      body.textContent = "";
      data.agents.forEach(function (account) { body.appendChild(row(account)); });
      $("team-count").textContent = data.agents.filter(function (a) { return a.active; }).length +
        " active";
    });
  }

  function openReset(account) {
    resetting = account;
    $("reset-who").textContent = account.name;
    $("reset-password").value = "";
    show("reset-error", "");
    $("reset").hidden = false;
    $("reset-password").focus();
  }

  $("reset-cancel").addEventListener("click", function () {
    resetting = null;
    $("reset").hidden = true;
  });

  $("reset").addEventListener("submit", function (e) {
    e.preventDefault();
    if (!resetting) return;
    var account = resetting;
    api("POST", "/" + encodeURIComponent(account.id) + "/reset-password", {
      password: $("reset-password").value,
    }).then(function () {
      $("reset-password").value = "";
      $("reset").hidden = true;
      resetting = null;
      done("New password set for " + account.name + "; their sessions ended.");
    }, function (err) {
      show("reset-error", err.message);
    });
  });

  $("new-agent").addEventListener("submit", function (e) {
    e.preventDefault();
    show("new-error", "");
    var body = {
      name: $("new-name").value.trim(),
      email: $("new-email").value.trim(),
      role: $("new-role").value,
      password: $("new-password").value,
    };
    api("POST", "", body).then(function (made) {
      $("new-agent").reset();
      done("Created " + made.name + " (" + made.email + "). They log in on the console.");
      return refresh();
    }, function (err) {
      show("new-error", err.message);
    });
  });

  if (!token) {
    show("page-error", "Sign in on the console first.");
    return;
  }
  me("GET", "/me").then(function (agent) {
    myId = agent.id;
    return refresh();
  }).then(function () {
    $("team-view").hidden = false;
  }).catch(function (err) {
    show("page-error", err.status === 403 ? "Only support leads can manage agents." : err.message);
  });
})();
