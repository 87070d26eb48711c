// Evaluate nrqb/widgets/physics.mjs and analysis.mjs on cases written by tests/test_physics_js.py.
// Usage: node tests/js/run_physics.mjs cases.json results.json
// Each case is {fn: "evolve" | "steadyState" | "exceptionalCoupling" | "peakPower" | "eigenvalues", p, t?, tMax?};
// each result is {ok: true, value} or {ok: false, error, param}. Non-finite numbers are written as strings.
import { readFileSync, writeFileSync } from "node:fs";
import * as analysis from "../../nrqb/widgets/analysis.mjs";
import * as physics from "../../nrqb/widgets/physics.mjs";

const functions = {
  evolve: (c) => physics.evolve(c.p, c.t),
  steadyState: (c) => physics.steadyState(c.p),
  exceptionalCoupling: (c) => physics.exceptionalCoupling(c.p),
  eigenvalues: (c) => physics.eigenvalues(c.p),
  peakPower: (c) => analysis.peakPower(c.p, c.tMax ?? undefined),
};

function plain(value) {
  if (value instanceof Float64Array) return Array.from(value, plain);
  if (Array.isArray(value)) return value.map(plain);
  if (typeof value === "number") return Number.isFinite(value) ? value : String(value);
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  return value;
}

const cases = JSON.parse(readFileSync(process.argv[2], "utf8"));
const results = cases.map((c) => {
  try {
    return { ok: true, value: plain(functions[c.fn](c)) };
  } catch (err) {
    if (!(err instanceof physics.ParameterError)) return { ok: false, error: `${err.name}: ${err.message}`, unexpected: true };
    return { ok: false, error: err.message, param: err.param };
  }
});
writeFileSync(process.argv[3], JSON.stringify(results));
