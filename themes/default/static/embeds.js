/* Dialogue embeds: a placeholder (figure.embed) requests nothing from YouTube, Vimeo or
   SoundCloud until the reader clicks its button; then the privacy-enhanced player loads in
   place. A reader may load one provider's embeds always: remembered in this browser
   (localStorage), undone by the button shown under each such embed. Without this file the
   placeholder's link leads to the original page. No dependencies. */
(function () {
  "use strict";
  var PLAYERS = {
    youtube: "https://www.youtube-nocookie.com/embed/",
    vimeo: "https://player.vimeo.com/video/",
    soundcloud: "https://w.soundcloud.com/player/"
  };
  var NAMES = { youtube: "YouTube", vimeo: "Vimeo", soundcloud: "SoundCloud" };
  var KEY = "dialogue-embeds-always";
  var T = /^de/i.test(document.documentElement.lang)
    ? { load: "Laden", video: "Video laden", audio: "Audio laden",
        always: "{name}-Inhalte immer laden", stop: "{name}-Inhalte nicht mehr automatisch laden",
        stopped: "{name}-Inhalte werden wieder erst nach einem Klick geladen." }
    : { load: "Load", video: "Load video", audio: "Load audio",
        always: "Always load {name} content", stop: "Stop loading {name} content automatically",
        stopped: "{name} content loads only after a click again." };

  function say(text, provider) { return text.replace("{name}", NAMES[provider]); }

  function always() {
    try {
      var list = JSON.parse(window.localStorage.getItem(KEY) || "[]");
      return Array.isArray(list) ? list : [];
    } catch (e) { return []; }
  }

  function remember(provider, on) {
    var list = always().filter(function (p) { return p !== provider; });
    if (on) list.push(provider);
    try { window.localStorage.setItem(KEY, JSON.stringify(list)); } catch (e) { /* private mode */ }
  }

  function revokeButton(figure, provider) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "embed-revoke";
    button.textContent = say(T.stop, provider);
    button.addEventListener("click", function () {
      remember(provider, false);
      var note = document.createElement("p");
      note.className = "embed-revoked";
      note.setAttribute("role", "status");
      note.textContent = say(T.stopped, provider);
      button.replaceWith(note);
    });
    figure.appendChild(button);
  }

  function load(figure, provider, src, clicked) {
    // Loaded without a click (the reader chose "always"): no autoplay.
    if (!clicked) src = src.replace(/([?&])(autoplay|auto_play)=(1|true)&?/, "$1").replace(/[?&]$/, "");
    var title = figure.querySelector(".embed-title");
    var frame = document.createElement("iframe");
    frame.src = src;
    frame.title = title ? title.textContent.trim() : NAMES[provider];
    frame.allow = "autoplay; encrypted-media; fullscreen; picture-in-picture";
    frame.allowFullscreen = true;
    frame.referrerPolicy = "strict-origin-when-cross-origin";
    var box = figure.querySelector(".embed-box");
    box.textContent = "";
    box.appendChild(frame);
    figure.classList.add("embed-loaded");
    if (always().indexOf(provider) >= 0) revokeButton(figure, provider);
    if (clicked) frame.focus();
  }

  var figures = document.querySelectorAll("figure.embed[data-embed][data-src]");
  var chosen = always();
  var waiting = []; // placeholders still waiting for a click: [figure, provider, src]
  Array.prototype.forEach.call(figures, function (figure, index) {
    var provider = figure.getAttribute("data-embed");
    var src = figure.getAttribute("data-src") || "";
    if (!PLAYERS[provider] || src.indexOf(PLAYERS[provider]) !== 0) return;
    if (chosen.indexOf(provider) >= 0) return load(figure, provider, src, false);
    var link = figure.querySelector(".embed-open");
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button button-primary embed-load";
    button.textContent = provider === "soundcloud" ? T.audio : T.video;
    var label = document.createElement("label");
    label.className = "embed-always";
    var box = document.createElement("input");
    box.type = "checkbox";
    box.id = "embed-always-" + index;
    label.htmlFor = box.id;
    label.appendChild(box);
    label.appendChild(document.createTextNode(" " + say(T.always, provider)));
    waiting.push([figure, provider, src]);
    button.addEventListener("click", function () {
      if (box.checked) remember(provider, true);
      load(figure, provider, src, true);
      if (!box.checked) return;
      waiting.forEach(function (other) { // the reader's choice holds on this page too
        if (other[1] === provider && !other[0].classList.contains("embed-loaded")) {
          load(other[0], other[1], other[2], false);
        }
      });
    });
    if (link) {
      link.className = "embed-original";
      link.parentNode.insertBefore(button, link);
      link.parentNode.insertBefore(label, link);
    }
  });
})();
