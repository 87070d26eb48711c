// The explorers' logic, without a DOM: what each view computes from the slider values, the two buttons, the
// slider <-> value mapping and the rules that keep the state sane. widget.mjs draws it; tests/js/run_explorer.mjs
// drives it with random slider sequences under node and tests/test_widgets.py compares it with nrqb.
//
// Views (each a chapter's figure, recomputed from the reader's parameters):
//   charging  paper Fig. 2: E_B, E_A, eta and P against time (Eqs. 5, 11, 12), the steady levels (Eq. 10) and
//             the power peak; readout E_B(inf), eta(inf), P_peak and t_peak.
//   damping   paper Fig. 3: the (r, Jt) map of E_B, eta or P on 200 x 200 points beside E_B(inf) and eta(inf)
//             against r = kappa_b/kappa_a; the readout is for the cursor's r.
//   ep        paper Fig. 4: E^nor (J = Gamma/2) and E^EP (J = J_EP, Eq. 15) against r at Delta = 0 and against
//             Delta at r = 1, with the region where no EP exists shaded; the readout is for the two cursors.
// State rules: a value that cannot be computed leaves the plot and readout at the last valid state and sets a
// message (never an exception); slider ranges are fixed when the explorer is made and never change; a value
// outside its slider's range keeps its thumb at the end but its text and aria-valuetext show the true value.
// Precision: every number comes from physics.mjs, exact to rounding however far apart the rates are (tested
// against 50-digit arithmetic at rate ratios up to 1e14), so a valid result carries no accuracy caution.

import { peakPower } from "./analysis.mjs";
import { evolve, evolveInto, exceptionalCoupling, spectrum, steadyState, steadyStateOf } from "./physics.mjs";

/** Points of the charging view's time grid (4 panels of this many points). */
export const N_TIME = 2000;
/** Grid of the damping view's map: N_MAP values of r (log-spaced) times N_MAP values of Jt. */
export const N_MAP = 200;
/** Points along each axis of the EP view. */
export const N_CUT = 201;
/** r axis of the damping and EP views (log10 range, as the paper's Figs. 3 and 4). */
export const R_AXIS = [-2, 3];

const VIEW_SLIDERS = {
  charging: ["Gamma", "kappa_a", "r", "epsilon", "phi", "J", "Delta", "t_max"],
  damping: ["Gamma", "kappa_a", "epsilon", "phi", "J", "Delta", "r", "Jt_max"],
  ep: ["Gamma", "kappa_a", "epsilon", "r", "Delta"],
};

/** The parameters (nrqb.Params field names) of slider values: kappa_b = r kappa_a, Delta_b = Delta_a + Delta. */
export function paramsOf(v) {
  return {
    Gamma: v.Gamma,
    kappa_a: v.kappa_a,
    kappa_b: v.r * v.kappa_a,
    epsilon: v.epsilon,
    phi: v.phi,
    J: v.J,
    Delta_a: v.Delta_a,
    Delta_b: v.Delta_a + v.Delta,
    omega: v.omega,
  };
}

export function linspace(a, b, n) {
  const out = new Float64Array(n);
  const step = (b - a) / (n - 1);
  for (let i = 0; i < n; i++) out[i] = a + i * step;
  out[n - 1] = b;
  return out;
}

export function logspace(a, b, n) {
  return linspace(a, b, n).map((e) => 10 ** e);
}

function requireFinite(values, names) {
  for (const name of names) {
    const x = values[name];
    if (typeof x !== "number" || !Number.isFinite(x)) throw new Error(`${name} must be a finite number; got ${String(x)}`);
  }
}

function requirePositive(values, name, what) {
  if (!(values[name] > 0)) throw new Error(`${name} (${what}) must be > 0; got ${values[name]}`);
}

function allFinite(...arrays) {
  for (const a of arrays) for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return false;
  return true;
}

function requireFiniteResult(...arrays) {
  if (!allFinite(...arrays)) throw new Error("the result is not finite for these parameters");
}

// ---------------------------------------------------------------- the three views

function computeCharging(v) {
  requireFinite(v, ["Gamma", "kappa_a", "r", "epsilon", "phi", "J", "Delta", "t_max", "Delta_a", "omega"]);
  requirePositive(v, "t_max", "time window, units of 1/omega");
  const p = paramsOf(v);
  const t = linspace(0, v.t_max, N_TIME);
  const tr = evolve(p, t);
  const ss = steadyState(p);
  const peak = peakPower(p, v.t_max);
  requireFiniteResult(tr.E_A, tr.E_B, tr.eta, tr.P, [ss.E_A, ss.E_B, ss.eta, peak.P, peak.t]);
  const J = Math.abs(v.J);
  return {
    t,
    E_B: tr.E_B,
    E_A: tr.E_A,
    eta: tr.eta,
    P: tr.P,
    readout: {
      E_B_inf: ss.E_B,
      E_A_inf: ss.E_A,
      eta_inf: ss.eta,
      P_peak: peak.P,
      t_peak: peak.t,
      Jt_peak: J > 0 ? J * peak.t : null,
    },
    peakResolved: peak.resolved,
  };
}

const MAP_QUANTITIES = ["E_B", "eta", "P"];

function computeDamping(v) {
  requireFinite(v, ["Gamma", "kappa_a", "r", "epsilon", "phi", "J", "Delta", "Jt_max", "Delta_a", "omega"]);
  requirePositive(v, "Jt_max", "end of the scaled time axis Jt");
  requirePositive(v, "r", "damping ratio kappa_b/kappa_a of the cursor");
  if (v.J === 0) throw new Error("J = 0: the map's time axis is Jt, which needs a coupling J != 0");
  if (!MAP_QUANTITIES.includes(v.quantity)) throw new Error(`quantity must be one of E_B, eta, P; got ${v.quantity}`);
  const J = Math.abs(v.J);
  const r = logspace(R_AXIS[0], R_AXIS[1], N_MAP);
  const Jt = linspace(0, v.Jt_max, N_MAP);
  const t = Jt.map((x) => x / J);
  const size = N_MAP * N_MAP;
  const grid = { E_A: new Float64Array(size), E_B: new Float64Array(size), eta: new Float64Array(size), P: new Float64Array(size) };
  const E_B_inf = new Float64Array(N_MAP);
  const eta_inf = new Float64Array(N_MAP);
  for (let i = 0; i < N_MAP; i++) {
    const p = paramsOf({ ...v, r: r[i] });
    const sp = spectrum(p);
    evolveInto(sp, t, grid, i * N_MAP);
    const ss = steadyStateOf(sp);
    E_B_inf[i] = ss.E_B;
    eta_inf[i] = ss.eta;
  }
  const map = grid[v.quantity];
  const p = paramsOf(v);
  const ss = steadyState(p);
  const peak = peakPower(p, v.Jt_max / J);
  requireFiniteResult(map, E_B_inf, eta_inf, [ss.E_B, ss.eta, peak.P, peak.t]);
  return {
    r,
    Jt,
    map,
    quantity: v.quantity,
    E_B_inf,
    eta_inf,
    readout: { E_B_inf: ss.E_B, E_A_inf: ss.E_A, eta_inf: ss.eta, P_peak: peak.P, t_peak: peak.t, Jt_peak: J * peak.t },
    peakResolved: peak.resolved,
  };
}

function epCut(base, kappaB, DeltaB) {
  // E^nor and E^EP (null where no EP exists) along a cut, and J_EP.
  const n = kappaB.length;
  const E_nor = new Float64Array(n);
  const E_EP = new Array(n);
  const J_EP = new Array(n);
  for (let i = 0; i < n; i++) {
    const p = { ...base, kappa_b: kappaB[i], Delta_b: DeltaB[i] };
    E_nor[i] = steadyState({ ...p, J: 0.5 * base.Gamma }).E_B;
    const J = exceptionalCoupling(p);
    J_EP[i] = J;
    E_EP[i] = J === null ? null : steadyState({ ...p, J }).E_B;
  }
  return { E_nor, E_EP, J_EP };
}

function missingRuns(x, values) {
  // [x0, x1] spans (between neighbouring grid points) where values[i] is null: the shaded "no EP" regions.
  const runs = [];
  let start = null;
  for (let i = 0; i < x.length; i++) {
    if (values[i] === null && start === null) start = i;
    if ((values[i] !== null || i === x.length - 1) && start !== null) {
      const end = values[i] === null ? i : i - 1;
      runs.push([x[Math.max(start - 1, 0)], x[Math.min(end + 1, x.length - 1)]]);
      start = null;
    }
  }
  return runs;
}

/** Half-width of the EP view's detuning axis: 1.25 Gamma as nrqb.plots.figures.fig4b, widened to the cursor. */
export function deltaHalfWidth(v) {
  return Math.max(1.25 * v.Gamma, 1.1 * Math.abs(v.Delta), 1e-3);
}

function computeEP(v) {
  requireFinite(v, ["Gamma", "kappa_a", "r", "epsilon", "Delta", "Delta_a", "omega"]);
  requirePositive(v, "r", "damping ratio kappa_b/kappa_a of the cursor");
  const base = { ...paramsOf({ ...v, J: 0, phi: Math.PI / 2 }) };
  const r = logspace(R_AXIS[0], R_AXIS[1], N_CUT);
  const byR = epCut(
    base,
    r.map((x) => x * v.kappa_a),
    r.map(() => v.Delta_a),
  );
  const half = deltaHalfWidth(v);
  const Delta = linspace(-half, half, N_CUT);
  const byDelta = epCut(
    base,
    Delta.map(() => v.kappa_a),
    Delta.map((d) => v.Delta_a + d),
  );
  const atR = epCut(base, [v.r * v.kappa_a], [v.Delta_a]);
  const atDelta = epCut(base, [v.kappa_a], [v.Delta_a + v.Delta]);
  const finiteOrNull = (a) => a.filter((x) => x !== null);
  requireFiniteResult(byR.E_nor, finiteOrNull(byR.E_EP), byDelta.E_nor, finiteOrNull(byDelta.E_EP));
  requireFiniteResult(atR.E_nor, atDelta.E_nor, finiteOrNull([...atR.E_EP, ...atDelta.E_EP]));
  return {
    r,
    Delta,
    byR,
    byDelta,
    shadedR: missingRuns(r, byR.J_EP),
    shadedDelta: missingRuns(Delta, byDelta.J_EP),
    readout: {
      J_EP_r: atR.J_EP[0],
      E_nor_r: atR.E_nor[0],
      E_EP_r: atR.E_EP[0],
      J_EP_Delta: atDelta.J_EP[0],
      E_nor_Delta: atDelta.E_nor[0],
      E_EP_Delta: atDelta.E_EP[0],
    },
  };
}

export const VIEWS = {
  charging: { sliders: VIEW_SLIDERS.charging, compute: computeCharging },
  damping: { sliders: VIEW_SLIDERS.damping, compute: computeDamping },
  ep: { sliders: VIEW_SLIDERS.ep, compute: computeEP },
};

// ---------------------------------------------------------------- sliders

/** Thumb position for a value: the value (linear) or its log10 (log), clamped to the range; null if undefined. */
export function positionOf(spec, value) {
  if (typeof value !== "number" || Number.isNaN(value)) return null;
  let x = value;
  if (spec.kind === "log") x = value > 0 ? Math.log10(value) : -Infinity;
  return Math.min(Math.max(x, spec.min), spec.max);
}

/** The value a thumb position stands for. */
export function valueOf(spec, position) {
  const x = Number(position);
  return spec.kind === "log" ? 10 ** x : x;
}

/** A number in at most 4 significant digits, without trailing zeros ("0.003", "1.571", "2.5e-7"). */
export function formatNumber(x, digits = 4) {
  if (typeof x !== "number") return String(x);
  if (x === 0) return "0";
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  let s = a >= 1e-3 && a < 1e6 ? x.toPrecision(digits) : x.toExponential(digits - 1);
  s = s.replace(/(\.\d*?)0+(e|$)/, "$1$2").replace(/\.(e|$)/, "$1").replace("e+", "e");
  return s;
}

/** Text of a slider's value in its units, e.g. "0.003 ω"; aria-valuetext starts with it. */
export function valueText(spec, value) {
  const number = formatNumber(value);
  return spec.unit ? `${number} ${spec.unit}` : number;
}

// ---------------------------------------------------------------- the state of one explorer

/**
 * The state of one explorer: current values (what the reader or Python asked for), the last valid result, the
 * message, and the fixed slider specs. set() and click() never throw.
 */
export class ExplorerState {
  constructor(view, sliders, values) {
    if (!(view in VIEWS)) throw new Error(`unknown view ${view}; views are ${Object.keys(VIEWS).join(", ")}`);
    this.view = view;
    this.sliders = Object.freeze(sliders.map((s) => Object.freeze({ ...s })));
    this.values = { ...values };
    this.result = null;
    this.validValues = null;
    this.valid = false;
    this.message = "";
    this.recompute();
  }

  /** Recompute from the current values; on failure keep the last valid result and explain. */
  recompute() {
    try {
      const result = VIEWS[this.view].compute(this.values);
      this.result = result;
      this.validValues = { ...this.values };
      this.valid = true;
      this.message = "";
      return true;
    } catch (err) {
      this.valid = false;
      const reason = String((err && err.message) || err).split("\n")[0];
      this.message = this.result
        ? `${reason} — the plot still shows the last valid parameters.`
        : `${reason} — nothing can be shown for these parameters.`;
      return false;
    }
  }

  /** Change some values (a slider move, or traits set from Python) and recompute. */
  set(changes) {
    Object.assign(this.values, changes);
    return this.recompute();
  }

  /** Full nonreciprocity: phi = pi/2 and J = Gamma/2 (paper Sec. 2). */
  setNonreciprocal() {
    const G = this.values.Gamma;
    if (typeof G !== "number" || !Number.isFinite(G) || G < 0) {
      this.message = `Full nonreciprocity needs a valid Gamma >= 0; got ${G}. J and phi are unchanged.`;
      return false;
    }
    const ok = this.set({ phi: Math.PI / 2, J: 0.5 * G });
    if (ok) this.message = "Full nonreciprocity: φ = π/2, J = Γ/2 (the battery cannot push energy back).";
    return ok;
  }

  /** J = J_EP for the other current values (paper Eq. 15); where none exists J is unchanged and the message says why. */
  setExceptionalPoint() {
    let J;
    try {
      J = exceptionalCoupling(paramsOf({ ...this.values, J: 0 }));
    } catch (err) {
      this.message = `No exceptional point: ${String(err.message).split("\n")[0]} J is unchanged.`;
      return false;
    }
    const v = this.values;
    if (J === null && v.Gamma === 0 && v.r === 1 && v.Delta === 0) {
      this.message =
        "No exceptional point here: with Γ = 0, Δ = 0 and κa = κb the only root, J = 0, leaves the drift matrix a " +
        "multiple of the identity (its eigenvalues coincide, but it is not defective). J is unchanged.";
      return false;
    }
    if (J === null) {
      this.message =
        "No exceptional point here: no real J ≥ 0 makes the drift matrix defective for these parameters (at φ = π/2 " +
        "an EP needs Δ = 0, or r = 1 with |Δ| ≤ Γ). J is unchanged.";
      return false;
    }
    const ok = this.set({ J });
    if (ok) this.message = `Exceptional point: J = J_EP = ${formatNumber(J, 5)} ω (the eigenvalues of M coalesce).`;
    return ok;
  }

  /** Apply a button: "nonreciprocal" or "exceptional". */
  click(action) {
    if (action === "nonreciprocal") return this.setNonreciprocal();
    if (action === "exceptional") return this.setExceptionalPoint();
    this.message = `unknown action ${action}`;
    return false;
  }

  /** What a slider shows: thumb position (clamped), its value text and whether the value is outside the range. */
  display(name) {
    const spec = this.sliders.find((s) => s.name === name);
    const value = this.values[name];
    const position = positionOf(spec, value);
    const raw = spec.kind === "log" ? (value > 0 ? Math.log10(value) : -Infinity) : value;
    const outside = typeof value === "number" && (raw < spec.min || raw > spec.max);
    return { position, text: valueText(spec, value), outside };
  }
}
