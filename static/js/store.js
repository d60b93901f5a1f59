// Storefront behaviour that needs JavaScript. Everything here is an enhancement: the pages work
// without it. Loaded as a file (no inline scripts) so a strict Content-Security-Policy can apply.
(function () {
  "use strict";

  document.documentElement.classList.add("js");

  // Toasts: the server sends `HX-Trigger: {"toast": {"message": "...", "level": "error"}}`.
  function showToast(message, level) {
    var area = document.getElementById("toasts");
    if (!area || !message) return;
    var toast = document.createElement("div");
    toast.className = "toast" + (level === "error" ? " toast--error" : "");
    toast.textContent = message;
    area.appendChild(toast);
    window.setTimeout(function () { toast.remove(); }, 4000);
  }

  document.body.addEventListener("toast", function (event) {
    var detail = event.detail || {};
    showToast(detail.message || detail.value, detail.level);
  });

  // Keyboard focus survives a fragment swap. htmx moves it to the new element with the same id
  // when that element had the focus as the swap began; if the focus fell to the page while the
  // request was in flight, it would be lost, and a keyboard user would start again from the top.
  // So: remember the focused element's id when a request starts, and after each swap put the
  // focus back on the element with that id if the page itself holds it.
  var focusedId = null;
  document.body.addEventListener("htmx:beforeRequest", function () {
    var active = document.activeElement;
    focusedId = active && active !== document.body && active.id ? active.id : null;
  });
  document.body.addEventListener("htmx:afterSettle", function () {
    var active = document.activeElement;
    if (!focusedId || (active && active !== document.body)) return;
    var again = document.getElementById(focusedId);
    if (again) again.focus({ preventScroll: true });
  });

  // On a phone the category row scrolls sideways; keep the current category in view.
  var current = document.querySelector(".category-nav [aria-current=page]");
  if (current && current.scrollIntoView) current.scrollIntoView({ block: "nearest", inline: "center" });

  // Copy-code buttons: <button data-copy-code="HAPPY10">.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy-code]");
    if (!button) return;
    var code = button.getAttribute("data-copy-code");
    var done = function () {
      var label = button.textContent;
      button.textContent = "Copied";
      showToast("Code " + code + " copied");
      window.setTimeout(function () { button.textContent = label; }, 1500);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(code).then(done, function () { showToast("Copy failed: select the code instead", "error"); });
    } else {
      // Plain-http demo hosts have no async clipboard; fall back to a hidden textarea.
      var area = document.createElement("textarea");
      area.value = code;
      area.setAttribute("readonly", "");
      area.className = "visually-hidden";
      document.body.appendChild(area);
      area.select();
      try { document.execCommand("copy"); done(); } catch (e) { showToast("Copy failed: select the code instead", "error"); }
      area.remove();
    }
  });
})();
