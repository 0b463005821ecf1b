// Copies the pinned npm packages' distribution files into static/vendor, which is committed:
// the dashboard serves them itself and needs neither npm nor a CDN at run time. noVNC goes to
// devcloud/novnc (also committed), next to devcloud's console page, for nova-novncproxy to serve.
import { cpSync, mkdirSync, rmSync } from "node:fs";

const files = [
  ["bootstrap/dist/css/bootstrap.min.css", "bootstrap/bootstrap.min.css"],
  ["bootstrap/dist/css/bootstrap.min.css.map", "bootstrap/bootstrap.min.css.map"],
  ["bootstrap/dist/js/bootstrap.bundle.min.js", "bootstrap/bootstrap.bundle.min.js"],
  ["bootstrap/dist/js/bootstrap.bundle.min.js.map", "bootstrap/bootstrap.bundle.min.js.map"],
  ["bootstrap/LICENSE", "bootstrap/LICENSE"],
  ["cytoscape/dist/cytoscape.min.js", "cytoscape/cytoscape.min.js"],
  ["cytoscape/LICENSE", "cytoscape/LICENSE"],
];

for (const [from, to] of files) {
  mkdirSync(`static/vendor/${to.split("/").slice(0, -1).join("/")}`, { recursive: true });
  cpSync(`node_modules/${from}`, `static/vendor/${to}`);
}

const novnc = "devcloud/novnc";
for (const dir of ["core", "vendor"]) {
  rmSync(`${novnc}/${dir}`, { recursive: true, force: true });
  cpSync(`node_modules/@novnc/novnc/${dir}`, `${novnc}/${dir}`, { recursive: true });
}
cpSync("node_modules/@novnc/novnc/LICENSE.txt", `${novnc}/LICENSE.txt`);
cpSync("node_modules/@novnc/novnc/docs", `${novnc}/docs`, {
  recursive: true,
  filter: (path) => !path.endsWith(".md"),
});
