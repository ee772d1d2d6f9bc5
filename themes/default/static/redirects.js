// Old links with a query (WordPress's /?p=123) land on the home page or the 404 page: forward
// them to the page's new address, looked up in the map the build writes (redirects.py).
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !location.search) return;
  var root = script.getAttribute("data-root") || "/";
  var decode = function (text) {
    try { return decodeURIComponent(text); } catch (error) { return text; }
  };
  var path = location.pathname;
  path = path.indexOf(root) === 0 ? "/" + path.slice(root.length) : path;
  var keys = [decode(path) + decode(location.search)];
  new URLSearchParams(location.search).forEach(function (value, key) {
    keys.push(decode(path) + "?" + key + "=" + value);
  });
  fetch(script.getAttribute("data-map"), { credentials: "same-origin" })
    .then(function (response) { return response.ok ? response.json() : {}; })
    .then(function (map) {
      for (var i = 0; i < keys.length; i++) {
        var target = map[keys[i]];
        // Only a path of this site: the map must never send a reader elsewhere.
        if (typeof target === "string" && target.charAt(0) === "/" && target.charAt(1) !== "/") {
          location.replace(root + target.slice(1) + location.hash);
          return;
        }
      }
    })
    .catch(function () {});
})();
