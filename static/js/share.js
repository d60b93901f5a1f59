// Share page: "Copy link" copies the share URL and says so. Without JavaScript (or without
// clipboard access) the button stays hidden and the link sits in a read-only input to select.
(function () {
  "use strict";

  function say(status, message) {
    if (!status) return;
    status.textContent = message;
    window.clearTimeout(status._clearTimer);
    status._clearTimer = window.setTimeout(function () { status.textContent = ""; }, 4000);
  }

  // The buttons ship hidden, so a page without JavaScript never shows one that does nothing.
  document.querySelectorAll("[data-copy-link]").forEach(function (button) { button.hidden = false; });

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy-link]");
    if (!button) return;
    var input = document.getElementById(button.getAttribute("data-copy-link"));
    var status = document.getElementById(button.getAttribute("aria-describedby"));
    if (!input) return;
    var selectInstead = function () {
      input.focus();
      input.select();
      say(status, "Press Ctrl+C (or \u2318C) to copy the selected link.");
    };
    if (!(navigator.clipboard && window.isSecureContext)) {
      selectInstead();
      return;
    }
    navigator.clipboard.writeText(input.value).then(function () {
      say(status, "Copied!");
    }, selectInstead);
  });

  // Clicking into the link selects all of it, ready for copying by hand.
  document.addEventListener("focusin", function (event) {
    if (event.target.matches && event.target.matches("input[readonly][type=url]")) event.target.select();
  });
})();
