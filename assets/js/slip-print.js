// The slip page's Print button: shown only when scripts run (the browser's own Print works without it).
document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("[data-slip-print]")) {
    button.hidden = false;
    button.addEventListener("click", () => window.print());
  }
});
