// Drive nrqb/widgets/explorers.mjs (the explorers' state, without a DOM) through slider sequences written by
// tests/test_widgets.py. Usage: node tests/js/run_explorer.mjs sequences.json results.json
// A sequence is {view, sliders, values, steps: [{set: {name: value}} | {click: action}], keep?: bool}; for each step
// the result records whether it was valid, the message, the values, the last valid values and readout, whether
// every plotted number and readout is finite, what each slider shows, and any exception that escaped (a bug).
import { readFileSync, writeFileSync } from "node:fs";
import { ExplorerState } from "../../nrqb/widgets/explorers.mjs";

function finiteArrays(result) {
  // Every number that reaches a plot or the readout: typed arrays, arrays (null = a gap, allowed) and numbers.
  const bad = [];
  const visit = (value, path) => {
    if (value === null || value === undefined || typeof value === "string" || typeof value === "boolean") return;
    if (typeof value === "number") {
      if (!Number.isFinite(value)) bad.push(path);
    } else if (ArrayBuffer.isView(value)) {
      for (let i = 0; i < value.length; i++) if (!Number.isFinite(value[i])) bad.push(`${path}[${i}]`);
    } else if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) visit(value[i], `${path}[${i}]`);
    } else if (typeof value === "object") {
      for (const [k, v] of Object.entries(value)) visit(v, `${path}.${k}`);
    }
  };
  visit(result, "result");
  return bad.slice(0, 3);
}

function snapshot(state, keep) {
  const displays = Object.fromEntries(state.sliders.map((s) => [s.name, state.display(s.name)]));
  const out = {
    valid: state.valid,
    message: state.message,
    values: { ...state.values },
    validValues: state.validValues,
    readout: state.result ? state.result.readout : null,
    notFinite: state.result ? finiteArrays(state.result) : [],
    displays,
    sliders: state.sliders,
  };
  if (keep && state.result) {
    const { readout, ...arrays } = state.result;
    // Typed arrays and arrays of numbers (null = a gap), one level of nesting flattened to "byR.E_nor".
    out.arrays = {};
    const take = (prefix, obj) => {
      for (const [k, v] of Object.entries(obj)) {
        if (ArrayBuffer.isView(v) || (Array.isArray(v) && v.every((x) => x === null || typeof x === "number"))) {
          out.arrays[prefix + k] = Array.from(v);
        } else if (v && typeof v === "object" && !Array.isArray(v) && !prefix) take(`${k}.`, v);
      }
    };
    take("", arrays);
  }
  return out;
}

const sequences = JSON.parse(readFileSync(process.argv[2], "utf8"));
const results = sequences.map((seq) => {
  let state;
  try {
    state = new ExplorerState(seq.view, seq.sliders, seq.values);
  } catch (err) {
    return { escaped: `constructor: ${err.stack}` };
  }
  const steps = [snapshot(state, false)];
  for (const [i, step] of seq.steps.entries()) {
    try {
      const returned = step.set ? state.set(step.set) : state.click(step.click);
      steps.push({ ...snapshot(state, seq.keep && i === seq.steps.length - 1), returned });
    } catch (err) {
      return { escaped: `step ${i} ${JSON.stringify(step)}: ${err.stack}`, steps };
    }
  }
  return { steps };
});
writeFileSync(process.argv[3], JSON.stringify(results));
