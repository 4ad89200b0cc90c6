/* Shadow mode in the agent console: the AI's draft for the customer (card.draft), not sent,
 * shown to the agent who owns the conversation with Send as is, Edit (the reply box; sending
 * records an edit), Discard and, when it proposes a shop change, a button that performs it
 * once after a confirm step (POST .../ai-draft and .../ai-draft/action, web/drafts_api.py).
 * Loaded after console.js, whose parts it uses through window.TandemDesk. Text via textContent. */
(function () {
  "use strict";

  var desk = window.TandemDesk;
  if (!desk) return;
  var box = document.getElementById("shadow-draft");
  var reply = document.getElementById("reply-text");
  var editing = null; // {id, message}: the reply box holds this draft, being edited
  var shown = null; // {id, draft, canUse}: what the panel shows
  var justDone = {}; // "id:message": an action performed here, its result still shown

  var VERBS = {
    cancel_order: "Cancel", start_return: "Start the return for", change_address: "Change the address of",
    change_payment_method: "Change the payment method of", exchange_item: "Exchange an item of",
  };

  function path(id, tail) {
    return "/conversations/" + encodeURIComponent(id) + "/ai-draft" + (tail || "");
  }

  function actionName(action) {
    return (VERBS[action.kind] || desk.label(action.kind)) + " " + (action.order_id || "");
  }

  // Handled: discarded, or its text used (or it has none) and its action (if any) performed.
  function handled(id, draft) {
    if (!draft || draft.used === "discard") return true;
    var texted = draft.used || !(draft.texts || []).length;
    return texted && (!draft.action || (draft.performed && !justDone[id + ":" + draft.message]));
  }

  function button(text, title, onClick, primary) {
    var b = desk.el("button", primary ? "btn btn-primary" : "btn", text);
    b.type = "button";
    if (title) b.title = title;
    b.addEventListener("click", onClick);
    return b;
  }

  function stopEditing() {
    editing = null;
    var tag = document.getElementById("shadow-editing");
    if (tag) tag.hidden = true;
  }

  function render(detail) {
    var draft = detail.card && detail.card.draft;
    var open = desk.open();
    if (!open || open.id !== detail.id) return;
    // Editing a draft that is gone (used elsewhere, or a newer one came): the box is a plain reply.
    if (editing && editing.id === detail.id && (!draft || draft.used || draft.message !== editing.message)) {
      stopEditing();
      if (reply.value.trim()) desk.showError(document.getElementById("conv-info"), "The AI's draft you were editing was replaced: the reply box now sends a plain reply.");
    }
    box.textContent = "";
    shown = null;
    box.hidden = handled(detail.id, draft) || detail.state === "closed";
    if (box.hidden) return;
    var canUse = detail.state === "human" && desk.mine();
    shown = { id: detail.id, draft: draft, canUse: canUse };

    var head = desk.el("div", "shadow-head");
    head.appendChild(desk.el("strong", null, "The AI's draft · " + desk.label(draft.topic)));
    head.appendChild(desk.el("span", "badge shadow-badge", draft.used ? "text sent" : (draft.texts || []).length ? "not sent yet" : "action only"));
    head.appendChild(desk.el("span", "shadow-why", "shadow mode: the AI prepares, you decide" +
      (draft.flow ? " · " + desk.label(draft.flow) : "") + " — the customer has not seen it"));
    box.appendChild(head);
    if (!draft.used) {
      var text = desk.el("div", "shadow-text");
      text.id = "shadow-text";
      (draft.texts || []).forEach(function (t) { text.appendChild(desk.el("p", null, t)); });
      if (!(draft.texts || []).length) text.appendChild(desk.el("p", "muted", draft.performed
        ? "No text: tell the customer it is done, in your own words." : "No text: only the shop action below."));
      box.appendChild(text);
    }
    if (draft.action) box.appendChild(actionRow(detail.id, draft, canUse));
    if (!draft.used && ((draft.texts || []).length || !draft.performed)) {
      var row = desk.el("div", "shadow-actions");
      var texts = (draft.texts || []).length > 0;
      var send = button("Send as is", "Send the AI's draft to the customer unchanged", function () { use(detail.id, "send"); }, true);
      var edit = button("Edit (e)", "Put the draft in the reply box; Enter sends your edited text", function () { startEditing(); });
      var discard = button("Discard", "Drop the draft: nothing is sent", function () { use(detail.id, "discard"); });
      send.disabled = edit.disabled = !canUse || !texts;
      discard.disabled = !canUse;
      [send, edit, discard].forEach(function (b) { row.appendChild(b); });
      var tag = desk.el("span", "shadow-editing", "editing in the reply box — Enter sends it as your edit");
      tag.id = "shadow-editing";
      tag.hidden = !(editing && editing.id === detail.id);
      row.appendChild(tag);
      if (!canUse) row.appendChild(desk.el("span", "shadow-why", "Take the conversation to use the draft."));
      box.appendChild(row);
    }
  }

  function actionRow(id, draft, canUse) {
    var row = desk.el("div", "shadow-action");
    var result = desk.el("span", "shadow-result");
    result.setAttribute("role", "status");
    var name = actionName(draft.action);
    if (draft.performed) {
      row.appendChild(desk.el("span", null, name + ": "));
      result.textContent = outcome(draft.performed);
      row.appendChild(result);
      return row;
    }
    var go = button(name + " now", "Performs it in the shop once, as the AI proposed; recorded as done by you on behalf of the AI", function () {
      go.hidden = true;
      confirm.hidden = cancel.hidden = false;
      confirm.focus();
    });
    var confirm = button("Confirm: " + name.toLowerCase() + " in the shop", null, function () {
      confirm.disabled = cancel.disabled = true;
      result.textContent = "Working…";
      desk.api("POST", path(id, "/action")).then(function (done) {
        justDone[id + ":" + draft.message] = true; // its result stays until the next draft
        cancel.hidden = true;
        result.textContent = outcome(done);
        desk.reload(id);
      }, function (err) {
        cancel.hidden = true;
        result.textContent = err.message;
      });
    }, true);
    var cancel = button("Not now", null, function () {
      confirm.hidden = cancel.hidden = true;
      go.hidden = false;
    });
    confirm.hidden = cancel.hidden = true;
    go.disabled = !canUse;
    [go, confirm, cancel, result].forEach(function (n) { row.appendChild(n); });
    return row;
  }

  function outcome(done) {
    if (!done.ok) return "The shop refused: " + desk.label(done.error || "unknown error") + ".";
    return "done in the shop, once (" + desk.label(done.kind) + " " + done.order_id + (done.refund ? ", refund " + done.refund : "") + ").";
  }

  function use(id, how, text) {
    var body = { use: how };
    if (text !== undefined) body.text = text;
    var error = document.getElementById("conv-error");
    desk.showError(error, "");
    return desk.api("POST", path(id), body).then(function () {
      if (editing && editing.id === id) {
        if (how !== "edit") reply.value = ""; // the draft's copy in the box: used or dropped
        stopEditing();
      }
      desk.reload(id);
      desk.refreshLists();
      return true;
    }, function (err) {
      desk.showError(error, err.message); // an edit stays in the box
      if (err.status === 409) desk.reload(id);
      return false;
    });
  }

  function startEditing() {
    var open = desk.open();
    if (!shown || !shown.canUse || !open || open.id !== shown.id || shown.draft.used) return;
    open.fromSuggestion = null; // one source at a time: the suggestion's box is not this
    document.getElementById("from-suggestion").hidden = true;
    editing = { id: shown.id, message: shown.draft.message };
    reply.value = (shown.draft.texts || []).join("\n\n");
    document.getElementById("shadow-editing").hidden = false;
    reply.focus();
  }

  // Called by console.js's sendReply: true when the box holds the AI's draft, being edited.
  function send(text) {
    var open = desk.open();
    if (!editing || !open || open.id !== editing.id) return false;
    var id = editing.id;
    var sendButton = document.getElementById("reply-send");
    sendButton.disabled = true;
    use(id, "edit", text).then(function (ok) {
      sendButton.disabled = false;
      if (ok && reply.value.trim() === text) reply.value = "";
    });
    return true;
  }

  // A new customer message: the AI may have drafted an answer to it (its turn can end a moment
  // after the message shows), so the card is read again now and shortly after.
  function asked(id) {
    [0, 1500, 4000].forEach(function (ms) {
      setTimeout(function () {
        var open = desk.open();
        if (!open || open.id !== id) return;
        desk.api("GET", "/conversations/" + encodeURIComponent(id)).then(function (detail) {
          var now = shown && shown.draft;
          var next = detail.card && detail.card.draft;
          if (JSON.stringify(now || null) !== JSON.stringify(handled(id, next) ? null : next)) render(detail);
        }, function () {});
      }, ms);
    });
  }

  reply.addEventListener("input", function () {
    if (editing && !reply.value.trim()) stopEditing(); // an emptied box is a plain reply again
  });

  document.addEventListener("keydown", function (e) {
    if (e.key !== "e" || e.ctrlKey || e.metaKey || e.altKey || desk.typing(e.target)) return;
    if (document.getElementById("desk-view").hidden || box.hidden) return;
    e.preventDefault();
    startEditing();
  });

  window.TandemShadow = { render: render, send: send, asked: asked };
})();
