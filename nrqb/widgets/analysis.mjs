// Peak charging power and when it occurs, in the browser: a port of nrqb.analysis.peak_power (resolved mode), so
// an explorer's readout of P_peak and t_peak equals nrqb's on any time window.
//
// From the vacuum every observable is a finite sum of exponentials e^{nu t}; the exponents are the eigenvalues
// lambda_+- = mu +- delta of the drift matrix (paper Eqs. 13, 14) and conj(lambda_i) + lambda_j. timeGrid()
// resolves the fastest exponent max|nu| near t = 0 (12 points per unit of |nu| t up to |nu| t = 40) and follows
// the slowest decay min(-Re nu) with logarithmic spacing (48 points per e-fold) to where every transient is below
// e^{-40}, keeping the spacing below 1/(12 |Im lambda|) where oscillations survive; peakPower() takes the best
// grid point of P = dE_B/dt (paper Eq. 12) and refines it with bounded Brent (scipy's fminbound, ported below).

import { eigenvalues, evolveInto, ParameterError, spectrum } from "./physics.mjs";

const DECAY_LENGTHS = 40;
const POINTS_PER_RATE = 12;
const POINTS_PER_EFOLD = 48;
/** Largest grid timeGrid builds (nrqb.analysis.MAX_GRID_POINTS); beyond it the result is flagged unresolved. */
export const MAX_GRID_POINTS = 200000;

/**
 * Fastest exponent max|nu| and slowest decay min(-Re nu) of the transients, units of omega (0 if undamped).
 * @returns {[number, number]}
 */
export function rateScales(p) {
  const lam = eigenvalues(p);
  const nus = [lam[0], lam[1]];
  for (const a of lam) for (const b of lam) nus.push([a[0] + b[0], b[1] - a[1]]);
  let fast = 0;
  let slow = Infinity;
  for (const [re, im] of nus) {
    fast = Math.max(fast, Math.hypot(re, im));
    slow = Math.min(slow, -re);
  }
  return [fast, Math.max(slow, 0)];
}

function linspace(start, stop, num) {
  // numpy.linspace(start, stop, num): start + i * step, the last point exactly stop.
  const out = new Float64Array(num);
  if (num === 1) {
    out[0] = start;
    return out;
  }
  const step = (stop - start) / (num - 1);
  for (let i = 0; i < num; i++) out[i] = i * step + start;
  out[num - 1] = stop;
  return out;
}

function geomspace(start, stop, num) {
  // numpy.geomspace for 0 < start < stop: 10 ** linspace(log10 start, log10 stop), exact endpoints.
  const exps = linspace(Math.log10(start), Math.log10(stop), num);
  const out = exps.map((e) => 10 ** e);
  out[0] = start;
  out[num - 1] = stop;
  return out;
}

/**
 * Times on [0, tMax] that resolve every transient of p (nrqb.analysis.time_grid).
 * @param {object} p
 * @param {number} [tMax]  end of the window (1/omega); default: where the transients end
 * @returns {{t: Float64Array, resolved: boolean}}
 */
export function timeGrid(p, tMax) {
  const [fast, slow] = rateScales(p);
  if (tMax !== undefined && !(Number.isFinite(tMax) && tMax > 0)) {
    throw new ParameterError("t_max", `t_max (end of the time window, units of 1/omega) must be finite and > 0; got ${tMax}`);
  }
  if (fast === 0) return { t: linspace(0, tMax === undefined ? 1 : tMax, 3), resolved: true };
  let tEnd = slow > 0 ? DECAY_LENGTHS / slow : Infinity;
  if (tMax !== undefined) tEnd = Math.min(tEnd, tMax);
  if (!Number.isFinite(tEnd)) {
    throw new ParameterError("t_max", "timeGrid: an undamped mode never settles; give a finite t_max");
  }
  const lam = eigenvalues(p);
  const slowFreq = Math.max(Math.abs(lam[0][1]), Math.abs(lam[1][1]));
  const tFast = Math.min(DECAY_LENGTHS / fast, tEnd);
  const nFast = Math.max(Math.ceil(POINTS_PER_RATE * fast * tFast), 8);
  const grids = [linspace(0, tFast, nFast + 1)];
  let resolved = true;
  if (tEnd > tFast) {
    const nLog = Math.ceil(POINTS_PER_EFOLD * Math.log(tEnd / tFast));
    const nOsc = slowFreq > 0 ? Math.ceil(POINTS_PER_RATE * slowFreq * (tEnd - tFast)) : 0;
    const budget = MAX_GRID_POINTS - nFast;
    if (nLog > budget || nOsc > budget) resolved = false;
    grids.push(geomspace(tFast, tEnd, Math.min(Math.max(nLog, 2), budget)));
    if (nOsc) grids.push(linspace(tFast, tEnd, Math.min(nOsc, budget)));
  }
  return { t: uniqueSorted(grids), resolved };
}

function uniqueSorted(arrays) {
  let total = 0;
  for (const a of arrays) total += a.length;
  const all = new Float64Array(total);
  let at = 0;
  for (const a of arrays) {
    all.set(a, at);
    at += a.length;
  }
  all.sort();
  let n = 0;
  for (let i = 0; i < total; i++) if (i === 0 || all[i] !== all[n - 1]) all[n++] = all[i];
  return all.slice(0, n);
}

/**
 * Bounded minimisation of f on [lo, hi]: scipy.optimize.minimize_scalar(method="bounded"), i.e. Brent's
 * fminbound (golden section with parabolic steps), ported line by line.
 * @returns {{x: number, fun: number}}
 */
export function fminbound(f, lo, hi, xatol = 1e-5, maxiter = 500) {
  const sqrtEps = Math.sqrt(2.2e-16);
  const goldenMean = 0.5 * (3.0 - Math.sqrt(5.0));
  let a = lo;
  let b = hi;
  let fulc = a + goldenMean * (b - a);
  let nfc = fulc;
  let xf = fulc;
  let rat = 0;
  let e = 0;
  let x = xf;
  let fx = f(x);
  let num = 1;
  let ffulc = fx;
  let fnfc = fx;
  let xm = 0.5 * (a + b);
  let tol1 = sqrtEps * Math.abs(xf) + xatol / 3.0;
  let tol2 = 2.0 * tol1;
  while (Math.abs(xf - xm) > tol2 - 0.5 * (b - a)) {
    let golden = true;
    if (Math.abs(e) > tol1) {
      golden = false;
      let r = (xf - nfc) * (fx - ffulc);
      let q = (xf - fulc) * (fx - fnfc);
      let pp = (xf - fulc) * q - (xf - nfc) * r;
      q = 2.0 * (q - r);
      if (q > 0.0) pp = -pp;
      q = Math.abs(q);
      r = e;
      e = rat;
      if (Math.abs(pp) < Math.abs(0.5 * q * r) && pp > q * (a - xf) && pp < q * (b - xf)) {
        rat = (pp + 0.0) / q;
        x = xf + rat;
        if (x - a < tol2 || b - x < tol2) {
          const si = Math.sign(xm - xf) + (xm - xf === 0 ? 1 : 0);
          rat = tol1 * si;
        }
      } else {
        golden = true;
      }
    }
    if (golden) {
      e = xf >= xm ? a - xf : b - xf;
      rat = goldenMean * e;
    }
    const si = Math.sign(rat) + (rat === 0 ? 1 : 0);
    x = xf + si * Math.max(Math.abs(rat), tol1);
    const fu = f(x);
    num += 1;
    if (fu <= fx) {
      if (x >= xf) a = xf;
      else b = xf;
      fulc = nfc;
      ffulc = fnfc;
      nfc = xf;
      fnfc = fx;
      xf = x;
      fx = fu;
    } else {
      if (x < xf) a = x;
      else b = x;
      if (fu <= fnfc || nfc === xf) {
        fulc = nfc;
        ffulc = fnfc;
        nfc = x;
        fnfc = fu;
      } else if (fu <= ffulc || fulc === xf || fulc === nfc) {
        fulc = x;
        ffulc = fu;
      }
    }
    xm = 0.5 * (a + b);
    tol1 = sqrtEps * Math.abs(xf) + xatol / 3.0;
    tol2 = 2.0 * tol1;
    if (num >= maxiter) break;
  }
  return { x: xf, fun: fx };
}

/**
 * Largest charging power P = dE_B/dt (paper Eq. 12) on 0 <= t <= tMax and its time (nrqb.analysis.peak_power).
 * @param {object} p
 * @param {number} [tMax]  end of the window, 1/omega; default: until every transient has decayed
 * @returns {{P: number, t: number, Jt: number, resolved: boolean}}  P in omega^2, t in 1/omega, Jt = |J| t
 *   (NaN where J = 0); resolved is false when the grid could not resolve every transient of the window.
 */
export function peakPower(p, tMax) {
  const sp = spectrum(p);
  const { t, resolved } = timeGrid(p, tMax);
  const n = t.length;
  const grid = { E_A: new Float64Array(n), E_B: new Float64Array(n), eta: new Float64Array(n), P: new Float64Array(n) };
  evolveInto(sp, t, grid, 0);
  let k = 0;
  for (let i = 1; i < n; i++) if (grid.P[i] > grid.P[k]) k = i;
  let bestP = grid.P[k];
  let bestT = t[k];
  const lo = t[Math.max(k - 1, 0)];
  const hi = t[Math.min(k + 1, n - 1)];
  if (hi > lo) {
    const one = { E_A: new Float64Array(1), E_B: new Float64Array(1), eta: new Float64Array(1), P: new Float64Array(1) };
    const at = new Float64Array(1);
    const minusP = (x) => {
      at[0] = x;
      evolveInto(sp, at, one, 0);
      return -one.P[0];
    };
    const res = fminbound(minusP, lo, hi, 1e-12 * Math.max(hi, 1e-300));
    if (-res.fun > bestP) {
      bestP = -res.fun;
      bestT = res.x;
    }
  }
  const J = Math.abs(sp.params.J);
  return { P: bestP, t: bestT, Jt: J > 0 ? J * bestT : NaN, resolved };
}
