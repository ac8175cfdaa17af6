// tipsom's small behaviours, loaded on every page. No inline scripts: the Content-Security-Policy forbids them.
(function () {
  "use strict";

  // htmx requests carry the CSRF token from <meta name="csrf-token"> (the cookie is HttpOnly).
  document.addEventListener("htmx:configRequest", function (event) {
    var meta = document.querySelector('meta[name="csrf-token"]');
    if (meta) {
      event.detail.headers["X-CSRFToken"] = meta.getAttribute("content");
    }
  });

  // <form data-confirm="Question?">: asks before sending (revoking a token, deactivating a user).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });

  // <button data-copy-target="element-id">: copies that element's text.
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-copy-target]") : null;
    if (!button || !navigator.clipboard) {
      return;
    }
    var source = document.getElementById(button.getAttribute("data-copy-target"));
    if (!source) {
      return;
    }
    navigator.clipboard.writeText(source.textContent.trim()).then(function () {
      var done = button.getAttribute("data-copied-text");
      if (done) {
        button.textContent = done;
      }
    });
  });

  // An error summary or a one-time notice takes the focus, so screen readers announce it first.
  document.addEventListener("DOMContentLoaded", function () {
    var target = document.querySelector("[data-focus-on-load]");
    if (target) {
      target.focus();
    }
  });
})();

// Case page forms (inside [data-swap-errors]): a refusal (400 invalid, 409 changed by someone else, 413 too large)
// answers the form with its errors, retargeted onto the form; htmx swaps it as it would a success.
document.addEventListener("htmx:beforeSwap", function (event) {
  var status = event.detail.xhr.status;
  var source = event.detail.elt || event.target;
  if ((status === 400 || status === 409 || status === 413) && source && source.closest &&
      source.closest("[data-swap-errors]")) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});

// <button data-print>: prints the page (the printable case summary).
document.addEventListener("click", function (event) {
  var button = event.target.closest ? event.target.closest("[data-print]") : null;
  if (button) {
    window.print();
  }
});

// After an audited reveal (people/_identity_revealed.html marks the values with data-identity-revealed), the
// masked values and the reveal button of the same place (a <dd>, or a section) disappear: the revealed value
// replaces the mask instead of sitting beside it. The revealed values take the focus for screen readers.
function tipsomHideMasksAround(revealed) {
  var scope = revealed.closest("dd, [data-reveal-scope], section") || revealed.parentElement;
  if (!scope) {
    return;
  }
  scope.querySelectorAll(".masked-value, [data-masked], [data-reveal-identity]").forEach(function (element) {
    if (!revealed.contains(element) && !element.contains(revealed)) {
      element.hidden = true;
    }
  });
}

document.addEventListener("htmx:afterSettle", function () {
  document.querySelectorAll("[data-identity-revealed]:not([data-masks-hidden])").forEach(function (revealed) {
    revealed.setAttribute("data-masks-hidden", "");
    tipsomHideMasksAround(revealed);
    revealed.focus();
  });
});
