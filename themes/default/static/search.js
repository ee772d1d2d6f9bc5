/* Dialogue search: starts Pagefind's interface (its script and styles come from this site's
   /pagefind/ bundle) on the search page, searching the posts of every language, and runs the
   query of ?q= (the header's search field sends it). Without this file, or without an index,
   the page's notice points to the archive and the topics. */
(function () {
  "use strict";
  var box = document.getElementById("search");
  if (!box) return;
  var fallback = box.querySelector(".search-fallback");
  // A bundle per language (their stemming differs): the page's own first, the others merged.
  var languages = (box.getAttribute("data-languages") || "").split(" ").filter(Boolean);
  var lang = (document.documentElement.lang || "").slice(0, 2);
  if (languages.indexOf(lang) < 0) lang = languages[0];
  if (!lang) return unavailable();
  var root = box.getAttribute("data-bundle");
  var bundle = root + lang + "/";
  var others = languages.filter(function (l) { return l !== lang; });

  function unavailable() {
    var text = box.getAttribute("data-unavailable");
    if (fallback && text) fallback.firstElementChild.textContent = text;
  }

  var css = document.createElement("link");
  css.rel = "stylesheet";
  css.href = bundle + "pagefind-ui.css";
  document.head.appendChild(css);
  var script = document.createElement("script");
  script.src = bundle + "pagefind-ui.js";
  script.onerror = unavailable;
  script.onload = function () {
    if (typeof window.PagefindUI !== "function") return unavailable();
    var ui = new window.PagefindUI({
      element: "#search-ui",
      bundlePath: bundle,
      baseUrl: box.getAttribute("data-base") || "/",
      showImages: false,
      showSubResults: true,
      resetStyles: false,
      mergeIndex: others.map(function (l) { return { bundlePath: root + l + "/" }; }),
      translations: { placeholder: box.getAttribute("data-placeholder") || undefined }
    });
    if (fallback) fallback.hidden = true;
    var query = new URLSearchParams(window.location.search).get("q");
    if (query) ui.triggerSearch(query);
  };
  var mount = document.createElement("div");
  mount.id = "search-ui";
  box.appendChild(mount);
  document.body.appendChild(script);
})();
