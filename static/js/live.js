// Keeps an open page in step with the mirror. It polls the session's mirror version (of every
// project on an administrator's page that lists them, <body data-mirror-all>; a tiny
// endpoint answering 204 while nothing changed) every POLL_MS while the tab is visible; when the
// version moves, or the page's "Synced N minutes ago" notes would read differently, it fires
// `mirror:changed` on <body>, and each live part (a list's table, a detail's body, the
// overview's usage), listening with `hx-trigger="mirror:changed from:body"`, reloads itself
// with its own URL, so filters, sort and page stay. Around such a reload it keeps the user's
// state: checked rows and the focused control (kept through a new sort or filter too) and
// scroll positions come back, and a part holding a form the user is typing in waits until that
// form is submitted, reset or left as it was, and one with a menu open until the menu closes. A
// detail whose object is gone answers its reload with a banner (X-Object-Gone), which is put above
// the part, now disabled. A page of a project the session has switched away from (in another tab)
// reloads.
(function () {
  "use strict";

  const POLL_MS = 1500;
  const body = document.body;
  const url = body.dataset.mirrorUrl;
  if (!url || !window.htmx) {
    return;
  }
  const TYPING =
    "input:not([type=checkbox]):not([type=radio]):not([type=submit]):not([type=button])" +
    ":not([type=hidden]), select, textarea";
  let version = body.dataset.mirrorVersion || "";
  // The freshness notes' version, of the sync groups the page shows; the first answer is the
  // baseline (the notes were rendered a moment before).
  let freshness = "";
  let freshnessGroups = "";
  let timer = null;
  let polling = false;
  const waiting = new Set();

  function schedule() {
    if (timer === null && document.visibilityState === "visible") {
      timer = window.setTimeout(poll, POLL_MS);
    }
  }

  async function poll() {
    timer = null;
    if (polling || document.visibilityState !== "visible") {
      return;
    }
    polling = true;
    const notes = document.querySelectorAll("[data-freshness-group]");
    const groups = Array.from(new Set(Array.from(notes, (note) => note.dataset.freshnessGroup)))
      .sort()
      .join(",");
    try {
      const query = new URLSearchParams({ v: version, f: freshness, groups });
      if (body.dataset.mirrorAll) {
        query.set("all", "1"); // an administrator's page that lists every project
      }
      const response = await fetch(`${url}?${query}`, {
        headers: { Accept: "application/json" },
        cache: "no-store",
      });
      if (response.redirected || response.status === 401) {
        return; // signed out: the next click shows the sign-in page
      }
      if (response.status === 200) {
        const current = await response.json();
        if (current.project !== body.dataset.mirrorProject) {
          window.location.reload(); // the session switched project in another tab
          return;
        }
        const notesMoved =
          freshness !== "" && groups === freshnessGroups && current.freshness !== freshness;
        const moved = current.version !== version || notesMoved;
        version = current.version;
        freshness = current.freshness;
        freshnessGroups = groups;
        if (moved) {
          window.htmx.trigger(body, "mirror:changed");
        }
      }
    } catch (error) {
      // The server is unreachable for a moment: the next poll tries again.
    } finally {
      polling = false;
    }
    schedule();
  }

  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible" && timer === null) {
      poll();
    }
  });

  // A form someone typed in is "dirty" until it is submitted, reset, or left as it was.
  document.addEventListener("input", (event) => {
    if (event.target.matches(TYPING) && event.target.form) {
      event.target.form.dataset.liveDirty = "";
    }
  });
  function settle(event) {
    delete event.target.dataset.liveDirty;
    window.setTimeout(resume, 0);
  }
  document.addEventListener("submit", settle);
  document.addEventListener("reset", settle);
  // Bootstrap's event when a menu closes (an item chosen, Escape, a click elsewhere).
  document.addEventListener("hidden.bs.dropdown", () => window.setTimeout(resume, 0));
  document.addEventListener("focusout", (event) => {
    const form = event.target.form;
    if (form && Array.from(form.elements).every(asLoaded)) {
      delete form.dataset.liveDirty;
    }
    window.setTimeout(resume, 0);
  });

  function asLoaded(field) {
    if (field.options) {
      return Array.from(field.options).every(
        (option) => option.selected === option.defaultSelected
      );
    }
    return !field.matches(TYPING) || field.value === field.defaultValue;
  }

  function busy(part) {
    const active = document.activeElement;
    return (
      (active !== null && part.contains(active) && active.matches(TYPING)) ||
      part.querySelector("form[data-live-dirty]") !== null ||
      part.querySelector(".dropdown-menu.show") !== null
    );
  }

  // A part busy with the user reloads once it is free again (`resume`), not now.
  function waitUntilFree(part) {
    part.dataset.liveStale = "";
    waiting.add(part);
  }

  function resume() {
    for (const part of waiting) {
      if (!part.isConnected || !busy(part)) {
        waiting.delete(part);
        delete part.dataset.liveStale;
        if (part.isConnected) {
          window.htmx.trigger(body, "mirror:changed");
        }
      }
    }
  }

  function isRefresh(detail) {
    const config = detail.requestConfig || detail; // htmx:configRequest has no requestConfig
    const event = config.triggeringEvent;
    return Boolean(event && event.type.endsWith(":changed"));
  }

  // A live part's own reload says so: a detail whose object is gone then answers with the
  // deleted banner (and X-Object-Gone) instead of a 404.
  body.addEventListener("htmx:configRequest", (event) => {
    if (isRefresh(event.detail)) {
      event.detail.headers["X-Live-Refresh"] = "true";
    }
  });

  // A live part's reload of its own accord: on a change, or its timed reload while the cloud is
  // still working on its object (`load delay:2s`, which htmx runs with no triggering event: a
  // detail page's body, a list's row).
  function isOwnReload(detail) {
    const timed =
      !detail.requestConfig.triggeringEvent && detail.elt.matches("[hx-trigger*='load delay']");
    return isRefresh(detail) || timed;
  }

  body.addEventListener("htmx:beforeRequest", (event) => {
    const part = event.detail.elt;
    if (!isOwnReload(event.detail)) {
      return;
    }
    if (part.dataset.liveGone !== undefined) {
      event.preventDefault();
    } else if (busy(part)) {
      event.preventDefault();
      waitUntilFree(part);
    }
  });

  let kept = null;
  body.addEventListener("htmx:beforeSwap", (event) => {
    const part = event.detail.target;
    if (event.detail.xhr.getResponseHeader("X-Object-Gone")) {
      event.detail.shouldSwap = false;
      showGone(part, event.detail.serverResponse);
      return;
    }
    // A reload that left before a menu opened (or typing began) and answers after: the same
    // wait as a reload asked for meanwhile.
    if (event.detail.requestConfig && isOwnReload(event.detail) && busy(part)) {
      event.detail.shouldSwap = false;
      waitUntilFree(part);
      return;
    }
    // Rows stay selected, and the focused control focused, through any reload of their part (a
    // refresh, a new sort or filter); scroll positions through a refresh, which the user did not
    // ask for.
    kept = part.id
      ? {
          id: part.id,
          checked: Array.from(part.querySelectorAll("input[type=checkbox]:checked"), (box) => [
            box.name,
            box.value,
          ]),
          refresh: isRefresh(event.detail),
          focused: focusKey(part),
          scrolled: Array.from(part.querySelectorAll(".table-responsive"), (box) => box.scrollLeft),
          x: window.scrollX,
          y: window.scrollY,
        }
      : null;
  });

  body.addEventListener("htmx:afterSwap", () => {
    const part = kept && document.getElementById(kept.id);
    if (!part) {
      return;
    }
    for (const box of part.querySelectorAll("input[type=checkbox]")) {
      if (kept.checked.some(([name, value]) => box.name === name && box.value === value)) {
        box.checked = true;
      }
    }
    const focused = kept.focused && part.querySelector(kept.focused);
    if (focused) {
      focused.focus({ preventScroll: true });
    }
    if (kept.refresh) {
      part.querySelectorAll(".table-responsive").forEach((box, index) => {
        box.scrollLeft = kept.scrolled[index] || 0;
      });
      window.scrollTo(kept.x, kept.y);
    }
    kept = null;
  });

  // How to find the focused control again in the reloaded part: a keyboard user's place in a
  // table (a row's button or link, named by its aria-label, text or address) is kept.
  function focusKey(part) {
    const active = document.activeElement;
    if (!active || active === part || !part.contains(active)) {
      return "";
    }
    if (active.id) {
      return `#${CSS.escape(active.id)}`;
    }
    if (active.localName === "input" && active.name) {
      return `input[name="${CSS.escape(active.name)}"][value="${CSS.escape(active.value)}"]`;
    }
    const name = active.getAttribute("aria-label");
    if (name) {
      return `${active.localName}[aria-label="${CSS.escape(name)}"]`;
    }
    const href = active.getAttribute("href");
    if (href) {
      return `a[href="${CSS.escape(href)}"]`;
    }
    return "";
  }

  function showGone(part, banner) {
    if (part.dataset.liveGone !== undefined) {
      return;
    }
    part.dataset.liveGone = "";
    part.insertAdjacentHTML("beforebegin", banner);
    part.inert = true;
    part.classList.add("opacity-50");
  }

  poll();
})();
