// Complex arithmetic on [re, im] pairs for physics.mjs: the few operations its set-up needs, each with the
// branch or scaling numpy uses, so that the browser rounds as nrqb does. The per-time-point loops of physics.mjs
// write their arithmetic out on plain numbers instead (no pair allocated per point).

/** a + b */
export function cadd(a, b) {
  return [a[0] + b[0], a[1] + b[1]];
}

/** a - b */
export function csub(a, b) {
  return [a[0] - b[0], a[1] - b[1]];
}

/** a b */
export function cmul(a, b) {
  return [a[0] * b[0] - a[1] * b[1], a[0] * b[1] + a[1] * b[0]];
}

/** x a for a real x */
export function cscale(x, a) {
  return [x * a[0], x * a[1]];
}

/** |a| (without overflow or underflow of the squares) */
export function cabs(a) {
  return Math.hypot(a[0], a[1]);
}

/** conj(a) */
export function cconj(a) {
  return [a[0], -a[1]];
}

/** a / b by Smith's algorithm (no overflow of |b|^2); a / 0 is not defined here: callers test b first. */
export function cdiv(a, b) {
  const [ar, ai] = a;
  const [br, bi] = b;
  if (Math.abs(br) >= Math.abs(bi)) {
    const ratio = bi / br;
    const den = br + bi * ratio;
    return [(ar + ai * ratio) / den, (ai - ar * ratio) / den];
  }
  const ratio = br / bi;
  const den = br * ratio + bi;
  return [(ar * ratio + ai) / den, (ai * ratio - ar) / den];
}

/** The principal square root, stable in both half planes (numpy's branch: the sign of im, -0 included). */
export function csqrt(a) {
  const [re, im] = a;
  const r = Math.hypot(re, im);
  if (r === 0) return [0, im];
  if (re >= 0) {
    const s = Math.sqrt(0.5 * (r + re));
    return [s, im / (2 * s)];
  }
  const s = Math.sqrt(0.5 * (r - re));
  const negative = im < 0 || Object.is(im, -0);
  return [Math.abs(im) / (2 * s), negative ? -s : s];
}

/** e^{i x} for a real x */
export function cis(x) {
  return [Math.cos(x), Math.sin(x)];
}
