// The project's topology, drawn with cytoscape.js (layered dagre layout) and kept live without
// flicker: it fetches the graph JSON again whenever the mirror changes, and adds, removes and
// updates only the elements that changed.
// Positions are laid out once; nodes the user drags stay where they were put (remembered per
// project in localStorage), and new nodes are placed beside their neighbours, so nothing jumps.
// Labels stay readable at a thousand nodes: node labels appear once zoomed in enough to be read,
// edge labels (addresses) only when zoomed in further, or on the element hovered or selected and
// its lines; long labels end in "…", and the full text is the tooltip and the details panel.
(function () {
  "use strict";

  const container = document.getElementById("topology");
  if (!container || !window.cytoscape) {
    return;
  }
  const storageKey = `topology-positions:${container.dataset.project}`;
  const saved = JSON.parse(window.localStorage.getItem(storageKey) || "{}");
  const details = document.getElementById("topology-details");
  const KIND_ORDER = { network: 0, subnet: 1, router: 2, server: 3, port: 4 };
  // Edge labels (9 px) are drawn once they would be this large on screen: from zoom 1.45.
  const EDGE_LABEL_MIN_PX = 13;

  const cy = window.cytoscape({
    container,
    wheelSensitivity: 0.2,
    minZoom: 0.05,
    maxZoom: 3,
    style: [
      {
        selector: "node",
        style: {
          label: "data(label)",
          "font-size": 11,
          "min-zoomed-font-size": 8,
          "text-wrap": "ellipsis",
          "text-max-width": "110px",
          "text-valign": "bottom",
          "text-margin-y": 4,
          "background-color": "#6c757d",
          "border-width": 2,
          "border-color": "#adb5bd",
        },
      },
      {
        selector: 'node[kind = "network"]',
        style: {
          shape: "round-rectangle",
          "background-color": "#e7f1ff",
          "background-opacity": 0.6,
          "border-color": "#0d6efd",
          "text-valign": "top",
          "text-margin-y": -4,
          "font-weight": "bold",
          "text-max-width": "240px",
          padding: 12,
        },
      },
      { selector: "node[?external]", style: { "background-color": "#fff3cd", "border-color": "#997404" } },
      {
        selector: 'node[kind = "subnet"]',
        style: { shape: "rectangle", width: 120, height: 22, "background-color": "#cfe2ff", "border-color": "#0d6efd", "text-valign": "center", "text-margin-y": 0, "font-size": 10, "text-max-width": "114px" },
      },
      { selector: 'node[kind = "router"]', style: { shape: "diamond", width: 34, height: 34, "background-color": "#198754", "border-color": "#146c43" } },
      { selector: 'node[kind = "server"]', style: { shape: "round-rectangle", width: 30, height: 30, "background-color": "#6f42c1", "border-color": "#59359a" } },
      { selector: 'node[kind = "port"]', style: { shape: "ellipse", width: 14, height: 14 } },
      { selector: 'node[status = "DOWN"], node[status = "SHUTOFF"]', style: { "border-color": "#6c757d", "border-style": "dashed", "background-color": "#adb5bd" } },
      { selector: 'node[status = "ERROR"]', style: { "border-color": "#dc3545", "background-color": "#dc3545", "border-width": 3 } },
      { selector: 'node[status = "BUILD"]', style: { "border-color": "#0dcaf0", "border-style": "dotted" } },
      {
        selector: "edge",
        style: { width: 2, "line-color": "#adb5bd", "curve-style": "bezier", label: "data(label)", "font-size": 9, "min-zoomed-font-size": EDGE_LABEL_MIN_PX, "text-wrap": "ellipsis", "text-max-width": "160px", "text-rotation": "autorotate", "text-background-color": "#fff", "text-background-opacity": 0.8 },
      },
      { selector: 'edge[kind = "gateway"]', style: { "line-style": "dashed", "line-color": "#997404" } },
      { selector: 'edge[status = "DOWN"]', style: { "line-color": "#ced4da" } },
      { selector: 'edge[status = "ERROR"]', style: { "line-color": "#dc3545" } },
      // The element under the pointer or selected, and its lines: labels at any zoom, on top.
      { selector: ".hover, .focus, :selected", style: { "min-zoomed-font-size": 0, "z-index": 10, "text-max-width": "400px" } },
      { selector: ".faded", style: { opacity: 0.15 } },
      { selector: ".match", style: { "border-color": "#fd7e14", "border-width": 4 } },
      { selector: ":selected", style: { "border-color": "#fd7e14", "line-color": "#fd7e14", "border-width": 4 } },
    ],
  });
  window.dashboardTopology = cy; // for the browser tests
  let laidOut = false;
  let version = 0;

  // Dagre's layered layout; on large graphs its cheaper ranker keeps the first draw quick.
  function layoutOptions(extra) {
    const large = cy.nodes().length > 300;
    return { name: "dagre", rankDir: "LR", nodeSep: 30, rankSep: 90, animate: false, ranker: large ? "longest-path" : "network-simplex", ...extra };
  }

  // Nodes before edges, parents before children, so every element finds what it refers to.
  function order(a, b) {
    if (a.group !== b.group) {
      return a.group === "nodes" ? -1 : 1;
    }
    return (KIND_ORDER[a.data.kind] ?? 9) - (KIND_ORDER[b.data.kind] ?? 9);
  }

  function sameData(element, data) {
    const current = element.data();
    return Object.keys(data).every((key) => JSON.stringify(current[key]) === JSON.stringify(data[key]));
  }

  // Beside the nodes it is connected to, or under everything when it has no placed neighbour.
  function placeNear(node, index) {
    const neighbours = node.neighborhood("node").filter((other) => !other.same(node) && other.data("placed"));
    const box = cy.nodes().filter((other) => other.data("placed")).boundingBox();
    let x = Number.isFinite(box.x1) ? box.x1 + 60 * (index % 10) : 0;
    let y = Number.isFinite(box.y2) ? box.y2 + 60 + 60 * Math.floor(index / 10) : 0;
    if (neighbours.nonempty()) {
      const centre = neighbours.reduce((sum, other) => ({ x: sum.x + other.position("x"), y: sum.y + other.position("y") }), { x: 0, y: 0 });
      x = centre.x / neighbours.length + 70;
      y = centre.y / neighbours.length + 50 + 20 * (index % 3);
    }
    node.position({ x, y });
  }

  function apply(elements) {
    const wanted = new Set(elements.map((element) => element.data.id));
    const added = [];
    cy.batch(() => {
      cy.elements().forEach((element) => {
        if (!wanted.has(element.id())) {
          element.remove();
        }
      });
      for (const element of [...elements].sort(order)) {
        const existing = cy.getElementById(element.data.id);
        if (existing.nonempty()) {
          if ((existing.data("parent") || null) !== (element.data.parent || null)) {
            existing.move({ parent: element.data.parent || null });
          }
          if (!sameData(existing, element.data)) {
            existing.data(element.data);
          }
          continue;
        }
        const { source, target, parent } = element.data;
        if (element.group === "edges" && (cy.getElementById(source).empty() || cy.getElementById(target).empty())) {
          continue;
        }
        if (parent && cy.getElementById(parent).empty()) {
          delete element.data.parent;
        }
        added.push(cy.add(element));
      }
    });
    const newNodes = cy.collection(added).nodes().filter((node) => !node.isParent());
    if (!laidOut) {
      if (cy.nodes().nonempty()) {
        cy.layout(layoutOptions({ fit: false })).run();
        cy.nodes().forEach((node) => {
          const position = saved[node.id()];
          if (position && !node.isParent()) {
            node.position(position);
          }
        });
        cy.fit(undefined, 30);
        laidOut = true;
      }
    } else {
      newNodes.forEach((node, index) => {
        const position = saved[node.id()];
        if (position) {
          node.position(position);
        } else {
          placeNear(node, index);
        }
      });
    }
    cy.nodes().forEach((node) => node.data("placed", true));
    version += 1;
    container.dataset.version = String(version);
    container.dataset.nodes = String(cy.nodes().length);
    highlight();
  }

  async function refresh() {
    if (document.hidden) {
      return;
    }
    try {
      const response = await fetch(container.dataset.graphUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (response.ok) {
        apply((await response.json()).elements);
      }
    } catch (error) {
      // The next change tries again; the list view below still shows the last render.
    }
  }

  function savePositions() {
    cy.nodes().forEach((node) => {
      if (!node.isParent()) {
        saved[node.id()] = { ...node.position() };
      }
    });
    window.localStorage.setItem(storageKey, JSON.stringify(saved));
  }

  const search = document.getElementById("topology-search");
  function highlight() {
    const query = (search?.value || "").trim().toLowerCase();
    cy.elements().removeClass("match faded");
    if (!query) {
      return;
    }
    const matches = cy.nodes().filter((node) => {
      const data = node.data();
      return [data.label, data.cidr, ...(data.floating_ips || [])].some((text) => String(text || "").toLowerCase().includes(query));
    });
    cy.elements().not(matches.union(matches.ancestors())).addClass("faded");
    matches.addClass("match");
  }

  function link(text, href) {
    const anchor = document.createElement("a");
    anchor.className = "btn btn-sm btn-outline-primary me-1 mb-1";
    anchor.href = href;
    anchor.textContent = text;
    return anchor;
  }

  // Labels come from the JavaScript catalog (/jsi18n/, loaded before this script).
  const ACTIONS = {
    router: [[gettext("Add interface"), "#interfaces"], [gettext("Static routes"), "#routes"]],
    server: [[gettext("Console"), "#console"], [gettext("Associate floating IP"), "#floating-ips"]],
    port: [[gettext("Associate floating IP"), "#floating-ips"]],
    network: [[gettext("Subnets"), "#subnets"]],
  };

  // What each kind of element is called in its summary (the graph's own `kind` values).
  const KIND_NAMES = {
    network: gettext("Network"),
    subnet: gettext("Subnet"),
    router: gettext("Router"),
    server: gettext("Instance"),
    port: gettext("Port"),
    nic: gettext("Instance port"),
    interface: gettext("Router interface"),
    gateway: gettext("External gateway"),
    attachment: gettext("Port attachment"),
  };

  function showDetails(data) {
    const body = document.createElement("div");
    body.className = "card-body";
    const title = document.createElement("h2");
    title.className = "h6 card-title";
    title.textContent = interpolate(gettext("%(kind)s: %(label)s"), { kind: KIND_NAMES[data.kind] || data.kind, label: data.label }, true);
    body.append(title);
    const facts = document.createElement("dl");
    facts.className = "mb-2";
    for (const [name, value] of [[gettext("Status"), data.status], ["CIDR", data.cidr], [gettext("Addresses"), data.kind === "nic" || data.kind === "interface" ? data.label : ""], [gettext("Floating IPs"), (data.floating_ips || []).join(", ")]]) {
      if (value) {
        const term = document.createElement("dt");
        term.textContent = name;
        const description = document.createElement("dd");
        description.textContent = value;
        facts.append(term, description);
      }
    }
    body.append(facts);
    if (data.url) {
      body.append(link(gettext("Open"), data.url));
      for (const [text, anchor] of ACTIONS[data.kind] || []) {
        body.append(link(text, data.url + anchor));
      }
    }
    details.replaceChildren(body);
  }

  cy.on("tap", "node, edge", (event) => showDetails(event.target.data()));
  cy.on("mouseover", "node, edge", (event) => {
    const element = event.target;
    element.addClass("hover");
    if (element.isNode()) {
      element.connectedEdges().addClass("hover");
    }
    container.title = element.data("label") || "";
  });
  cy.on("mouseout", "node, edge", (event) => {
    const element = event.target;
    element.removeClass("hover");
    if (element.isNode()) {
      element.connectedEdges().removeClass("hover");
    }
    container.title = "";
  });
  cy.on("select", "node", (event) => event.target.connectedEdges().addClass("focus"));
  cy.on("unselect", "node", (event) => event.target.connectedEdges().removeClass("focus"));
  cy.on("dragfree", "node", savePositions);
  search?.addEventListener("input", () => {
    highlight();
    const matches = cy.nodes(".match");
    if (matches.nonempty()) {
      cy.animate({ fit: { eles: matches, padding: 60 }, duration: 200 });
    }
  });
  document.getElementById("topology-fit")?.addEventListener("click", () => cy.fit(undefined, 30));
  document.getElementById("topology-relayout")?.addEventListener("click", () => {
    for (const key of Object.keys(saved)) {
      delete saved[key];
    }
    window.localStorage.removeItem(storageKey);
    cy.layout(layoutOptions({})).run();
  });
  // Redrawn when an operation ends or the mirror changes (static/js/live.js polls its version),
  // so an idle picture costs no graph downloads.
  for (const event of ["networks:changed", "instances:changed", "mirror:changed"]) {
    document.body.addEventListener(event, refresh);
  }
  refresh();
})();
