// Lookout console, Messages: on the compose form, a box that narrows the
// list of agencies as one types, and a warning before sending files the
// hub would refuse as too many or too large. The form works without it.
(function () {
  "use strict";
  var form = document.getElementById("compose");
  if (!form) return;

  var filter = document.getElementById("to-filter");
  if (filter) {
    var labels = form.querySelectorAll(".recipients label");
    form.querySelectorAll(".to-filter").forEach(function (el) { el.hidden = false; });
    filter.addEventListener("input", function () {
      var words = filter.value.toLowerCase().split(/\s+/).filter(Boolean);
      labels.forEach(function (label) {
        var box = label.querySelector("input");
        var name = (label.getAttribute("data-name") || "").toLowerCase();
        var match = words.every(function (w) { return name.indexOf(w) >= 0; });
        // A chosen agency stays in sight.
        label.hidden = !(match || (box && box.checked));
      });
    });
    // Enter in the filter narrows the list; it must not send the form.
    filter.addEventListener("keydown", function (e) {
      if (e.key === "Enter") e.preventDefault();
    });
  }

  var files = document.getElementById("attachments");
  var errorBox = document.getElementById("attachments-error");
  var maxBytes = parseInt(form.getAttribute("data-max-bytes"), 10) || 0;
  var maxFiles = parseInt(form.getAttribute("data-max-files"), 10) || 0;
  var maxFile = parseInt(form.getAttribute("data-max-file"), 10) || 0;
  var check = function () {
    if (!files || !files.files) return "";
    var total = 0;
    for (var i = 0; i < files.files.length; i++) {
      var f = files.files[i];
      if (maxFile && f.size > maxFile) return form.getAttribute("data-file-too-large").replace("%s", f.name);
      total += f.size;
    }
    if (maxFiles && files.files.length > maxFiles) return form.getAttribute("data-too-many");
    if (maxBytes && total > maxBytes) return form.getAttribute("data-too-large");
    return "";
  };
  var show = function (msg) {
    if (!errorBox) return;
    errorBox.textContent = "";
    if (msg) {
      var span = document.createElement("span");
      span.className = "field-error";
      span.setAttribute("role", "alert");
      span.textContent = msg;
      errorBox.appendChild(span);
    }
    if (files) files.setAttribute("aria-invalid", msg ? "true" : "false");
  };
  if (files) files.addEventListener("change", function () { show(check()); });
  form.addEventListener("submit", function (e) {
    var msg = check();
    if (msg) {
      e.preventDefault();
      show(msg);
      files.focus();
    }
  });
})();
