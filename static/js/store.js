// Storefront behaviour that needs JavaScript. Everything here is an enhancement: the pages work
// without it. Loaded as a file (no inline scripts) so a strict Content-Security-Policy can apply.
(function () {
  "use strict";

  document.documentElement.classList.add("js");

  // Toasts: the server sends `HX-Trigger: {"toast": {"message": "...", "level": "error"}}`, and
  // only for news the page does not show inline. A toast never covers the order summary, the
  // phone checkout bar or a primary button: the stack goes to the first free spot of the
  // window (bottom right, then bottom left, then upwards), and moves again when the page
  // scrolls or changes. Toasts stack one above the other, at most MAX_TOASTS at a time.
  var MAX_TOASTS = 3;
  var TOAST_MS = 4000;
  var PROTECTED = ".totals, .checkout-bar, [data-toast-avoid], " +
    ".button:not(.button--secondary):not(.button--link):not(.button--small)";
  var STEP = 16;

  function visibleRects() {
    var rects = [];
    document.querySelectorAll(PROTECTED).forEach(function (element) {
      if (element.closest("#toasts")) return;
      var rect = element.getBoundingClientRect();
      if (rect.width && rect.height && rect.bottom > 0 && rect.top < window.innerHeight) {
        // A little air around what the toast keeps clear of.
        rects.push({ left: rect.left - 4, right: rect.right + 4, top: rect.top - 4, bottom: rect.bottom + 4 });
      }
    });
    return rects;
  }

  function overlap(a, b) {
    var width = Math.min(a.right, b.right) - Math.max(a.left, b.left);
    var height = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
    return width > 0 && height > 0 ? width * height : 0;
  }

  function topLimit() {
    // Below the sticky header (and the demo bar above it, while it is in view).
    var header = document.querySelector(".site-header");
    return header ? Math.max(0, header.getBoundingClientRect().bottom) + 8 : 8;
  }

  function placeToasts() {
    var area = document.getElementById("toasts");
    if (!area || !area.children.length) return;
    area.style.top = "auto";
    area.style.left = "auto";
    area.style.right = "auto";
    area.style.bottom = "auto";
    var width = area.offsetWidth;
    var height = area.offsetHeight;
    var margin = 12;
    var rects = visibleRects();
    var lefts = [window.innerWidth - margin - width, margin];
    var best = null;
    for (var top = window.innerHeight - margin - height; top >= topLimit(); top -= STEP) {
      for (var i = 0; i < lefts.length; i++) {
        var box = { left: lefts[i], right: lefts[i] + width, top: top, bottom: top + height };
        var covered = rects.reduce(function (sum, rect) { return sum + overlap(box, rect); }, 0);
        if (!best || covered < best.covered) best = { left: box.left, top: top, covered: covered };
        if (covered === 0) break;
      }
      if (best.covered === 0) break;
    }
    if (!best) best = { left: lefts[0], top: topLimit() };
    area.style.left = best.left + "px";
    area.style.top = best.top + "px";
  }

  var placing = false;
  function placeSoon() {
    if (placing) return;
    placing = true;
    window.requestAnimationFrame(function () { placing = false; placeToasts(); });
  }
  window.addEventListener("scroll", placeSoon, { passive: true });
  window.addEventListener("resize", placeSoon);
  document.body.addEventListener("htmx:afterSettle", placeSoon);

  function showToast(message, level) {
    var area = document.getElementById("toasts");
    if (!area || !message) return;
    while (area.children.length >= MAX_TOASTS) area.firstElementChild.remove();
    var toast = document.createElement("div");
    toast.className = "toast" + (level === "error" ? " toast--error" : "");
    toast.textContent = message;
    area.appendChild(toast);
    placeToasts();
    window.setTimeout(function () { toast.remove(); placeToasts(); }, TOAST_MS);
  }

  // Said to screen readers only: the page already shows it (a button that reads "Copied").
  function announce(message) {
    var region = document.getElementById("announcements");
    if (region) region.textContent = message;
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
      announce("Code " + code + " copied");
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
