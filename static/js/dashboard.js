/* On every page: a request that fails says so in the messages area (base.html), instead of the
   click doing nothing visible. The server's own refusals and errors arrive there too, as normal
   (2xx) answers; these are the failures no answer describes. Texts come from the djangojs
   catalog (gettext, loaded before this script by base.html). */
(function () {
  "use strict";

  function show(text) {
    const area = document.getElementById("messages");
    if (!area) {
      return;
    }
    const alert = document.createElement("div");
    alert.className = "alert alert-danger";
    alert.setAttribute("role", "alert");
    alert.textContent = text;
    area.replaceChildren(alert);
    area.scrollIntoView({ block: "nearest" });
  }

  function describe(status) {
    if (status === 404) {
      return gettext("What you acted on no longer exists here: it may have been deleted. Reload the page to see what is there now.");
    }
    if (status === 403) {
      return gettext("You are not allowed to do this in this project. Ask the project's administrators if you need it.");
    }
    return interpolate(
      gettext("The dashboard could not do this (HTTP %(status)s). Reload the page and try again; if it happens again, tell the cloud's operators."),
      { status: status },
      true
    );
  }

  document.addEventListener("htmx:responseError", function (event) {
    show(describe(event.detail.xhr.status));
  });
  document.addEventListener("htmx:sendError", function () {
    show(gettext("The dashboard did not answer. Check your connection, then try again."));
  });
})();
