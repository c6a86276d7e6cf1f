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
