// Desk screens: small keyboard helpers. Every page works without this file.
(function () {
  "use strict";

  // Ctrl+Enter (or Cmd+Enter) in a text area submits its form, as Enter does in a field.
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && target.tagName === "TEXTAREA" && target.form) {
      event.preventDefault();
      target.form.requestSubmit();
    }
  });

  // Final actions (refuse, stop) ask once before they are sent.
  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });
})();
