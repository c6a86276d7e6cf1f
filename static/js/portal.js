// Progressive enhancement only: without JavaScript the menu is simply open everywhere.
// On narrow screens the menu starts closed (a "Menu" button); on wide screens it is always open.
(function () {
  var menu = document.querySelector("details.menu");
  if (!menu || !window.matchMedia) return;
  var wide = window.matchMedia("(min-width: 48em)");
  function sync() {
    menu.open = wide.matches;
  }
  sync();
  if (wide.addEventListener) wide.addEventListener("change", sync);
})();

// After a form comes back with errors, start keyboard and screen reader users where the problem is:
// on the error summary if the page has one, otherwise on the first invalid field.
(function () {
  var summary = document.querySelector("main .error-summary, main .form-errors");
  var target = summary || document.querySelector('main [aria-invalid="true"]');
  if (!target) return;
  if (target === summary && !summary.hasAttribute("tabindex")) summary.setAttribute("tabindex", "-1");
  target.focus();
})();
