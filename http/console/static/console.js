// Lookout console: the little script the pages use. Everything works
// without it; with it, pages that show hits, cases and messages update as
// events arrive, and forms post their token with scripted requests.
(function () {
  "use strict";
  var csrf = document.body.getAttribute("data-csrf");

  // Regions marked data-live="event.type ..." are reloaded from the server
  // when one of those events arrives: the server renders, the script only
  // swaps the region, so what is shown is always what the hub allows.
  var regions = document.querySelectorAll("[data-live]");
  if (csrf && regions.length && window.EventSource) {
    var wanted = {};
    regions.forEach(function (el) {
      el.getAttribute("data-live").split(/\s+/).forEach(function (t) { if (t) wanted[t] = true; });
    });
    var pending = null;
    var refresh = function (type) {
      if (pending) return;
      pending = setTimeout(function () {
        pending = null;
        fetch(location.href, { credentials: "same-origin", headers: { "Accept": "text/html" } })
          .then(function (r) { return r.ok ? r.text() : null; })
          .then(function (html) {
            if (!html) return;
            var doc = new DOMParser().parseFromString(html, "text/html");
            regions.forEach(function (el) {
              if (!el.id) return;
              var fresh = doc.getElementById(el.id);
              if (fresh && fresh.innerHTML !== el.innerHTML) {
                el.innerHTML = fresh.innerHTML;
                el.classList.add("updated");
                setTimeout(function () { el.classList.remove("updated"); }, 1500);
              }
            });
            var live = document.getElementById("live");
            if (live) live.textContent = document.body.getAttribute("data-live-label") || "Updated";
            document.dispatchEvent(new CustomEvent("lookout:updated", { detail: type }));
          });
      }, 150);
    };
    var es = new EventSource("/events");
    Object.keys(wanted).forEach(function (t) {
      es.addEventListener(t, function () { refresh(t); });
    });
  }

  // Buttons with data-confirm ask before their form is sent.
  document.addEventListener("submit", function (e) {
    var b = e.submitter || e.target.querySelector("[data-confirm]");
    var msg = (b && b.getAttribute("data-confirm")) || e.target.getAttribute("data-confirm");
    if (msg && !window.confirm(msg)) e.preventDefault();
  });

  // lookout.post sends a form with its token from a script (uploads with
  // progress use it).
  window.lookout = {
    csrf: csrf,
    post: function (url, body, onProgress) {
      return new Promise(function (resolve, reject) {
        var x = new XMLHttpRequest();
        x.open("POST", url);
        x.setRequestHeader("X-CSRF-Token", csrf);
        x.setRequestHeader("Accept", "text/html");
        if (onProgress) x.upload.onprogress = function (e) { if (e.lengthComputable) onProgress(e.loaded / e.total); };
        x.onload = function () { resolve(x); };
        x.onerror = function () { reject(new Error("network error")); };
        x.send(body);
      });
    }
  };
})();
