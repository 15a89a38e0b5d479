// Our records: upload an import file with a progress bar. Without this
// script the form posts as usual and the result page comes back the same.
(function () {
  "use strict";
  var form = document.getElementById("import-form");
  if (!form || !window.FormData || !window.DOMParser) return;
  var box = document.getElementById("upload-progress");
  var bar = document.getElementById("upload-bar");
  var status = document.getElementById("upload-status");
  var button = document.getElementById("import-submit");

  var say = function (text) { if (status) status.textContent = text; };

  form.addEventListener("submit", function (e) {
    var file = document.getElementById("file");
    if (!file || !file.files || !file.files.length) return; // the server says what is missing
    // console.js, which gives lookout.post, runs after this script.
    if (!window.lookout || !window.lookout.post) return;
    var max = parseInt(form.getAttribute("data-max-bytes"), 10);
    if (max && file.files[0].size > max) {
      // Say so now rather than after uploading what the hub will refuse.
      e.preventDefault();
      box.hidden = false;
      bar.value = 0;
      say(form.getAttribute("data-too-large") || "");
      return;
    }
    e.preventDefault();
    var uploading = form.getAttribute("data-uploading") || "%s %";
    var storing = form.getAttribute("data-storing") || "";
    box.hidden = false;
    bar.value = 0;
    button.disabled = true;
    var last = -1;
    window.lookout.post(form.action, new FormData(form), function (fraction) {
      bar.value = fraction;
      var pct = Math.floor(fraction * 100);
      if (pct === last) return;
      last = pct;
      if (fraction >= 1) {
        bar.removeAttribute("value"); // indeterminate while the hub stores
        say(storing);
      } else if (pct % 5 === 0) {
        say(uploading.replace("%s", pct));
      }
    }).then(function (x) {
      // The server rendered the result (or the error): show its page.
      var doc = new DOMParser().parseFromString(x.responseText, "text/html");
      var main = doc.getElementById("main");
      if (!main) throw new Error("no page");
      document.getElementById("main").innerHTML = main.innerHTML;
      document.title = doc.title;
      var focus = document.getElementById("import-result") || document.querySelector("[aria-invalid=true]") || document.getElementById("main");
      if (focus) focus.focus();
    }).catch(function () {
      button.disabled = false;
      bar.value = 0;
      say(form.getAttribute("data-failed") || "Upload failed");
    });
  });
})();
