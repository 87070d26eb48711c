// Bundle the explorers' front end for anywidget: nrqb/widgets/widget.mjs with its imports (explorers.mjs,
// physics.mjs, analysis.mjs, colormap.mjs, uPlot) -> nrqb/widgets/static/explorer.js, one ES module (an
// anywidget _esm is loaded from a blob: URL, where relative imports do not resolve), and uPlot's CSS plus
// explorer.css -> nrqb/widgets/static/explorer.css. uPlot's licence goes at the top of the bundle and beside it.
//
// Usage: node tools/js/build.mjs          write the bundle
//        node tools/js/build.mjs --check  exit 1 if the committed bundle differs from a fresh build
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const widgets = join(here, "..", "..", "nrqb", "widgets");
const uplot = join(here, "node_modules", "uplot");
const out = join(widgets, "static");
const version = JSON.parse(readFileSync(join(uplot, "package.json"), "utf8")).version;
const licence = readFileSync(join(uplot, "LICENSE"), "utf8").trim();

const banner =
  "/* nrqb explorers (nrqb/widgets/*.mjs, MIT licence), bundled by tools/js/build.mjs with esbuild " +
  `${esbuild.version}.\n   Includes uPlot ${version} (https://github.com/leeoniya/uPlot), under this licence:\n\n` +
  licence.replace(/\*\//g, "* /") +
  "\n*/";

const result = await esbuild.build({
  entryPoints: [join(widgets, "widget.mjs")],
  bundle: true,
  nodePaths: [join(here, "node_modules")], // the sources live outside tools/js
  format: "esm",
  minify: true,
  target: ["es2020"],
  legalComments: "none",
  banner: { js: banner },
  write: false,
  logLevel: "silent",
});
const files = {
  "explorer.js": result.outputFiles[0].text,
  "explorer.css":
    `/* uPlot ${version} styles (MIT licence, see uPlot.LICENSE), then the explorers' own (nrqb/widgets/explorer.css). */\n` +
    readFileSync(join(uplot, "dist", "uPlot.min.css"), "utf8").trim() +
    "\n" +
    readFileSync(join(widgets, "explorer.css"), "utf8"),
  "uPlot.LICENSE": `${licence}\n`,
};

if (process.argv.includes("--check")) {
  const stale = Object.entries(files).filter(([name, text]) => {
    try {
      return readFileSync(join(out, name), "utf8") !== text;
    } catch {
      return true;
    }
  });
  if (stale.length) {
    console.error(`out of date: ${stale.map(([n]) => `nrqb/widgets/static/${n}`).join(", ")}; run make js-bundle`);
    process.exit(1);
  }
  console.log("nrqb/widgets/static is up to date with its sources");
} else {
  mkdirSync(out, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(out, name), text);
  console.log(`wrote nrqb/widgets/static/{${Object.keys(files).join(",")}} (explorer.js: ${files["explorer.js"].length} bytes)`);
}
