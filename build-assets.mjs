// Compile the GOV.UK Frontend Sass with our font stack and copy the scripts and assets we serve.
import { cpSync, mkdirSync, writeFileSync } from "node:fs";
import * as sass from "sass";

const out = "static/build";
mkdirSync(out, { recursive: true });
const css = sass.compile("static/scss/apdash.scss", {
  loadPaths: ["node_modules/govuk-frontend/dist"],
  style: "compressed",
  quietDeps: true,
  silenceDeprecations: ["import", "mixed-decls", "global-builtin", "slash-div"],
});
writeFileSync(`${out}/apdash.css`, css.css);
cpSync("node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js", `${out}/govuk-frontend.min.js`);
cpSync("node_modules/govuk-frontend/dist/govuk/assets", `${out}/assets`, { recursive: true });
cpSync("node_modules/htmx.org/dist/htmx.min.js", `${out}/htmx.min.js`);
console.log(`assets built in ${out}`);
