/*
 * The phone menu (below 48em): the header's button shows and hides the main navigation.
 *
 * Without this script the navigation is a native <details> disclosure (templates/includes/site_nav.html). With it,
 * the <details> stays open and its summary hidden; the button (aria-controls="site-nav") keeps aria-expanded in
 * step with what is shown, and Escape closes the menu and gives focus back to the button. Loaded with `defer`
 * from a static file: the Content-Security-Policy allows no inline script.
 */
(function () {
  "use strict";

  var button = document.querySelector(".nav-toggle[aria-controls]");
  var menu = document.querySelector("[data-site-menu]");
  if (!button || !menu) {
    return;
  }
  var nav = document.getElementById(button.getAttribute("aria-controls"));
  if (!nav) {
    return;
  }

  menu.open = true;
  document.documentElement.classList.add("has-nav-toggle");
  button.hidden = false;

  function setExpanded(expanded) {
    button.setAttribute("aria-expanded", expanded ? "true" : "false");
    nav.classList.toggle("site-nav--open", expanded);
  }

  // Closed by default on a phone; the button is hidden by CSS on wider screens, where the navigation always shows.
  setExpanded(false);

  button.addEventListener("click", function () {
    setExpanded(button.getAttribute("aria-expanded") !== "true");
  });

  // A <details> summary toggles it even when hidden from view: keep it open for this script to manage.
  menu.addEventListener("toggle", function () {
    if (!menu.open) {
      menu.open = true;
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") {
      return;
    }
    var openAccountMenu = document.querySelector(".account-menu[open]");
    if (openAccountMenu && openAccountMenu.contains(document.activeElement)) {
      openAccountMenu.open = false;
      openAccountMenu.querySelector("summary").focus();
      return;
    }
    if (button.getAttribute("aria-expanded") === "true" && nav.contains(document.activeElement)) {
      setExpanded(false);
      button.focus();
    }
  });
})();
