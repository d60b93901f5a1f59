// Marketer console: confirmations before destructive buttons, and "select all" for code lists.
// Everything works without this script; it only adds convenience.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-confirm]");
  if (button && !window.confirm(button.dataset.confirm)) {
    event.preventDefault();
  }
});

document.addEventListener("change", (event) => {
  const all = event.target.closest("[data-select-all]");
  const form = event.target.closest("form");
  if (!form) return;
  const boxes = form.querySelectorAll('input[type="checkbox"][name="code"]');
  if (all) {
    boxes.forEach((box) => { box.checked = all.checked; });
  }
  const count = form.querySelector("[data-selection-count]");
  if (count) {
    const ticked = Array.from(boxes).filter((box) => box.checked).length;
    count.textContent = ticked ? `${ticked} selected` : "Tick codes to change them together.";
  }
});

// Bar widths come as data-width (a percentage): the CSP allows no inline style attributes, but
// setting a style from a script is allowed. Runs on load and on every htmx swap (job progress).
function applyWidths(root) {
  root.querySelectorAll("[data-width]").forEach((bar) => {
    const percent = Math.max(0, Math.min(100, Number(bar.dataset.width) || 0));
    bar.style.width = `${percent}%`;
  });
}
document.addEventListener("DOMContentLoaded", () => applyWidths(document));
document.addEventListener("htmx:afterSettle", (event) => applyWidths(event.target));
