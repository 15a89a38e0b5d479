// DNA search form: the relationship only matters for a relative's
// profile, so it is shown for that category alone. Without the script
// the field is always there and the hub ignores it for other categories.
(function () {
  "use strict";
  var cat = document.getElementById("category");
  var rel = document.getElementById("relationship");
  if (!cat || !rel) return;
  var box = rel.parentNode;
  var sync = function () { box.hidden = cat.value !== "relative"; };
  cat.addEventListener("change", sync);
  sync();
})();
