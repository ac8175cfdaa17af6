// The activity form: the campaign part shows for an awareness campaign, the cooperation part for a meeting,
// conference or study visit (data-kinds on each fieldset). Without JavaScript every part stays visible.
(function () {
  "use strict";
  var kind = document.getElementById("id_kind");
  if (!kind) return;
  var parts = document.querySelectorAll("[data-kinds]");
  function update() {
    parts.forEach(function (part) {
      var kinds = part.getAttribute("data-kinds").split(" ");
      part.hidden = kind.value !== "" && kinds.indexOf(kind.value) === -1 && !part.querySelector(".is-invalid");
    });
  }
  kind.addEventListener("change", update);
  update();
})();
