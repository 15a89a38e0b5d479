// Lookout console, case view: the case region is re-rendered by the server
// when the other side acts (console.js swaps it in). A note being typed
// must survive that, so what the person typed is kept by field id and put
// back into the fresh form when the same field is still offered.
(function () {
  "use strict";
  var region = document.getElementById("case");
  if (!region) return;
  var typed = {}, last = null;
  var keep = function (e) {
    var el = e.target;
    if (!el.id || !/^(TEXTAREA|SELECT|INPUT)$/.test(el.tagName) || el.type === "hidden") return;
    typed[el.id] = el.value;
    last = el.id;
  };
  region.addEventListener("input", keep);
  region.addEventListener("change", keep);
  document.addEventListener("lookout:updated", function () {
    Object.keys(typed).forEach(function (id) {
      var el = document.getElementById(id);
      if (!el || !region.contains(el)) { delete typed[id]; return; }
      if (el.value === "" && typed[id] !== "") el.value = typed[id];
    });
    // The field being typed in was replaced: the cursor goes back to it.
    var el = last && document.getElementById(last);
    if (el && region.contains(el) && (document.activeElement === document.body || !document.activeElement)) el.focus();
  });
})();
