// The referral send form: choosing a service (or a type of service, by letter or abroad) ticks the sections it
// needs, the same ones as starting from a suggested service. The options carry them (data-sections); the profile
// box is always ticked and disabled. Loaded with the form; the listener is set once for the page.
(function () {
  "use strict";
  if (window.tipsomReferralSendForm) {
    return;
  }
  window.tipsomReferralSendForm = true;
  document.addEventListener("change", function (event) {
    var select = event.target;
    if (!select.matches || !select.matches("select[data-ticks-sections]")) {
      return;
    }
    var form = select.closest("form");
    var option = select.options[select.selectedIndex];
    if (!form || !option) {
      return;
    }
    var wanted = (option.getAttribute("data-sections") || "profile").split(" ");
    form.querySelectorAll('input[type="checkbox"][name="sections"]').forEach(function (box) {
      if (!box.disabled) {
        box.checked = wanted.indexOf(box.value) !== -1;
      }
    });
  });
})();
