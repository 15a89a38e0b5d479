// Check screen: bring the outcome (or the field at fault) into view and
// focus after a check, and count the characters of each pasted MRZ line
// while the officer corrects it. The page works without this script.
(function () {
  "use strict";
  var result = document.getElementById("result");
  var invalid = document.querySelector("[aria-invalid=true]");
  if (invalid) {
    invalid.focus();
  } else if (result) {
    result.focus();
  } else {
    var first = document.getElementById("number");
    if (first) first.focus();
  }

  var mrz = document.getElementById("mrz");
  var count = document.getElementById("mrz-count");
  if (!mrz || !count) return;
  var label = count.getAttribute("data-label") || "%s";
  var update = function () {
    var lengths = mrz.value.split(/\r?\n|\r/).map(function (l) { return l.replace(/\s+/g, "").length; })
      .filter(function (n) { return n > 0; });
    count.textContent = lengths.length ? label.replace("%s", lengths.join(" / ")) : "";
  };
  mrz.addEventListener("input", update);
  update();
})();
