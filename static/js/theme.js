// The colour mode of the page (Bootstrap's data-bs-theme on <html>): the user's setting, "light"
// or "dark", or "auto", which follows the system's prefers-color-scheme, also when it changes.
// Loaded first in <head> and not deferred, so the page is painted in its mode from the start.
(() => {
  "use strict";
  const root = document.documentElement;
  if (root.dataset.bsTheme !== "auto") {
    return;
  }
  const dark = window.matchMedia("(prefers-color-scheme: dark)");
  const follow = () => {
    root.dataset.bsTheme = dark.matches ? "dark" : "light";
  };
  follow();
  dark.addEventListener("change", follow);
})();
