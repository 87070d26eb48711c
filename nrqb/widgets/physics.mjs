// The effective charger--battery model in the reader's browser: the same closed form as nrqb.linear and
// nrqb.dynamics (zero temperature), so an explorer recomputes without a kernel. Tested against nrqb under node
// (tests/test_physics_js.py) and in Chromium (tests/test_browser_explorers.py).
//
// Units: rates and frequencies in units of omega, times in 1/omega, energies in omega (the paper's convention).
// A parameter set `p` is a plain object keyed by the nrqb.Params field names
//   { Gamma, kappa_a, kappa_b, epsilon, phi, J, Delta_a, Delta_b, omega }
// (Delta_a, Delta_b default to 0, omega to 1); J is a real coupling here.
//
// The model (paper Eqs. 5 and 13, with the paper's Lindblad rate Gamma): the mean amplitudes x = (<a>, <b>) obey
// dx/dt = M x + f with f = (-i epsilon, 0) and
//   M = [[-i Delta_a - Lambda_a/2,            -i J - (Gamma/2) e^{-i phi}],
//        [-i J - (Gamma/2) e^{+i phi},        -i Delta_b - Lambda_b/2   ]],   Lambda_{a,b} = Gamma + kappa_{a,b}.
// From the vacuum, x(t) = (I - e^{Mt}) x_ss with x_ss = -M^{-1} f, and dx/dt = e^{Mt} f. With M = mu I + N
// (N traceless, N^2 = delta^2 I; the eigenvalues of Eq. 14 are mu +- delta):
//   e^{Mt} = e^{mu t} [cosh(delta t) I + sinh(delta t)/delta N],
// whose coefficients are entire in delta^2, so the formula holds *at* an exceptional point (delta = 0, Eq. 15),
// where an eigen-decomposition fails; sinh(z)/z is a series for |delta t| < 1e-3 (as in nrqb.linear), and
// cosh - 1 uses expm1 near t = 0. Nothing divides by Lambda_a - Lambda_b or Lambda_b - Lambda_a/2, the
// denominators of the paper's Eqs. (8), (9) and (22), so those points are ordinary here.
// Observables: E_A = omega |<a>|^2, E_B = omega |<b>|^2 (coherent states from the vacuum), the efficiency
// eta = E_B / (E_A + E_B) (Eq. 11; 0 at t = 0) and the power P = dE_B/dt = 2 omega Re(conj(<b>) d<b>/dt)
// (Eq. 12), the exact derivative.

const SERIES_BELOW = 1e-3; // |delta t| below which sinh(z)/z is summed as a series (nrqb.linear._SERIES_BELOW)
const NEAR_ONE = 0.5; // (|mu| + |delta|) t below which cosh(delta t) e^{mu t} - 1 uses expm1
const REAL_TOL = 1e-9; // a root J counts as real below this fraction of Gamma + |d| (nrqb.exceptional)

// Validation rules: name -> [kind, description] (the descriptions of nrqb.params).
const RULES = {
  Gamma: ["rate", "collective (reservoir-mediated) damping rate, in units of omega"],
  kappa_a: ["rate", "charger's local damping rate, in units of omega"],
  kappa_b: ["rate", "battery's local damping rate, in units of omega"],
  epsilon: ["real", "drive amplitude on the charger, in units of omega"],
  phi: ["real", "phase of the dissipative coupling, in radians"],
  J: ["real", "coherent charger-battery coupling, in units of omega"],
  Delta_a: ["real", "charger detuning from the drive, in units of omega"],
  Delta_b: ["real", "battery detuning from the drive, in units of omega"],
  omega: ["positive", "bare mode frequency (energy unit)"],
};
const DEFAULTS = { Delta_a: 0, Delta_b: 0, omega: 1 };

/** A parameter error: `name` is the offending field (or "t"), `message` says the valid range. */
export class ParameterError extends Error {
  constructor(name, message) {
    super(message);
    this.name = "ParameterError";
    this.param = name;
  }
}

/**
 * Validate a parameter object and fill defaults; throws ParameterError naming the field and its valid range.
 * @param {object} p  keyed by nrqb.Params field names
 * @returns {object}  a new object with every field of RULES, as numbers
 */
export function checkParams(p) {
  if (p === null || typeof p !== "object") throw new ParameterError("p", "p must be an object of parameters");
  const out = {};
  for (const [name, [kind, what]] of Object.entries(RULES)) {
    let value = p[name];
    if (value === undefined && name in DEFAULTS) value = DEFAULTS[name];
    if (typeof value !== "number") {
      throw new ParameterError(name, `${name} (${what}) must be a number; got ${String(value)}`);
    }
    if (!Number.isFinite(value)) throw new ParameterError(name, `${name} (${what}) must be finite; got ${value}`);
    if (kind === "rate" && value < 0) {
      throw new ParameterError(name, `${name} (${what}) must be >= 0 (valid range [0, inf)); got ${value}`);
    }
    if (kind === "positive" && !(value > 0)) {
      throw new ParameterError(name, `${name} (${what}) must be > 0 (valid range (0, inf)); got ${value}`);
    }
    out[name] = value;
  }
  return out;
}

function checkTimes(t) {
  const n = t.length;
  if (!(n >= 0)) throw new ParameterError("t", "t (time in units of 1/omega) must be an array of numbers");
  for (let i = 0; i < n; i++) {
    const x = t[i];
    if (typeof x !== "number" || !Number.isFinite(x) || x < 0) {
      throw new ParameterError(
        "t",
        `t (time in units of 1/omega) must be finite and >= 0 (valid range [0, inf)); got ${x} at index ${i}`,
      );
    }
  }
}

// ---------------------------------------------------------------- complex helpers (re, im pairs)

function csqrt(re, im) {
  // Principal square root, stable in both half planes (numpy's branch: the sign of im, including -0).
  const r = Math.hypot(re, im);
  if (r === 0) return [0, im];
  if (re >= 0) {
    const s = Math.sqrt(0.5 * (r + re));
    return [s, im / (2 * s)];
  }
  const s = Math.sqrt(0.5 * (r - re));
  const neg = im < 0 || Object.is(im, -0);
  return [Math.abs(im) / (2 * s), neg ? -s : s];
}

function cdiv(ar, ai, br, bi) {
  // Smith's algorithm: no overflow for large |b|.
  if (Math.abs(br) >= Math.abs(bi)) {
    const ratio = bi / br;
    const den = br + bi * ratio;
    return [(ar + ai * ratio) / den, (ai - ar * ratio) / den];
  }
  const ratio = br / bi;
  const den = br * ratio + bi;
  return [(ar * ratio + ai) / den, (ai * ratio - ar) / den];
}

// ---------------------------------------------------------------- the drift matrix (paper Eq. 13)

/**
 * The drift matrix M of paper Eq. (13) and the drive f = (-i epsilon, 0), for validated parameters.
 * @returns {{m: number[], f0: number[]}} m = [re00, im00, re01, im01, re10, im10, re11, im11], f0 = [re, im]
 */
export function driftMatrix(p) {
  const q = checkParams(p);
  const La = q.Gamma + q.kappa_a;
  const Lb = q.Gamma + q.kappa_b;
  const c = Math.cos(q.phi);
  const s = Math.sin(q.phi);
  // -i J - (Gamma/2) e^{-i phi} and -i J - (Gamma/2) e^{+i phi}
  const m = [-0.5 * La, -q.Delta_a, -0.5 * q.Gamma * c, -q.J + 0.5 * q.Gamma * s, -0.5 * q.Gamma * c,
    -q.J - 0.5 * q.Gamma * s, -0.5 * Lb, -q.Delta_b]; // prettier-ignore
  return { m, f0: [0, -q.epsilon], omega: q.omega, params: q };
}

function split(m) {
  // M = mu I + N, N traceless, N^2 = delta^2 I (nrqb.linear.split_2x2).
  const muR = 0.5 * (m[0] + m[6]);
  const muI = 0.5 * (m[1] + m[7]);
  const n00R = m[0] - muR;
  const n00I = m[1] - muI;
  const d2R = n00R * n00R - n00I * n00I + (m[2] * m[4] - m[3] * m[5]);
  const d2I = 2 * n00R * n00I + (m[2] * m[5] + m[3] * m[4]);
  const [dR, dI] = csqrt(d2R, d2I);
  return { muR, muI, n00R, n00I, dR, dI };
}

function maxAbsEntry(m) {
  return Math.max(Math.hypot(m[0], m[1]), Math.hypot(m[2], m[3]), Math.hypot(m[4], m[5]), Math.hypot(m[6], m[7]));
}

function determinant(m) {
  return [m[0] * m[6] - m[1] * m[7] - (m[2] * m[4] - m[3] * m[5]), m[0] * m[7] + m[1] * m[6] - (m[2] * m[5] + m[3] * m[4])];
}

function steadyAmplitudes(m, f0) {
  // x_ss = -M^{-1} f with f = (f0, 0): x0 = -M11 f0 / det, x1 = M10 f0 / det.
  const [detR, detI] = determinant(m);
  const a0R = m[6] * f0[0] - m[7] * f0[1];
  const a0I = m[6] * f0[1] + m[7] * f0[0];
  const a1R = m[4] * f0[0] - m[5] * f0[1];
  const a1I = m[4] * f0[1] + m[5] * f0[0];
  const [x0R, x0I] = cdiv(a0R, a0I, detR, detI);
  const [x1R, x1I] = cdiv(a1R, a1I, detR, detI);
  return [-x0R, -x0I, x1R, x1I];
}

/**
 * Eigenvalues mu +- delta of the drift matrix (paper Eq. 14, with the corrected signs of nrqb.exceptional),
 * the first with the larger real part (the slower-decaying mode).
 * @returns {number[][]} [[re, im], [re, im]]
 */
export function eigenvalues(p) {
  const { m } = driftMatrix(p);
  return eigenvaluesOf(m);
}

function eigenvaluesOf(m) {
  let { muR, muI, dR, dI } = split(m);
  if (dR < 0) {
    dR = -dR;
    dI = -dI;
  }
  return [
    [muR + dR, muI + dI],
    [muR - dR, muI - dI],
  ];
}

function requireInvertible(m, what) {
  const scale = maxAbsEntry(m) ** 2;
  const [detR, detI] = determinant(m);
  if (Math.hypot(detR, detI) <= 1e-14 * scale) {
    throw new ParameterError(
      "kappa_a",
      `${what}: the drift matrix is singular for these parameters (an undamped mode at zero frequency, e.g. ` +
        "kappa_a = kappa_b = 0 with a dark combination of a and b); give kappa_a or kappa_b a value > 0",
    );
  }
}

function requireStable(m, what) {
  const slowest = eigenvaluesOf(m)[0][0];
  if (slowest >= -1e-12 * maxAbsEntry(m)) {
    throw new ParameterError(
      "kappa_a",
      `${what}: no steady state, since an eigenvalue of the drift matrix has zero real part (an undamped ` +
        "mode); give kappa_a or kappa_b a value > 0",
    );
  }
}

/**
 * driftMatrix(p) after checking that M is invertible (else x_ss = -M^{-1} f does not exist): what evolve and
 * the peak finder start from.
 * @throws {ParameterError} for a singular drift matrix (an undamped dark mode)
 */
export function invertibleDrift(p, what) {
  const drift = driftMatrix(p);
  requireInvertible(drift.m, what);
  return drift;
}

function sinhcSeries(zR, zI) {
  // sinh(z)/z = 1 + z^2/6 (1 + z^2/20 (1 + z^2/42 (1 + z^2/72))), |z| < 1e-3 (nrqb.linear._sinhc_series).
  const z2R = zR * zR - zI * zI;
  const z2I = 2 * zR * zI;
  // Horner from the inside: w = 1 + z2/72, then 1 + z2/42 w, ...
  let wR = 1 + z2R / 72;
  let wI = z2I / 72;
  for (const k of [42, 20, 6]) {
    const pR = (z2R * wR - z2I * wI) / k;
    const pI = (z2R * wI + z2I * wR) / k;
    wR = 1 + pR;
    wI = pI;
  }
  return [wR, wI];
}

function cexpm1(re, im) {
  // e^{re + i im} - 1 without cancellation near 0.
  const em1 = Math.expm1(re);
  const c = Math.cos(im);
  const s = Math.sin(im);
  const half = Math.sin(0.5 * im);
  return [em1 * c - 2 * half * half, (em1 + 1) * s];
}

/**
 * Charge the battery from the vacuum: energies, efficiency and power at the times `t` (paper Eqs. 5, 11, 12).
 * @param {object} p  parameters (nrqb.Params field names; J real)
 * @param {ArrayLike<number>} t  times >= 0 in units of 1/omega
 * @returns {{E_A: Float64Array, E_B: Float64Array, eta: Float64Array, P: Float64Array}}
 *   E_A, E_B in units of omega, eta dimensionless, P = dE_B/dt exactly, in units of omega^2.
 * @throws {ParameterError} for invalid parameters or times, or a singular drift matrix (undamped dark mode)
 */
export function evolve(p, t) {
  const { m, f0, omega } = invertibleDrift(p, "evolve");
  checkTimes(t);
  const n = t.length;
  const out = { E_A: new Float64Array(n), E_B: new Float64Array(n), eta: new Float64Array(n), P: new Float64Array(n) };
  evolveInto(m, f0, omega, t, out, 0);
  return out;
}

/**
 * Core of evolve for a validated, invertible drift matrix: writes E_A, E_B, eta, P of times `t` into `out`
 * at `offset` (lets the explorers fill a 200 x 200 map without a temporary per row).
 */
export function evolveInto(m, f0, omega, t, out, offset) {
  const { muR, muI, n00R, n00I, dR, dI } = split(m);
  const [x0R, x0I, x1R, x1I] = steadyAmplitudes(m, f0);
  // N x_ss and N f (f = (f0, 0)); N = [[n00, m01], [m10, -n00]].
  const nx0R = n00R * x0R - n00I * x0I + (m[2] * x1R - m[3] * x1I);
  const nx0I = n00R * x0I + n00I * x0R + (m[2] * x1I + m[3] * x1R);
  const nx1R = m[4] * x0R - m[5] * x0I - (n00R * x1R - n00I * x1I);
  const nx1I = m[4] * x0I + m[5] * x0R - (n00R * x1I + n00I * x1R);
  const nf1R = m[4] * f0[0] - m[5] * f0[1];
  const nf1I = m[4] * f0[1] + m[5] * f0[0];
  const absMu = Math.hypot(muR, muI);
  const absDelta = Math.hypot(dR, dI);
  // 0.5 / delta (inf at delta = 0, where only the series branch is used)
  const dd = dR * dR + dI * dI;
  const hdR = (0.5 * dR) / dd;
  const hdI = (-0.5 * dI) / dd;
  const { E_A, E_B, eta, P } = out;
  for (let k = 0; k < t.length; k++) {
    const tk = t[k];
    const mtR = muR * tk;
    const mtI = muI * tk;
    const ztR = dR * tk;
    const ztI = dI * tk;
    // e^{(mu + delta) t} and e^{(mu - delta) t}
    const gp = Math.exp(mtR + ztR);
    const epR = gp * Math.cos(mtI + ztI);
    const epI = gp * Math.sin(mtI + ztI);
    const gm = Math.exp(mtR - ztR);
    const emR = gm * Math.cos(mtI - ztI);
    const emI = gm * Math.sin(mtI - ztI);
    let c1R;
    let c1I;
    if (absDelta * tk < SERIES_BELOW) {
      const [sR, sI] = sinhcSeries(ztR, ztI);
      const g = Math.exp(mtR) * tk;
      const eR = g * Math.cos(mtI);
      const eI = g * Math.sin(mtI);
      c1R = eR * sR - eI * sI;
      c1I = eR * sI + eI * sR;
    } else {
      const sR = epR - emR;
      const sI = epI - emI;
      c1R = sR * hdR - sI * hdI;
      c1I = sR * hdI + sI * hdR;
    }
    let c0m1R;
    let c0m1I;
    if ((absMu + absDelta) * tk < NEAR_ONE) {
      const [aR, aI] = cexpm1(mtR + ztR, mtI + ztI);
      const [bR, bI] = cexpm1(mtR - ztR, mtI - ztI);
      c0m1R = 0.5 * (aR + bR);
      c0m1I = 0.5 * (aI + bI);
    } else {
      c0m1R = 0.5 * (epR + emR) - 1;
      c0m1I = 0.5 * (epI + emI);
    }
    // x(t) = -( (c0 - 1) x_ss + c1 N x_ss ),  dx/dt = c1 N f (+ c0 f, whose second entry is 0)
    const aR = -(c0m1R * x0R - c0m1I * x0I + (c1R * nx0R - c1I * nx0I));
    const aI = -(c0m1R * x0I + c0m1I * x0R + (c1R * nx0I + c1I * nx0R));
    const bR = -(c0m1R * x1R - c0m1I * x1I + (c1R * nx1R - c1I * nx1I));
    const bI = -(c0m1R * x1I + c0m1I * x1R + (c1R * nx1I + c1I * nx1R));
    const bdR = c1R * nf1R - c1I * nf1I;
    const bdI = c1R * nf1I + c1I * nf1R;
    const ea = omega * (aR * aR + aI * aI);
    const eb = omega * (bR * bR + bI * bI);
    const j = offset + k;
    E_A[j] = ea;
    E_B[j] = eb;
    eta[j] = ea + eb > 0 ? eb / (ea + eb) : 0;
    P[j] = omega * (2 * (bR * bdR + bI * bdI));
  }
}

/**
 * The t -> infinity state (paper Eq. 10 generalised to any detuning, phase and coupling).
 * @returns {{E_A: number, E_B: number, eta: number}}
 * @throws {ParameterError} when an eigenvalue of the drift matrix has zero real part (no steady state)
 */
export function steadyState(p) {
  const { m, f0, omega } = driftMatrix(p);
  requireStable(m, "steadyState");
  const [x0R, x0I, x1R, x1I] = steadyAmplitudes(m, f0);
  const E_A = omega * (x0R * x0R + x0I * x0I);
  const E_B = omega * (x1R * x1R + x1I * x1I);
  return { E_A, E_B, eta: E_A + E_B > 0 ? E_B / (E_A + E_B) : 0 };
}

/**
 * The real coupling J_EP >= 0 at which the drift matrix is defective (paper Eq. 15 solved for J), for p's
 * other parameters (p.J is ignored), or null where no real J >= 0 gives an exceptional point; the same cases
 * as nrqb.exceptional_coupling. The roots are J = (i Gamma cos(phi) +- sqrt(d^2 + Gamma^2 sin^2(phi)))/2 with
 * d = i Delta - (kappa_a - kappa_b)/2, Delta = Delta_b - Delta_a; the smallest real non-negative one is returned.
 * At Gamma = 0 with d = 0 the only root, J = 0, leaves M a multiple of the identity (degenerate, not defective):
 * null there too.
 * @returns {number|null}
 */
export function exceptionalCoupling(p) {
  const q = checkParams({ ...p, J: 0 });
  const Delta = q.Delta_b - q.Delta_a;
  const dR = -0.5 * (q.kappa_a - q.kappa_b);
  const dI = Delta;
  const gs = q.Gamma * Math.sin(q.phi);
  const [rR, rI] = csqrt(dR * dR - dI * dI + gs * gs, 2 * dR * dI);
  const centreI = 0.5 * q.Gamma * Math.cos(q.phi);
  const scale = q.Gamma + Math.hypot(dR, dI);
  const tol = REAL_TOL * (scale > 0 ? scale : 1);
  // Gamma = 0 with d = 0: the root J = 0 leaves M a multiple of the identity, degenerate but not defective.
  if (q.Gamma === 0 && dR === 0 && dI === 0) return null;
  let best = Infinity;
  for (const sign of [1, -1]) {
    const re = sign * 0.5 * rR;
    const im = centreI + sign * 0.5 * rI;
    if (Math.abs(im) <= tol && re >= -tol) best = Math.min(best, Math.max(re, 0));
  }
  return Number.isFinite(best) ? best : null;
}

/**
 * The coupling of full nonreciprocity at phi = pi/2, J = Gamma/2 (paper Sec. 2: J_- = i (Gamma/2) e^{-i phi}),
 * which makes the battery-to-charger element of M vanish.
 */
export function nonreciprocalCoupling(p) {
  return 0.5 * checkParams({ ...p, J: 0 }).Gamma;
}
