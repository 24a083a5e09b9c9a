// Builds static/build/ from static/src/ and pinned npm packages. Output is git-ignored.
import { cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");
const out = join(here, "build");
const modules = join(root, "node_modules");

rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, "css"), { recursive: true });

const css = sass.compile(join(here, "src", "scss", "site.scss"), {
  loadPaths: [modules],
  style: "compressed",
  quietDeps: true,
  silenceDeprecations: ["import"],
});
writeFileSync(join(out, "css", "site.css"), css.css);

const govuk = join(modules, "govuk-frontend", "dist", "govuk");
const vendor = join(out, "vendor", "govuk-frontend");
mkdirSync(vendor, { recursive: true });
cpSync(join(govuk, "govuk-frontend.min.js"), join(vendor, "govuk-frontend.min.js"));
// No GOV.UK assets are copied: the council's branding uses no GOV.UK typeface,
// crown, crest or logotype (the compiled CSS refers to the crest only under
// `.govuk-footer__copyright-logo`, a class the templates never use).
cpSync(join(here, "src", "js"), join(out, "js"), { recursive: true });

// The H5P player (h5p-standalone, MIT). Installed with --ignore-scripts; dist/ is prebuilt.
const h5p = join(modules, "h5p-standalone");
cpSync(join(h5p, "dist"), join(out, "vendor", "h5p-standalone"), { recursive: true });
cpSync(join(h5p, "LICENSE"), join(out, "vendor", "h5p-standalone", "LICENSE"));
// The SCORM runtime (scorm-again, MIT): its ES module builds for SCORM 1.2 and 2004.
const scormAgain = join(modules, "scorm-again");
const scormVendor = join(out, "vendor", "scorm-again");
mkdirSync(scormVendor, { recursive: true });
for (const name of ["scorm12.min.js", "scorm12.min.js.map", "scorm2004.min.js", "scorm2004.min.js.map"]) {
  cpSync(join(scormAgain, "dist", "esm", name), join(scormVendor, name));
}
cpSync(join(scormAgain, "LICENSE"), join(scormVendor, "LICENSE"));
console.log("front end built in static/build/");
