// The project's topology, drawn with cytoscape.js and kept live without flicker: it fetches the
// graph JSON again whenever the mirror changes (the browser revalidates it by its ETag), and adds,
// removes and updates only the elements that changed.
// The server lays the graph out (networks as columns, routers above them; see
// networks/selectors/topology.py). Nodes the user drags stay where they were put (remembered per
// project in localStorage) and no update moves a node already drawn: a new node goes where the
// server put it, or to the nearest free spot around it.
// Labels stay readable at thousands of nodes: node labels appear once zoomed in enough to be read,
// edge labels (addresses) only when zoomed in further, or on the element hovered or selected and
// its lines; long labels end in "…", and the full text is the tooltip and the details panel.
(function () {
  "use strict";

  const container = document.getElementById("topology");
  if (!container || !window.cytoscape) {
    return;
  }
  const storageKey = `topology-placed:${container.dataset.project}`;
  // Where the user put the nodes they dragged, by element id.
  const placed = JSON.parse(window.localStorage.getItem(storageKey) || "{}");
  const URL_ID = "00000000-0000-0000-0000-000000000000"; // the id in the graph's URL templates
  const details = document.getElementById("topology-details");
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
          width: 140,
          height: "data(height)",
        },
      },
      { selector: "node[?external]", style: { "background-color": "#fff3cd", "border-color": "#997404" } },
      {
        selector: 'node[kind = "subnet"]',
        style: { shape: "rectangle", width: 120, height: 22, "background-color": "#cfe2ff", "border-color": "#0d6efd", "text-valign": "center", "text-margin-y": 0, "font-size": 10, "text-max-width": "114px", "z-index": 1 },
      },
      { selector: 'node[kind = "router"]', style: { shape: "diamond", width: 34, height: 34, "background-color": "#198754", "border-color": "#146c43" } },
      { selector: 'node[kind = "server"]', style: { shape: "round-rectangle", width: 30, height: 30, "background-color": "#6f42c1", "border-color": "#59359a" } },
      { selector: 'node[kind = "port"]', style: { shape: "ellipse", width: 14, height: 14 } },
      { selector: 'node[status = "DOWN"], node[status = "SHUTOFF"]', style: { "border-color": "#6c757d", "border-style": "dashed", "background-color": "#adb5bd" } },
      { selector: 'node[status = "ERROR"]', style: { "border-color": "#dc3545", "background-color": "#dc3545", "border-width": 3 } },
      { selector: 'node[status = "BUILD"]', style: { "border-color": "#0dcaf0", "border-style": "dotted" } },
      {
        selector: "edge",
        style: { width: 2, "line-color": "#adb5bd", "curve-style": "haystack", "haystack-radius": 0, label: "data(label)", "font-size": 9, "min-zoomed-font-size": EDGE_LABEL_MIN_PX, "text-wrap": "ellipsis", "text-max-width": "160px", "text-rotation": "autorotate", "text-background-color": "#fff", "text-background-opacity": 0.8 },
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
  let version = 0;
  let shown = "";

  // The graph's compact rows (networks/selectors/topology.py) as cytoscape.js elements.
  function elementsOf(graph) {
    const nodes = graph.nodes.map(([kind, id, label, status, x, y, extra = {}]) => {
      const template = graph.urls[kind];
      const data = { id: `${kind}:${id}`, kind, label, status, home: { x, y }, url: template ? template.replace(URL_ID, id) : "" };
      if (extra.network !== undefined) {
        data.network = `network:${graph.nodes[extra.network][1]}`;
      }
      for (const key of ["cidr", "floating_ips", "external", "own", "height"]) {
        if (extra[key] !== undefined) {
          data[key] = extra[key];
        }
      }
      return { group: "nodes", data, position: { x, y } };
    });
    const edges = graph.edges.map(([kind, key, source, target, label, status]) => ({
      group: "edges",
      data: { id: `${kind}:${key}`, kind, source: nodes[source].data.id, target: nodes[target].data.id, label, status },
    }));
    return [...nodes, ...edges];
  }

  function sameData(element, data) {
    const current = element.data();
    return Object.keys(data).every((key) => JSON.stringify(current[key]) === JSON.stringify(data[key]));
  }

  // Grid cells (of the size of an instance) that drawn nodes take, to find free spots in O(1).
  const CELL = 60;
  function cellOf(position) {
    return `${Math.round(position.x / CELL)},${Math.round(position.y / CELL)}`;
  }

  // The free cell nearest to `wanted`, searched ring by ring around it.
  function freeSpot(wanted, taken) {
    const cx = Math.round(wanted.x / CELL);
    const cy0 = Math.round(wanted.y / CELL);
    for (let ring = 0; ; ring += 1) {
      for (let dx = -ring; dx <= ring; dx += 1) {
        for (let dy = -ring; dy <= ring; dy += 1) {
          if (Math.max(Math.abs(dx), Math.abs(dy)) === ring && !taken.has(`${cx + dx},${cy0 + dy}`)) {
            return ring === 0 ? wanted : { x: (cx + dx) * CELL, y: (cy0 + dy) * CELL };
          }
        }
      }
    }
  }

  const nextPaint = () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));

  // The first picture: the nodes, painted, then the lines. Styling an element is most of
  // cytoscape.js's time, so every node shows in about half the time the whole graph takes.
  async function drawFirst(elements) {
    const nodes = elements.filter((element) => element.group === "nodes");
    for (const node of nodes) {
      if (placed[node.data.id]) {
        node.position = { ...placed[node.data.id] };
      }
    }
    cy.add(nodes);
    cy.fit(undefined, 30);
    await nextPaint();
    performance.mark("topology:nodes-drawn");
    cy.add(elements.filter((element) => element.group === "edges"));
  }

  function update(elements) {
    const wanted = new Set(elements.map((element) => element.data.id));
    const taken = new Set();
    const shifted = new Map(); // by new network: how far from its home it went
    cy.batch(() => {
      cy.elements().forEach((element) => {
        if (!wanted.has(element.id())) {
          element.remove();
        }
      });
      cy.nodes('[kind != "network"]').forEach((node) => taken.add(cellOf(node.position())));
      for (const element of elements) {
        const existing = cy.getElementById(element.data.id);
        if (existing.nonempty()) {
          if (!sameData(existing, element.data)) {
            existing.data(element.data);
          }
          continue;
        }
        if (element.group === "nodes") {
          const { kind, network, home } = element.data;
          // A new subnet of a new network goes where its network went.
          const shift = kind === "subnet" && shifted.get(network);
          const position = placed[element.data.id] || (shift ? { x: home.x + shift.x, y: home.y + shift.y } : freeSpot(home, taken));
          element.position = { ...position };
          if (kind === "network") {
            shifted.set(element.data.id, { x: position.x - home.x, y: position.y - home.y });
          } else {
            taken.add(cellOf(position));
          }
        }
        cy.add(element);
      }
    });
  }

  async function apply(graph) {
    const elements = elementsOf(graph);
    if (cy.elements().empty()) {
      await drawFirst(elements);
    } else {
      update(elements);
    }
    version += 1;
    container.dataset.version = String(version);
    container.dataset.nodes = String(cy.nodes().length);
    highlight();
  }

  // One graph download and drawing at a time, in the order the changes came.
  let loading = Promise.resolve();
  function refresh() {
    loading = loading.then(load);
  }

  async function load() {
    if (document.hidden) {
      return;
    }
    try {
      const response = await fetch(container.dataset.graphUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (response.ok) {
        // A 304 (nothing changed) reaches here as the cached 200: same text, nothing to do.
        const text = await response.text();
        if (text !== shown) {
          shown = text;
          await apply(JSON.parse(text));
        }
      }
    } catch (error) {
      // The next change tries again; the list view below still shows the last render.
    }
  }

  // A network's box and the subnets drawn on it move together.
  function withSubnets(node) {
    return node.data("kind") === "network" ? node.union(cy.nodes().filter((other) => other.data("network") === node.id())) : node;
  }

  let dragFrom = null;
  cy.on("grab", 'node[kind = "network"]', (event) => {
    dragFrom = { ...event.target.position() };
  });
  cy.on("drag", 'node[kind = "network"]', (event) => {
    const to = event.target.position();
    if (dragFrom) {
      withSubnets(event.target).not(event.target).shift({ x: to.x - dragFrom.x, y: to.y - dragFrom.y });
    }
    dragFrom = { ...to };
  });

  // Remembers the dragged node (a network: with its subnets) where the user let go of it.
  function rememberPlaced(event) {
    withSubnets(event.target).forEach((node) => {
      placed[node.id()] = { ...node.position() };
    });
    window.localStorage.setItem(storageKey, JSON.stringify(placed));
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
    cy.elements().not(matches).addClass("faded");
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
  cy.on("dragfree", "node", rememberPlaced);
  search?.addEventListener("input", () => {
    highlight();
    const matches = cy.nodes(".match");
    if (matches.nonempty()) {
      cy.animate({ fit: { eles: matches, padding: 60 }, duration: 200 });
    }
  });
  document.getElementById("topology-fit")?.addEventListener("click", () => cy.fit(undefined, 30));
  // Forgets what the user placed and puts every node where the server's layout has it.
  document.getElementById("topology-relayout")?.addEventListener("click", () => {
    for (const key of Object.keys(placed)) {
      delete placed[key];
    }
    window.localStorage.removeItem(storageKey);
    cy.batch(() => cy.nodes().forEach((node) => node.position({ ...node.data("home") })));
    cy.fit(undefined, 30);
  });
  // Redrawn when an operation ends or the mirror changes (static/js/live.js polls its version),
  // so an idle picture costs no graph downloads.
  for (const event of ["networks:changed", "instances:changed", "mirror:changed"]) {
    document.body.addEventListener(event, refresh);
  }
  refresh();
})();
