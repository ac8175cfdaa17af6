// Searchable pickers and fields that show only when they apply. No inline scripts (the Content-Security-Policy
// forbids them): forms mark their elements and this file, loaded on every page, wires them.
//
// <select data-picker>: a long code list (tipsom.core.widgets) becomes a tom-select box (static/vendor/tom-select):
//   type to search, chosen items shown with a remove button. Its words come from data-picker-placeholder,
//   data-picker-no-results and data-picker-remove, translated by the server. Without the script it is a select.
// <div data-show-for="case_type" data-show-values="som both">: shown (and its inputs sent) only while the form's
//   case_type is one of those.
(function () {
  "use strict";

  function escapeText(text) {
    var span = document.createElement("span");
    span.textContent = text == null ? "" : String(text);
    return span.innerHTML;
  }

  function initPicker(select) {
    if (select.tomselect || typeof window.TomSelect !== "function") {
      return;
    }
    var multiple = select.multiple;
    var removeLabel = select.getAttribute("data-picker-remove") || "Remove";
    var plugins = {};
    if (multiple) {
      plugins.remove_button = { title: removeLabel, label: "×" };
    }
    // eslint-disable-next-line no-new
    new window.TomSelect(select, {
      plugins: plugins,
      create: false,
      maxOptions: null,
      allowEmptyOption: !multiple,
      hidePlaceholder: !multiple,
      closeAfterSelect: !multiple,
      placeholder: select.getAttribute("data-picker-placeholder") || "",
      render: {
        no_results: function () {
          return '<div class="no-results">' + escapeText(select.getAttribute("data-picker-no-results")) + "</div>";
        },
      },
    });
    // a11y (issue 11, axe select-name): tom-select moves the <label> to its own box; the original select, kept
    // for the form, is out of the tab order and hidden from screen readers, which read the box instead.
    select.setAttribute("aria-hidden", "true");
  }

  function valueOf(form, name) {
    var checked = form.querySelector('[name="' + name + '"]:checked');
    if (checked) {
      return checked.value;
    }
    var field = form.querySelector('select[name="' + name + '"]');
    return field ? field.value : "";
  }

  function followConditions(root) {
    root.querySelectorAll("[data-show-for]").forEach(function (part) {
      var form = part.closest("form");
      if (!form) {
        return;
      }
      var name = part.getAttribute("data-show-for");
      var values = (part.getAttribute("data-show-values") || "").split(" ");
      part.hidden = values.indexOf(valueOf(form, name)) === -1;
      // A hidden part sends nothing (a trafficking case has no smuggled migrant's vulnerabilities).
      part.querySelectorAll("input, select, textarea").forEach(function (input) {
        input.disabled = part.hidden;
      });
    });
  }

  // The server shows a part as it applies when the page is made (or with its errors); from then on, each change.
  function init(root) {
    root.querySelectorAll("select[data-picker]").forEach(initPicker);
  }

  document.addEventListener("DOMContentLoaded", function () {
    init(document);
  });
  document.addEventListener("htmx:load", function (event) {
    if (event.target && event.target.querySelectorAll) {
      init(event.target);
    }
  });
  document.addEventListener("change", function (event) {
    var form = event.target && event.target.form;
    if (form) {
      followConditions(form);
    }
  });
})();
