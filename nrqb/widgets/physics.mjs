// The effective charger--battery model in the reader's browser: the algorithms of nrqb.drift, nrqb.linear and
// nrqb.dynamics (zero temperature), ported so that an explorer recomputes without a kernel and to the same
// precision. Tested against nrqb and against 50-digit mpmath under node (tests/test_physics_js.py) and in
// Chromium (tests/test_browser_explorers.py).
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
// The eigenvalues of Eq. (14) are lambda_+- = mu +- delta (mu = tr M / 2, delta^2 = N00^2 + M01 M10). From the
// vacuum, with psi(lambda) = (e^{lambda t} - 1)/lambda and its divided difference psi[lambda_+, lambda_-],
//   x(t) = [psi(lambda_-) I + psi[lambda_+, lambda_-] (M - lambda_- I)] f,   dx/dt = e^{Mt} f,
// so <b> = M_ba f_a psi[lambda_+, lambda_-] and no inverse of M is needed. Every cancellation is avoided
// (nrqb.drift.spectrum and nrqb.linear.driven_coefficients_2x2 say why each form is exact):
// * the rates are divided by a power of two s near the largest one (no overflow or underflow of products);
// * det M is written out in the parameters (Gamma^2/4 never cancels against itself); the eigenvalue of larger
//   modulus is mu +- delta, the smaller det M divided by it, so a slow rate keeps its relative accuracy beside a
//   fast one (rate ratios up to 1e14 are tested); a mode that decays more than 1e6 times slower than it
//   oscillates takes its decay rate from the Rayleigh quotient v^+ K v / (2|v|^2), a sum of positive terms;
// * e^{lambda t} - 1 uses expm1 where |lambda t| < 1/2 (small times);
// * near an exceptional point (delta -> 0, Eq. 15) the difference quotient of psi is replaced by
//   (mu c1 - (c0 - 1))/det M, with c1 = sinh(delta t)/delta e^{mu t} a series in delta t, or, at small times, by
//   the Taylor series of psi[lambda_+, lambda_-] in t; so the exceptional point, Lambda_a = Lambda_b and
//   Lambda_b = Lambda_a/2 (the denominators of the paper's Eqs. 8, 9 and 22) are ordinary points here;
// * where the charger settles far below its transient scale, <a> comes from the battery's equation instead.
// The steady state is x_ss = -M^{-1} f = (-M_bb, M_ba) f_a / det M (Eq. 10 generalised), scale-free; it exists
// when both decay rates exceed their rounding bound (nrqb.drift.decay_rates), not by a threshold on the rates.
// Observables: E_A = omega |<a>|^2, E_B = omega |<b>|^2 (coherent states from the vacuum), the efficiency
// eta = E_B / (E_A + E_B) (Eq. 11; 0 at t = 0) and the power P = dE_B/dt = 2 omega Re(conj(<b>) d<b>/dt)
// (Eq. 12), the exact derivative.

import { cabs, cadd, cdiv, cis, cmul, cscale, csqrt, csub } from "./complex.mjs";

const EPS = 2 ** -52;
const SERIES_BELOW = 1e-2; // |delta t| below which c1 uses the series of tanh(z)/z (nrqb.linear._SERIES_BELOW)
const NEAR_EP_BELOW = 1e-3; // |delta| min(t, 1/|mu|) below which psi[.,.] is not the difference quotient
const TAYLOR_BELOW = 0.1; // max |lambda t| below which psi[.,.] is its Taylor series (nrqb.linear._TAYLOR_BELOW)
const TAYLOR_TERMS = 12;
const EXPM1_BELOW = 0.5; // |lambda t| below which e^{lambda t} - 1 is built from expm1
const RAYLEIGH_BELOW = 1e-6; // |Re lambda| / |lambda| below which the decay rate is the Rayleigh quotient's
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

// ---------------------------------------------------------------- the spectrum of the drift matrix (Eqs. 13, 14)

function rateScale(q) {
  // The power of two s with the largest rate, detuning or coupling in [s/2, s) (nrqb.drift._rate_scale).
  const size = Math.max(q.Gamma, q.kappa_a, q.kappa_b, Math.abs(q.Delta_a), Math.abs(q.Delta_b), Math.abs(q.J));
  if (!(size > 0)) return 1;
  let e = Math.floor(Math.log2(size)) + 1;
  if (size >= 2 ** e) e += 1;
  if (size < 2 ** (e - 1)) e -= 1;
  return 2 ** Math.min(e, 1023);
}

function eigenvector(first, second) {
  // The longer of two candidate eigenvectors (the two rows of M - lambda I), as nrqb.drift._eigenvector.
  const n1 = first[0][0] ** 2 + first[0][1] ** 2 + first[1][0] ** 2 + first[1][1] ** 2;
  const n2 = second[0][0] ** 2 + second[0][1] ** 2 + second[1][0] ** 2 + second[1][1] ** 2;
  return n1 >= n2 ? first : second;
}

function rayleigh(sp) {
  // Decay rates -Re lambda_+- = v^+ K v / (2 |v|^2) of the two modes and the sums that bound their rounding,
  // in units of s (nrqb.drift._rayleigh): K = diag(kappa_a, kappa_b) + Gamma u u^+, u = (1, e^{i phi}).
  const { G, ka, kb, phi } = sp.scaled;
  const { M01, M10, mu, n00, delta, w } = sp;
  const back = cis(-phi);
  const modes = [
    [
      [M01, csub(delta, n00)],
      [w, M10],
    ],
    [
      [M01, cscale(-1, w)],
      [csub(n00, delta), M10],
    ],
  ];
  return modes.map(([first, second]) => {
    const [va, vb] = eigenvector(first, second);
    const na = va[0] ** 2 + va[1] ** 2;
    const nb = vb[0] ** 2 + vb[1] ** 2;
    const norm = na + nb;
    const dark = cabs(cadd(va, cmul(back, vb)));
    if (!(norm > 0)) return { rate: -mu[0], spread: Math.abs(mu[0]) }; // M = mu I: every vector is one
    const total = ka * na + kb * nb + G * dark * dark;
    const spread = ka * na + kb * nb + 2 * G * dark * (cabs(va) + cabs(vb));
    return { rate: total / (2 * norm), spread: spread / (2 * norm) };
  });
}

/**
 * The drift matrix of Eq. (13) split for exact, cancellation-free use (nrqb.drift.spectrum), for validated
 * parameters: every complex quantity is an [re, im] pair in units of `scale`.
 * @param {object} p  parameters (nrqb.Params field names)
 * @returns {{params: object, scale: number, M01: number[], M10: number[], M11: number[], mu: number[],
 *   n00: number[], delta: number[], w: number[], det: number[], lamPlus: number[], lamMinus: number[]}}
 *   mu = tr M / 2, n00 = (M_aa - M_bb)/2, delta^2 = n00^2 + M01 M10 (the sign with |delta - n00| >= |delta + n00|),
 *   w = delta + n00 = M01 M10 / (delta - n00), det M written out in the parameters, the eigenvalues mu +- delta
 *   (the smaller in modulus as det M / the larger).
 * @throws {ParameterError} for invalid parameters, or rates beyond what double precision represents
 */
export function spectrum(p) {
  const q = checkParams(p);
  const s = rateScale(q);
  const G = q.Gamma / s;
  const ka = q.kappa_a / s;
  const kb = q.kappa_b / s;
  const Da = q.Delta_a / s;
  const Db = q.Delta_b / s;
  const J = q.J / s;
  const c = Math.cos(q.phi);
  const sn = Math.sin(q.phi);
  // -i J - (Gamma/2) e^{-i phi} and -i J - (Gamma/2) e^{+i phi}
  const M01 = [-0.5 * G * c, -J + 0.5 * G * sn];
  const M10 = [-0.5 * G * c, -J - 0.5 * G * sn];
  const M11 = [-0.5 * (G + kb), -Db];
  const mu = [-0.5 * (G + 0.5 * (ka + kb)), -0.5 * (Da + Db)];
  const n00 = [-0.25 * (ka - kb), -0.5 * (Da - Db)];
  const qq = cmul(M01, M10);
  // det M = |J|^2 - Da Db + [Gamma (ka + kb) + ka kb]/4 + i [(Da Lambda_b + Db Lambda_a)/2 - Gamma Re(J e^{i phi})]
  const det = [J * J - Da * Db + 0.25 * (G * (ka + kb) + ka * kb), 0.5 * (Da * (G + kb) + Db * (G + ka)) - G * J * c];
  let delta = csqrt(cadd(cmul(n00, n00), qq));
  if (delta[0] * n00[0] + delta[1] * n00[1] > 0) delta = cscale(-1, delta);
  const apart = csub(delta, n00);
  const w = apart[0] === 0 && apart[1] === 0 ? [0, 0] : cdiv(qq, apart);
  const plus = cadd(mu, delta);
  const minus = csub(mu, delta);
  const plusLarger = cabs(plus) >= cabs(minus);
  const larger = plusLarger ? plus : minus;
  const smaller = larger[0] === 0 && larger[1] === 0 ? [0, 0] : cdiv(det, larger);
  let lamPlus = plusLarger ? larger : smaller;
  let lamMinus = plusLarger ? smaller : larger;
  const sp = { params: q, scale: s, scaled: { G, ka, kb, phi: q.phi }, M01, M10, M11, mu, n00, delta, w, det };
  // A mode that decays far slower than it oscillates loses its decay rate in mu +- delta or det / lambda (errors of
  // eps |lambda|); there the real part is the decay rate of the Rayleigh quotient.
  const slowDecay = (lam) => Math.abs(lam[0]) < RAYLEIGH_BELOW * cabs(lam);
  if (slowDecay(lamPlus) || slowDecay(lamMinus)) {
    const [plusMode, minusMode] = rayleigh(sp);
    const fix = (lam, { rate }) => (rate < RAYLEIGH_BELOW * cabs(lam) ? [-rate, lam[1]] : lam);
    lamPlus = fix(lamPlus, plusMode);
    lamMinus = fix(lamMinus, minusMode);
  }
  sp.lamPlus = lamPlus;
  sp.lamMinus = lamMinus;
  requireRepresentable(sp);
  return sp;
}

function requireRepresentable(sp) {
  // Rates near the ends of the floating-point range cannot be represented (nrqb.dynamics._require_representable).
  const a = cabs(sp.lamPlus);
  const b = cabs(sp.lamMinus);
  const larger = Math.max(a, b);
  const smaller = Math.min(a, b);
  const names = "(Gamma, kappa_a, kappa_b, Delta_a, Delta_b, J)";
  if (!(sp.scale * larger <= 1e306)) {
    throw new ParameterError(
      "Gamma",
      `the rates and couplings ${names} must stay below about 1e306, so that the eigenvalues of the drift ` +
        "matrix are finite floats",
    );
  }
  if (smaller > 0 && smaller < 1e-290 * larger) {
    throw new ParameterError(
      "Gamma",
      `the two eigenvalues of the drift matrix are more than 1e290 apart; such a spread of the rates and ` +
        `couplings ${names} is beyond double precision`,
    );
  }
}

/**
 * Decay rates -Re lambda_+- of the two modes (units of omega) and a bound on their rounding error: a rate at or
 * below its bound is zero as far as the arithmetic can tell (nrqb.drift.decay_rates).
 * @returns {{rates: number[], bounds: number[]}}  for lambda_+ and lambda_- of spectrum()
 */
export function decayRates(sp) {
  const modes = rayleigh(sp);
  return {
    rates: modes.map((m) => sp.scale * m.rate),
    bounds: modes.map((m) => sp.scale * 16 * EPS * m.spread),
  };
}

/**
 * Eigenvalues lambda_+- = mu +- delta of the drift matrix (paper Eq. 14, with the corrected signs of
 * nrqb.exceptional), each accurate to a few units of rounding of its own modulus; the first has the larger real
 * part (the slower-decaying mode; for equal real parts, the larger imaginary part), as nrqb.eigenvalues.
 * @returns {number[][]} [[re, im], [re, im]] in units of omega
 */
export function eigenvalues(p) {
  return eigenvaluesOf(spectrum(p));
}

function eigenvaluesOf(sp) {
  const plus = cscale(sp.scale, sp.lamPlus);
  const minus = cscale(sp.scale, sp.lamMinus);
  const tie = Math.abs(plus[0] - minus[0]) <= 4 * EPS * Math.max(cabs(plus), cabs(minus));
  const plusFirst = tie ? plus[1] >= minus[1] : plus[0] > minus[0];
  return plusFirst ? [plus, minus] : [minus, plus];
}

// ---------------------------------------------------------------- time functions (nrqb.linear)

function tanhcSeries(zR, zI) {
  // tanh(z)/z = 1 - z^2/3 (1 - 2 z^2/5 (1 - 17 z^2/42)) for |z| < 1e-2 (next term below 3e-18).
  const z2R = zR * zR - zI * zI;
  const z2I = 2 * zR * zI;
  let wR = 1 - (17 / 42) * z2R;
  let wI = -(17 / 42) * z2I;
  for (const k of [0.4, 1 / 3]) {
    const pR = k * (z2R * wR - z2I * wI);
    const pI = k * (z2R * wI + z2I * wR);
    wR = 1 - pR;
    wI = -pI;
  }
  return [wR, wI];
}

function dividedDifferenceTaylor(z, d, tau) {
  // s^2 psi[lambda_+, lambda_-] = tau^2 sum_m h_m/(m+2)! with h_m = sum_{i+j=m} (lambda_+ t)^i (lambda_- t)^j,
  // from z = mu t and d = lambda_+ lambda_- t^2: h_m = 2 z h_{m-1} - d h_{m-2} (terms below 2e-18 after 12).
  let hpR = 1;
  let hpI = 0;
  let hR = 2 * z[0];
  let hI = 2 * z[1];
  let totR = 0.5 + hR / 6;
  let totI = hI / 6;
  let factorial = 6;
  for (let m = 2; m < TAYLOR_TERMS; m++) {
    const nR = 2 * (z[0] * hR - z[1] * hI) - (d[0] * hpR - d[1] * hpI);
    const nI = 2 * (z[0] * hI + z[1] * hR) - (d[0] * hpI + d[1] * hpR);
    hpR = hR;
    hpI = hI;
    hR = nR;
    hI = nI;
    factorial *= m + 2;
    totR += hR / factorial;
    totI += hI / factorial;
  }
  return [tau * tau * totR, tau * tau * totI];
}

function expAndExpm1(x, y, small, out) {
  // out = [Re e^z, Im e^z, Re(e^z - 1)] for z = x + i y (Im(e^z - 1) = Im e^z); with `small`, the real part of
  // e^z - 1 is expm1(x) cos y - 2 sin^2(y/2), whose terms do not cancel where |z| is small (numpy's expm1).
  const g = Math.exp(x);
  const c = Math.cos(y);
  out[0] = g * c;
  out[1] = g * Math.sin(y);
  if (small) {
    const h = Math.sin(0.5 * y);
    out[2] = Math.expm1(x) * c - 2 * h * h;
  } else {
    out[2] = out[0] - 1;
  }
}

function inverseOrZero(a) {
  return a[0] === 0 && a[1] === 0 ? [0, 0] : cdiv([1, 0], a);
}

/**
 * Charge the battery from the vacuum: energies, efficiency and power at the times `t` (paper Eqs. 5, 11, 12).
 * @param {object} p  parameters (nrqb.Params field names; J real)
 * @param {ArrayLike<number>} t  times >= 0 in units of 1/omega
 * @returns {{E_A: Float64Array, E_B: Float64Array, eta: Float64Array, P: Float64Array}}
 *   E_A, E_B in units of omega, eta dimensionless, P = dE_B/dt exactly, in units of omega^2.
 * @throws {ParameterError} for invalid parameters or times, rates beyond double precision, or energies beyond
 *   the float range (naming epsilon)
 */
export function evolve(p, t) {
  const sp = spectrum(p);
  checkTimes(t);
  const n = t.length;
  const out = { E_A: new Float64Array(n), E_B: new Float64Array(n), eta: new Float64Array(n), P: new Float64Array(n) };
  evolveInto(sp, t, out, 0);
  requireFinite("evolve", out.E_A, out.E_B, out.P);
  return out;
}

function requireFinite(what, ...arrays) {
  for (const a of arrays) {
    for (let i = 0; i < a.length; i++) {
      if (!Number.isFinite(a[i])) {
        throw new ParameterError(
          "epsilon",
          `${what}: the energies overflow the float range; they scale as epsilon^2 / rate^2: reduce epsilon ` +
            "(the drive) or use larger rates",
        );
      }
    }
  }
}

/**
 * Core of evolve for a spectrum(p): writes E_A, E_B, eta, P of times `t` into `out` at `offset` (lets the
 * explorers fill a 200 x 200 map without a temporary per row). The time functions are those of
 * nrqb.linear.driven_coefficients_2x2, each point in the form that has no cancellation there.
 */
export function evolveInto(sp, t, out, offset) {
  const s = sp.scale;
  const omega = sp.params.omega;
  const [rpR, rpI] = cscale(s, sp.lamPlus); // units of omega
  const [rmR, rmI] = cscale(s, sp.lamMinus);
  const [rdR, rdI] = cscale(s, sp.delta);
  const rateMu = cscale(s, sp.mu);
  const absRp = Math.hypot(rpR, rpI);
  const absRm = Math.hypot(rmR, rmI);
  const absRd = Math.hypot(rdR, rdI);
  const fastest = Math.max(absRp, absRm);
  const [ipR, ipI] = inverseOrZero(sp.lamPlus);
  const [imR, imI] = inverseOrZero(sp.lamMinus);
  const [hdR, hdI] = cscale(0.5, inverseOrZero(sp.delta)); // 0.5 / delta (scaled), 0 at delta = 0
  const plusZero = sp.lamPlus[0] === 0 && sp.lamPlus[1] === 0;
  const minusZero = sp.lamMinus[0] === 0 && sp.lamMinus[1] === 0;
  // c1 is a series where |delta t| < SERIES_BELOW, psi[.,.] not the quotient where |delta| min(t, 1/|mu|) < 1e-3
  const seriesUntil = absRd > 0 ? SERIES_BELOW / absRd : Infinity;
  const nearUntil = absRd < NEAR_EP_BELOW * cabs(rateMu) ? Infinity : NEAR_EP_BELOW / absRd;
  const [muR, muI] = sp.mu;
  const det = sp.det;
  const [idR, idI] = inverseOrZero(det);
  const [wR, wI] = sp.w;
  // f = (f_a, 0), f_a = -i epsilon; drive = f_a / s; <b> = B drive M10, d<b>/dt = c1 f_a M10
  const eps = sp.params.epsilon;
  const [dvR, dvI] = [0, -eps / s];
  const [m10R, m10I] = sp.M10;
  const [dbR, dbI] = cmul([dvR, dvI], sp.M10);
  const [fbR, fbI] = cmul([0, -eps], sp.M10);
  // Where the charger settles far below its transient scale (a nearly undamped, resonant battery), <a> from the
  // battery's equation, alpha = (d<b>/dt - M_bb <b>)/M_ba, where that has the smaller rounding-error estimate.
  const fromBattery = cabs(cmul(sp.M11, sp.lamMinus)) < 1e-3 * cabs(det) && !(m10R === 0 && m10I === 0);
  const [m11R, m11I] = cscale(s, sp.M11);
  const absSM10 = s * Math.hypot(m10R, m10I);
  const absDrive = Math.abs(dvI);
  const absM10 = Math.hypot(m10R, m10I);
  const absW = Math.hypot(wR, wI);
  const { E_A, E_B, eta, P } = out;
  const scratch = new Float64Array(3);
  for (let k = 0; k < t.length; k++) {
    const tk = t[k];
    // e^{lambda t} and e^{lambda t} - 1 (expm1 where |lambda t| is small) of both eigenvalues
    expAndExpm1(rpR * tk, rpI * tk, absRp * tk < EXPM1_BELOW, scratch);
    const epR = scratch[0];
    const epI = scratch[1];
    const e1pR = scratch[2];
    expAndExpm1(rmR * tk, rmI * tk, absRm * tk < EXPM1_BELOW, scratch);
    const emR = scratch[0];
    const emI = scratch[1];
    const e1mR = scratch[2];
    // c1 = s (e^{lambda+ t} - e^{lambda- t}) / (2 delta), or (e+ + e-)/2 s t tanh(delta t)/(delta t)
    let c1R;
    let c1I;
    if (tk < seriesUntil) {
      const [thR, thI] = tanhcSeries(rdR * tk, rdI * tk);
      const st = s * tk;
      const mR = 0.5 * (epR + emR) * st;
      const mI = 0.5 * (epI + emI) * st;
      c1R = mR * thR - mI * thI;
      c1I = mR * thI + mI * thR;
    } else {
      const dR = epR - emR;
      const dI = epI - emI;
      c1R = dR * hdR - dI * hdI;
      c1I = dR * hdI + dI * hdR;
    }
    // psi(lambda) = (e^{lambda t} - 1)/lambda, scaled (psi(0) = s t)
    const psR = plusZero ? s * tk : e1pR * ipR - epI * ipI;
    const psI = plusZero ? 0 : e1pR * ipI + epI * ipR;
    const pmR = minusZero ? s * tk : e1mR * imR - emI * imI;
    const pmI = minusZero ? 0 : e1mR * imI + emI * imR;
    // B = s^2 psi[lambda+, lambda-]
    let bR;
    let bI;
    if (tk < nearUntil) {
      if (fastest * tk <= TAYLOR_BELOW) {
        const tau = s * tk;
        const z = [rateMu[0] * tk, rateMu[1] * tk];
        const d = cscale(tau * tau, det);
        [bR, bI] = dividedDifferenceTaylor(z, d, tau);
      } else {
        // (mu c1 - (c0 - 1)) / det
        const nR = muR * c1R - muI * c1I - 0.5 * (e1pR + e1mR);
        const nI = muR * c1I + muI * c1R - 0.5 * (epI + emI);
        bR = nR * idR - nI * idI;
        bI = nR * idI + nI * idR;
      }
    } else {
      const dR = psR - pmR;
      const dI = psI - pmI;
      bR = dR * hdR - dI * hdI;
      bI = dR * hdI + dI * hdR;
    }
    // alpha = (B w + psi(lambda-)) drive, beta = B drive M10, d beta/dt = c1 f_a M10
    const uR = bR * wR - bI * wI + pmR;
    const uI = bR * wI + bI * wR + pmI;
    let aR = uR * dvR - uI * dvI;
    let aI = uR * dvI + uI * dvR;
    const betaR = bR * dbR - bI * dbI;
    const betaI = bR * dbI + bI * dbR;
    const bdR = c1R * fbR - c1I * fbI;
    const bdI = c1R * fbI + c1I * fbR;
    if (fromBattery) {
      const vR = bdR - (m11R * betaR - m11I * betaI);
      const vI = bdI - (m11R * betaI + m11I * betaR);
      const errorHere = (Math.hypot(bdR, bdI) + Math.hypot(m11R, m11I) * Math.hypot(betaR, betaI)) / absSM10;
      const errorDirect = absDrive * (Math.hypot(pmR, pmI) + (absW * Math.hypot(betaR, betaI)) / (absDrive * absM10));
      if (errorHere < errorDirect) [aR, aI] = cdiv([vR, vI], [s * m10R, s * m10I]);
    }
    const ea = omega * (aR * aR + aI * aI);
    const eb = omega * (betaR * betaR + betaI * betaI);
    const j = offset + k;
    E_A[j] = ea;
    E_B[j] = eb;
    eta[j] = ea + eb > 0 ? eb / (ea + eb) : 0;
    P[j] = omega * (2 * (betaR * bdR + betaI * bdI));
  }
}

/**
 * The t -> infinity state (paper Eq. 10 generalised to any detuning, phase and coupling):
 * x_ss = -M^{-1} f = (-M_bb, M_ba) f_a / det M, with det M written out in the parameters (nrqb.steady_state).
 * @returns {{E_A: number, E_B: number, eta: number}}
 * @throws {ParameterError} when a mode of the drift matrix is undamped (its decay rate zero to rounding: no
 *   steady state), or the energies overflow the float range
 */
export function steadyState(p) {
  return steadyStateOf(spectrum(p), "steadyState");
}

/** steadyState for a spectrum(p) (the explorers reuse the one they made for evolveInto). */
export function steadyStateOf(sp, what = "steadyState") {
  const { rates, bounds } = decayRates(sp);
  if (!(rates[0] > bounds[0] && rates[1] > bounds[1])) {
    const rate = Math.min(...rates.filter((r, i) => !(r > bounds[i])));
    throw new ParameterError(
      "kappa_a",
      `${what}: no steady state: a mode of the drift matrix is undamped (decay rate ${rate.toPrecision(3)}, zero ` +
        "to rounding): a combination of a and b that no damping reaches, e.g. with kappa_a = kappa_b = 0 and " +
        "J = 0, phi = 0; give kappa_a or kappa_b a value > 0",
    );
  }
  const drive = [0, -sp.params.epsilon / sp.scale];
  const a = cdiv(cmul(cscale(-1, sp.M11), drive), sp.det);
  const b = cdiv(cmul(sp.M10, drive), sp.det);
  const omega = sp.params.omega;
  const E_A = omega * (a[0] * a[0] + a[1] * a[1]);
  const E_B = omega * (b[0] * b[0] + b[1] * b[1]);
  requireFinite(what, [E_A, E_B]);
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
  const [rR, rI] = csqrt([dR * dR - dI * dI + gs * gs, 2 * dR * dI]);
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
