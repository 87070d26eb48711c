// The explorers' front end: the anywidget module (render({model, el})) that draws an ExplorerState with native
// controls and uPlot charts, in JupyterLab, Binder and the book's static pages alike. All physics runs here
// (physics.mjs, analysis.mjs through explorers.mjs); Python only holds the traits, so a static page needs no kernel.
//
// Markup contract (tests and assistive technology rely on it): every slider is an <input type="range"> with a
// visible <label>, data-param (an nrqb.Params field name, "r", "Delta" for Delta_b - Delta_a, "t_max" or "Jt_max"),
// data-value (the exact value) and an aria-valuetext starting with the value in the parameter's units; every
// readout number sits in an element with data-readout (E_B_inf, eta_inf, P_peak, t_peak, ...) whose text is the
// number (data-value has it unrounded). Messages (invalid values, no exceptional point) appear inside the widget
// and the plot keeps the last valid state; nothing is written to the console.

import uPlot from "uplot";
import { VIRIDIS, viridisCss } from "./colormap.mjs";
import { ExplorerState, formatNumber, N_MAP, R_AXIS, valueOf } from "./explorers.mjs";

/** Every trait the front end reads (all views share them; each view shows its own sliders). */
export const TRAITS = [
  "Gamma", "kappa_a", "r", "epsilon", "phi", "J", "Delta", "t_max", "Jt_max", "Delta_a", "omega", "quantity",
  "time_axis",
]; // prettier-ignore

const LIGHT = { E_B: "#0072B2", E_A: "#D55E00", eta: "#009E73", P: "#CC79A7", nor: "#0072B2", EP: "#D55E00" };
const DARK = { E_B: "#56B4E9", E_A: "#E69F00", eta: "#2FC79B", P: "#E08DBD", nor: "#56B4E9", EP: "#E69F00" };
const CHART_HEIGHT = 210;
let instances = 0;

function h(tag, attrs = {}, children = []) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "text") node.textContent = v;
    else if (k === "html") node.innerHTML = v;
    else node.setAttribute(k, v);
  }
  for (const child of children) node.append(child);
  return node;
}

function rgbOf(css) {
  const m = /rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)/.exec(css || "");
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [0, 0, 0];
}

/** Colours from the page's own text colour, so the charts follow light and dark mode. */
function palette(el) {
  const [r, g, b] = rgbOf(getComputedStyle(el).color);
  const dark = 0.2126 * r + 0.7152 * g + 0.0722 * b > 140; // light text: a dark background
  return {
    fg: `rgb(${r}, ${g}, ${b})`,
    grid: `rgba(${r}, ${g}, ${b}, 0.14)`,
    shade: `rgba(${r}, ${g}, ${b}, ${dark ? 0.16 : 0.1})`,
    series: dark ? DARK : LIGHT,
    dark,
  };
}

function axis(colours, label, extra = {}) {
  return {
    label,
    stroke: () => colours().fg,
    grid: { stroke: () => colours().grid, width: 1 },
    ticks: { stroke: () => colours().grid, width: 1 },
    font: "12px system-ui, sans-serif",
    labelFont: "12px system-ui, sans-serif",
    ...extra,
  };
}

function fmt7(x) {
  return x === null || x === undefined ? "—" : formatNumber(x, 7);
}

// ---------------------------------------------------------------- charts of each view

/** A cursor line across the plotting area at `value` on `scale` (vertical for the x scale, else horizontal). */
function cursorLine(u, value, scale, colour, dash) {
  const ctx = u.ctx;
  const { left, top, width, height } = u.bbox;
  const vertical = scale === "x";
  const at = u.valToPos(value, scale, true);
  if (!(vertical ? at >= left && at <= left + width : at >= top && at <= top + height)) return;
  ctx.save();
  ctx.strokeStyle = colour;
  ctx.lineWidth = 1.5 * devicePixelRatio;
  ctx.setLineDash(dash.map((d) => d * devicePixelRatio));
  ctx.beginPath();
  ctx.moveTo(vertical ? at : left, vertical ? top : at);
  ctx.lineTo(vertical ? at : left + width, vertical ? top + height : at);
  ctx.stroke();
  ctx.restore();
}

const PANELS = [
  ["E_B", "E_B (ω)", "battery energy E_B", "E_B(∞)"],
  ["E_A", "E_A (ω)", "charger energy E_A", "E_A(∞)"],
  ["eta", "η", "efficiency η = E_B/(E_A+E_B)", "η(∞)"],
  ["P", "P = dE_B/dt (ω²)", "charging power P", null],
];

function chargingCharts(host, colours, state) {
  const charts = [];
  const cells = [];
  let xs = null;
  for (const [key, ylabel, what] of PANELS) {
    const cell = h("figure", { class: "nrqb-chart", role: "img", "aria-label": what });
    host.append(cell);
    cells.push(cell);
    const series = [
      {},
      { label: key, stroke: () => colours().series[key], width: 2, points: { show: false } },
    ];
    if (key !== "P") series.push({ label: `${key}(∞)`, stroke: () => colours().series[key], width: 1, dash: [6, 4], points: { show: false } });
    const opts = {
      width: 300,
      height: CHART_HEIGHT,
      legend: { show: false },
      cursor: { show: false },
      scales: { x: { time: false }, y: key === "eta" ? { range: [0, 1] } : { auto: true } },
      axes: [axis(colours, "t (1/ω)"), axis(colours, ylabel, { size: 56 })],
      series,
      hooks: {
        draw: [
          (u) => {
            const res = state.result;
            if (key !== "P" || !res) return;
            const x = xs.scale * res.readout.t_peak;
            const px = u.valToPos(x, "x", true);
            const py = u.valToPos(res.readout.P_peak, "y", true);
            const ctx = u.ctx;
            ctx.save();
            ctx.fillStyle = colours().fg;
            ctx.beginPath();
            ctx.arc(px, py, 4 * devicePixelRatio, 0, 2 * Math.PI);
            ctx.fill();
            ctx.restore();
          },
        ],
      },
    };
    charts.push(new uPlot(opts, [[0, 1], [0, 0], ...(key === "P" ? [] : [[0, 0]])], cell));
  }
  return {
    charts,
    update(res, values) {
      const useJt = values.time_axis === "Jt" && values.J !== 0;
      xs = { scale: useJt ? Math.abs(values.J) : 1 };
      const x = useJt ? res.t.map((t) => xs.scale * t) : res.t;
      const label = useJt ? "Jt" : "t (1/ω)";
      charts.forEach((u, i) => {
        const [key, , what, steadyName] = PANELS[i];
        const data = [x, res[key]];
        if (key !== "P") data.push(new Float64Array(x.length).fill(res.readout[`${key}_inf`]));
        u.axes[0].label = label;
        u.setData(data);
        const end = res[key][res[key].length - 1];
        const steady = steadyName ? `, dashed line at ${steadyName} = ${formatNumber(res.readout[`${key}_inf`])}` : "";
        cells[i].setAttribute("aria-label", `${what} against ${label}: ${formatNumber(end)} at the end of the window${steady}`);
      });
    },
  };
}

function mapImage(res) {
  // Rows = r (top: largest), columns = Jt; viridis from min to max of the map.
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of res.map) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (res.quantity !== "P") lo = Math.min(lo, 0);
  const span = hi > lo ? hi - lo : 1;
  const img = new ImageData(N_MAP, N_MAP);
  for (let i = 0; i < N_MAP; i++) {
    const row = (N_MAP - 1 - i) * N_MAP;
    for (let j = 0; j < N_MAP; j++) {
      const k = 3 * Math.round((255 * (res.map[i * N_MAP + j] - lo)) / span);
      const o = 4 * (row + j);
      img.data[o] = VIRIDIS[k];
      img.data[o + 1] = VIRIDIS[k + 1];
      img.data[o + 2] = VIRIDIS[k + 2];
      img.data[o + 3] = 255;
    }
  }
  return { img, lo, hi };
}

const QUANTITY_LABEL = { E_B: "E_B (ω)", eta: "η", P: "P (ω²)" };

function dampingCharts(host, colours, state) {
  const mapCell = h("figure", { class: "nrqb-chart", role: "img", "aria-label": "map" });
  const bar = h("div", { class: "nrqb-colourbar" });
  const barLo = h("span");
  const barHi = h("span");
  const barName = h("span", { class: "nrqb-colourbar-name" });
  const stops = Array.from({ length: 17 }, (_, k) => `${viridisCss(k / 16)} ${(100 * k) / 16}%`).join(", ");
  bar.append(h("span", { class: "nrqb-colourbar-ramp", style: `background: linear-gradient(to right, ${stops})` }), barLo, barName, barHi);
  mapCell.append(bar);
  const steadyCell = h("figure", { class: "nrqb-chart", role: "img", "aria-label": "steady state against r" });
  host.append(mapCell, steadyCell);
  const canvas = document.createElement("canvas");
  canvas.width = N_MAP;
  canvas.height = N_MAP;
  const mapOpts = {
    width: 300,
    height: CHART_HEIGHT + 40,
    legend: { show: false },
    cursor: { show: false },
    scales: { x: { time: false, range: (u, lo, hi) => [lo, hi] }, r: { distr: 3, log: 10, range: () => [10 ** R_AXIS[0], 10 ** R_AXIS[1]] } },
    axes: [axis(colours, "Jt", { grid: { show: false } }), axis(colours, "r = κb/κa", { scale: "r", size: 56, grid: { show: false } })],
    series: [{}, { scale: "r", stroke: "transparent", width: 0, points: { show: false } }],
    hooks: {
      drawClear: [
        (u) => {
          u.ctx.save();
          u.ctx.imageSmoothingEnabled = true;
          u.ctx.drawImage(canvas, u.bbox.left, u.bbox.top, u.bbox.width, u.bbox.height);
          u.ctx.restore();
        },
      ],
      draw: [
        (u) => {
          cursorLine(u, 1, "r", "rgba(255, 255, 255, 0.7)", [4, 4]);
          if (state.validValues) cursorLine(u, state.validValues.r, "r", "#ffffff", []);
        },
      ],
    },
  };
  const map = new uPlot(mapOpts, [[0, 1], [1, 1]], mapCell);
  mapCell.insertBefore(map.root, bar);
  const steadyOpts = {
    width: 300,
    height: CHART_HEIGHT + 40,
    legend: { show: true, live: false },
    cursor: { show: false },
    scales: { x: { time: false, distr: 3, log: 10 }, y: { auto: true }, eta: { range: [0, 1] } },
    axes: [
      axis(colours, "r = κb/κa"),
      axis(colours, "E_B(∞) (ω)", { size: 56 }),
      axis(colours, "η(∞)", { scale: "eta", side: 1, size: 44, grid: { show: false } }),
    ],
    series: [
      {},
      { label: "E_B(∞)", stroke: () => colours().series.E_B, width: 2, points: { show: false } },
      { label: "η(∞)", scale: "eta", stroke: () => colours().series.eta, width: 2, dash: [6, 4], points: { show: false } },
    ],
    hooks: { draw: [(u) => state.validValues && cursorLine(u, state.validValues.r, "x", colours().fg, [])] },
  };
  const steady = new uPlot(steadyOpts, [[0.01, 1000], [0, 0], [0, 0]], steadyCell);
  return {
    charts: [map, steady],
    update(res) {
      const { img, lo, hi } = mapImage(res);
      canvas.getContext("2d").putImageData(img, 0, 0);
      barLo.textContent = formatNumber(lo);
      barHi.textContent = formatNumber(hi);
      barName.textContent = QUANTITY_LABEL[res.quantity];
      map.setData([[0, res.Jt[res.Jt.length - 1]], [1, 1]]);
      steady.setData([res.r, res.E_B_inf, res.eta_inf]);
      mapCell.setAttribute(
        "aria-label",
        `Colour map (viridis) of ${QUANTITY_LABEL[res.quantity]} over Jt from 0 to ${formatNumber(res.Jt[res.Jt.length - 1])} ` +
          `and r from 0.01 to 1000 (log), from ${formatNumber(lo)} to ${formatNumber(hi)}; a white line marks the cursor's r`,
      );
      steadyCell.setAttribute(
        "aria-label",
        `E_B(∞) (solid) and η(∞) (dashed) against r (log): E_B(∞) from ${formatNumber(res.E_B_inf[0])} at r = 0.01 to ` +
          `${formatNumber(res.E_B_inf[res.E_B_inf.length - 1])} at r = 1000`,
      );
    },
  };
}

function epChart(host, colours, state, xlabel, key) {
  const cell = h("figure", { class: "nrqb-chart", role: "img", "aria-label": xlabel });
  host.append(cell);
  const log = key === "r";
  const opts = {
    width: 300,
    height: CHART_HEIGHT + 40,
    legend: { show: true, live: false },
    cursor: { show: false },
    scales: { x: log ? { time: false, distr: 3, log: 10 } : { time: false }, y: { range: (u, lo, hi) => [0, hi > 0 ? 1.05 * hi : 1] } },
    axes: [axis(colours, xlabel), axis(colours, "E_B(∞) (ω)", { size: 56 })],
    series: [
      {},
      { label: "E^nor (J = Γ/2)", stroke: () => colours().series.nor, width: 2, points: { show: false } },
      { label: "E^EP (J = J_EP)", stroke: () => colours().series.EP, width: 2, dash: [7, 4], points: { show: false }, spanGaps: false },
    ],
    hooks: {
      drawClear: [
        (u) => {
          const res = state.result;
          if (!res) return;
          const runs = key === "r" ? res.shadedR : res.shadedDelta;
          const ctx = u.ctx;
          ctx.save();
          ctx.fillStyle = colours().shade;
          for (const [x0, x1] of runs) {
            const a = u.valToPos(x0, "x", true);
            const b = u.valToPos(x1, "x", true);
            ctx.fillRect(Math.min(a, b), u.bbox.top, Math.abs(b - a), u.bbox.height);
            ctx.fillStyle = colours().fg;
            ctx.font = `${12 * devicePixelRatio}px system-ui, sans-serif`;
            ctx.textAlign = "center";
            if (Math.abs(b - a) > 40 * devicePixelRatio) ctx.fillText("no EP", (a + b) / 2, u.bbox.top + 16 * devicePixelRatio);
            ctx.fillStyle = colours().shade;
          }
          ctx.restore();
        },
      ],
      draw: [(u) => state.validValues && cursorLine(u, state.validValues[key], "x", colours().fg, [2, 3])],
    },
  };
  const u = new uPlot(opts, [[log ? 0.01 : -1, log ? 1000 : 1], [0, 0], [0, 0]], cell);
  return { u, cell };
}

function epCharts(host, colours, state) {
  const a = epChart(host, colours, state, "r = κb/κa (Δ = 0)", "r");
  const b = epChart(host, colours, state, "Δ = Δb − Δa (ω), r = 1", "Delta");
  return {
    charts: [a.u, b.u],
    update(res) {
      a.u.setData([res.r, res.byR.E_nor, res.byR.E_EP]);
      b.u.setData([res.Delta, res.byDelta.E_nor, res.byDelta.E_EP]);
      const shaded = res.shadedDelta.map(([x0, x1]) => `${formatNumber(x0)} to ${formatNumber(x1)}`).join(" and ");
      a.cell.setAttribute("aria-label", "E^nor (solid) and E^EP (dashed) against r at Δ = 0 (log axis)");
      b.cell.setAttribute(
        "aria-label",
        `E^nor (solid) and E^EP (dashed) against Δ at r = 1${shaded ? `; no exceptional point (shaded) for Δ from ${shaded} ω` : ""}`,
      );
    },
  };
}

// ---------------------------------------------------------------- readouts

function readoutItem(label, key, unit) {
  const number = h("span", { "data-readout": key, class: "nrqb-number" });
  return [h("span", { class: "nrqb-readout-item" }, [h("span", { html: label }), " = ", number, unit ? ` ${unit}` : ""]), number];
}

function buildReadout(view) {
  const box = h("div", { class: "nrqb-readout" });
  const numbers = {};
  const add = (parent, label, key, unit) => {
    const [item, number] = readoutItem(label, key, unit);
    parent.append(item);
    numbers[key] = number;
  };
  if (view === "ep") {
    const table = h("table", { class: "nrqb-readout-table" });
    const head = h("tr", {}, [h("th", { text: "" }), h("th", { text: "J_EP (ω)" }), h("th", { html: "E<sup>nor</sup>(∞) (ω)" }), h("th", { html: "E<sup>EP</sup>(∞) (ω)" })]);
    table.append(head);
    for (const [suffix, label] of [["r", "cursor r, Δ = 0"], ["Delta", "r = 1, cursor Δ"]]) {
      const row = h("tr", {}, [h("th", { text: label, scope: "row" })]);
      for (const key of [`J_EP_${suffix}`, `E_nor_${suffix}`, `E_EP_${suffix}`]) {
        const number = h("span", { "data-readout": key, class: "nrqb-number" });
        numbers[key] = number;
        row.append(h("td", {}, [number]));
      }
      table.append(row);
    }
    box.append(table);
    return { box, numbers };
  }
  if (view === "damping") box.append(h("span", { class: "nrqb-readout-item", text: "at the cursor's r:" }));
  add(box, "E<sub>B</sub>(∞)", "E_B_inf", "ω");
  add(box, "η(∞)", "eta_inf", "");
  add(box, "peak P", "P_peak", "ω²");
  add(box, "at t", "t_peak", "/ω");
  add(box, "Jt", "Jt_peak", "");
  return { box, numbers };
}

// ---------------------------------------------------------------- render

function render({ model, el }) {
  const view = model.get("view");
  const sliders = model.get("sliders");
  const uid = `nrqb-${++instances}-${Math.random().toString(36).slice(2, 8)}`;
  const values = Object.fromEntries(TRAITS.map((name) => [name, model.get(name)]));
  const state = new ExplorerState(view, sliders, values);
  let colourCache = null;
  const colours = () => colourCache || (colourCache = palette(root));

  // data-lm-suppress-shortcuts: in JupyterLab, keys pressed inside the widget (arrows on a slider) are the
  // widget's, not the notebook's keyboard shortcuts.
  const root = h("div", { class: "nrqb-explorer", "data-view": view, "data-lm-suppress-shortcuts": "true" });
  // ... and the notebook's own keydown handlers (which cancel arrow keys) never see keys meant for a control.
  root.addEventListener("keydown", (event) => event.stopPropagation());
  const controls = h("div", { class: "nrqb-controls" });
  const inputs = {};
  const outputs = {};
  for (const spec of state.sliders) {
    const id = `${uid}-${spec.name}`;
    const input = h("input", { type: "range", id, "data-param": spec.name, min: spec.min, max: spec.max, step: spec.step });
    const output = h("output", { for: id, class: "nrqb-value" });
    const label = h("label", { for: id, html: spec.label });
    if (spec.description) label.title = spec.description;
    controls.append(h("div", { class: "nrqb-slider" }, [label, input, output]));
    input.addEventListener("input", () => {
      apply({ [spec.name]: valueOf(spec, input.value) }, true);
    });
    inputs[spec.name] = input;
    outputs[spec.name] = output;
  }
  const extras = h("div", { class: "nrqb-buttons" });
  const selects = {};
  const choice = (name, label, options) => {
    const id = `${uid}-${name}`;
    const select = h("select", { id, "data-choice": name });
    for (const [value, text] of options) select.append(h("option", { value, text }));
    select.addEventListener("change", () => apply({ [name]: select.value }, true));
    extras.append(h("span", { class: "nrqb-choice" }, [h("label", { for: id, text: label }), select]));
    selects[name] = select;
  };
  if (view === "charging") {
    const button = (action, text) => {
      const b = h("button", { type: "button", "data-action": action, text });
      b.addEventListener("click", () => {
        if (dirty) {
          dirty = false;
          state.recompute();
        }
        const before = { phi: state.values.phi, J: state.values.J };
        state.click(action);
        const changed = Object.fromEntries(Object.entries(before).filter(([k, v]) => state.values[k] !== v).map(([k]) => [k, state.values[k]]));
        push(changed);
        schedule();
      });
      extras.append(b);
    };
    button("nonreciprocal", "nonreciprocal J = Γ/2");
    button("exceptional", "exceptional point");
    choice("time_axis", "time axis", [["t", "t (1/ω)"], ["Jt", "Jt"]]);
  } else if (view === "damping") {
    choice("quantity", "map of", [["E_B", "E_B (battery energy)"], ["eta", "η (efficiency)"], ["P", "P (charging power)"]]);
  }
  const { box: readout, numbers } = buildReadout(view);
  const message = h("p", { class: "nrqb-message", role: "status" });
  const plots = h("div", { class: "nrqb-plots" });
  root.append(controls, extras, readout, message, plots);
  el.append(root);

  const builders = { charging: chargingCharts, damping: dampingCharts, ep: epCharts };
  const charts = builders[view](plots, colours, state);
  let drawn = null;
  let pending = 0;
  let dirty = false;

  function push(changes) {
    const keys = Object.keys(changes);
    if (!keys.length) return;
    for (const k of keys) model.set(k, changes[k]);
    model.save_changes();
  }

  function apply(changes, fromReader) {
    // Recomputed once per frame in draw(): a fast drag sends several input events per frame.
    Object.assign(state.values, changes);
    dirty = true;
    if (fromReader) push(changes);
    schedule();
  }

  // Draw at once on the first change of a frame (so the next painted frame shows it), and coalesce further
  // changes within the same frame (a fast drag) into one draw at its animation frame.
  let frameOpen = false;
  let queued = false;
  function schedule() {
    if (frameOpen) {
      queued = true;
      return;
    }
    frameOpen = true;
    draw();
    pending = requestAnimationFrame(() => {
      pending = 0;
      frameOpen = false;
      if (queued) {
        queued = false;
        schedule();
      }
    });
  }

  function draw() {
    try {
      if (dirty) {
        dirty = false;
        state.recompute();
      }
      for (const spec of state.sliders) {
        const { position, text, outside } = state.display(spec.name);
        const input = inputs[spec.name];
        if (position !== null && Math.abs(Number(input.value) - position) > 1e-12 * Math.max(1, Math.abs(position))) {
          input.value = String(position);
        }
        const exact = String(state.values[spec.name]);
        if (input.getAttribute("data-value") !== exact) {
          // only what changed: a text change in a long page costs a style and layout pass
          input.setAttribute("data-value", exact);
          input.setAttribute("aria-valuetext", outside ? `${text} (outside the slider's range)` : text);
          outputs[spec.name].textContent = text;
        }
      }
      for (const [name, select] of Object.entries(selects)) select.value = state.values[name];
      if (message.textContent !== state.message) message.textContent = state.message;
      root.classList.toggle("nrqb-invalid", !state.valid);
      const res = state.result;
      if (res && (res !== drawn || charts.stale)) {
        charts.update(res, state.validValues); // setData redraws each chart once (uPlot batches it in a microtask)
        for (const [key, node] of Object.entries(numbers)) {
          const x = res.readout[key];
          node.textContent = fmt7(x);
          node.setAttribute("data-value", x === null || x === undefined ? "" : String(x));
        }
        drawn = res;
        charts.stale = false;
      }
      root.nrqbExplorer = state; // for the browser tests and the benchmark: the state behind what is drawn
      root.dataset.frame = String(Number(root.dataset.frame || 0) + 1);
    } catch (err) {
      message.textContent = `display error: ${String((err && err.message) || err)}`;
    }
  }

  const listeners = TRAITS.map((name) => {
    const cb = () => {
      const v = model.get(name);
      if (!Object.is(v, state.values[name])) apply({ [name]: v }, false);
    };
    model.on(`change:${name}`, cb);
    return [name, cb];
  });

  function resize() {
    for (const u of charts.charts) {
      const cell = u.root.closest(".nrqb-chart") || u.root.parentElement;
      const width = Math.max(200, Math.floor(cell.clientWidth));
      if (Math.abs(u.width - width) > 1) u.setSize({ width, height: u.height });
    }
  }
  const observer = typeof ResizeObserver === "undefined" ? null : new ResizeObserver(() => resize());
  if (observer) observer.observe(plots);
  // Light or dark: the theme switches an attribute on <html>, the system setting fires a media query.
  const retheme = () => {
    colourCache = null;
    for (const u of charts.charts) u.redraw(false, false);
  };
  const themeObserver = new MutationObserver(retheme);
  themeObserver.observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme", "data-mode", "class"] });
  const media = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;
  if (media && media.addEventListener) media.addEventListener("change", retheme);

  resize();
  schedule();
  return () => {
    if (pending) cancelAnimationFrame(pending);
    for (const [name, cb] of listeners) model.off(`change:${name}`, cb);
    if (observer) observer.disconnect();
    themeObserver.disconnect();
    if (media && media.removeEventListener) media.removeEventListener("change", retheme);
    for (const u of charts.charts) u.destroy();
    root.remove();
  };
}

export default { render };
