/* Dialogue comments: sends the form in place, moves it under a comment to reply. Without
   it the form still posts (and picks a reply's parent). No dependencies. */
(function () {
  "use strict";
  var form = document.querySelector("form.comment-form");
  if (!form || !window.fetch || !window.FormData) return;
  var status = document.getElementById("comment-status");
  var T = /^de/i.test(document.documentElement.lang)
    ? { send: "Wird gesendet …", net: "Senden fehlgeschlagen: bitte erneut versuchen.",
        fix: "Bitte korrigieren Sie die markierten Felder.", cancel: "Antwort abbrechen",
        ok: "Danke! Ihr Kommentar wird geprüft." }
    : { send: "Sending …", net: "Sending failed: please try again.",
        fix: "Please correct the marked fields.", cancel: "Cancel reply",
        ok: "Thank you! Your comment will be reviewed." };
  var received = status && status.querySelector(".comment-received");
  if (received) T.ok = received.textContent.trim();
  var box = form.closest(".respond") || form;
  var home = document.createComment("comment form");
  box.parentNode.insertBefore(home, box);
  var submit = form.querySelector("[type=submit]");
  var el = form.elements;
  var cancel = document.createElement("button");
  cancel.type = "button";
  cancel.className = "comment-cancel-reply";
  cancel.textContent = T.cancel;
  cancel.hidden = true;
  (submit ? submit.parentNode : form).appendChild(cancel);
  var busy = false;

  function say(text, state) {
    if (!status) return;
    var p = document.createElement("p");
    p.className = "comment-message";
    p.setAttribute("data-state", state);
    p.textContent = text;
    status.replaceChildren(p);
    if (state !== "busy") status.focus();
  }

  function place(after, parentId) {
    el.parent.value = parentId;
    after.parentNode.insertBefore(box, after.nextSibling);
    cancel.hidden = !parentId;
  }

  // The buttons below take over from the no-JavaScript reply choice.
  document.querySelectorAll("label.comment-reply,.reply-to").forEach(function (n) { n.hidden = true; });
  cancel.addEventListener("click", function () { place(home, ""); });
  document.querySelectorAll("button.comment-reply[data-parent]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      place(button.closest("article") || button, button.getAttribute("data-parent"));
      (el.name.value ? el.body : el.name).focus();
    });
  });

  function showErrors(errors) {
    var first, rest = [T.fix];
    Object.keys(errors).forEach(function (field) {
      var slot = document.getElementById("error-" + field);
      if (slot && form.contains(slot)) {
        slot.textContent = errors[field];
        slot.hidden = false;
      } else rest.push(errors[field]);
      if (el[field] && el[field].focus) {
        el[field].setAttribute("aria-invalid", "true");
        first = first || el[field];
      }
    });
    say(rest.join(" "), "error");
    if (first) first.focus();
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (busy) return;
    busy = true;
    if (submit) submit.disabled = true;
    form.querySelectorAll("[id^='error-']").forEach(function (slot) { slot.hidden = true; });
    form.querySelectorAll("[aria-invalid]").forEach(function (input) {
      input.removeAttribute("aria-invalid");
    });
    var data = {};
    new FormData(form).forEach(function (value, key) { data[key] = value; });
    say(T.send, "busy");
    fetch(form.action, {
      method: "POST", mode: "cors", credentials: "omit",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(data)
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (answer) {
        if (response.status === 202) {
          el.body.value = "";
          place(home, "");
          say(T.ok, "ok");
        } else if (response.status === 400 && answer.errors) showErrors(answer.errors);
        else say(answer.error || T.net, "error");
      });
    }, function () { say(T.net, "error"); }).then(function () {
      busy = false;
      if (submit) submit.disabled = false;
    });
  });
})();
