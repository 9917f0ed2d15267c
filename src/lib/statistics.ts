/**
 * Confidence intervals for comparing two samples: a difference of two
 * proportions (Newcombe's hybrid score interval) and of two means (Welch).
 * Small enough to keep here rather than pull in a statistics library; every
 * function is checked against published or SciPy values in
 * test/lib/statistics.test.ts.
 */

/** Φ⁻¹(0.975): the two-sided 95% critical value of the standard normal. */
export const Z_95 = 1.959963984540054;

/** A confidence interval, low end first. */
export type Interval = [low: number, high: number];

/** An estimate with its 95% confidence interval. */
export interface IntervalEstimate {
  estimate: number;
  ci95: Interval;
}

/**
 * Wilson's score interval for a proportion of `successes` in `trials`
 * (trials ≥ 1). Unlike the Wald interval it stays inside [0, 1] and keeps
 * close to its coverage for small samples and rates near 0 or 1.
 *
 * @example
 * wilson(15, 100); // [0.09306, 0.23284]
 * wilson(0, 10); // [0, 0.27753]
 */
export function wilson(successes: number, trials: number, z = Z_95): Interval {
  if (!(trials >= 1) || successes < 0 || successes > trials) throw new RangeError(`wilson needs 0 ≤ successes ≤ trials, trials ≥ 1 (got ${successes}/${trials})`);
  const p = successes / trials;
  const z2 = z * z;
  const denominator = 1 + z2 / trials;
  const centre = (p + z2 / (2 * trials)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials))) / denominator;
  // At p = 0 or 1 the end is exactly 0 or 1 in theory; rounding would leave 1e-17 off it.
  return [successes === 0 ? 0 : Math.max(0, centre - half), successes === trials ? 1 : Math.min(1, centre + half)];
}

/** A count of successes out of trials. */
export interface Proportion {
  successes: number;
  trials: number;
}

/**
 * The difference of two proportions, `a` minus `b`, with Newcombe's hybrid
 * score interval (method 10 of Newcombe 1998, Statistics in Medicine 17:873):
 * each end combines the two Wilson intervals' distances from their estimates.
 * Both need trials ≥ 1.
 *
 * @example
 * newcombe({ successes: 56, trials: 70 }, { successes: 48, trials: 80 });
 * // { estimate: 0.2, ci95: [0.0524, 0.3339] }  (Newcombe 1998, table II, example a)
 */
export function newcombe(a: Proportion, b: Proportion): IntervalEstimate {
  const p1 = a.successes / a.trials;
  const p2 = b.successes / b.trials;
  const [l1, u1] = wilson(a.successes, a.trials);
  const [l2, u2] = wilson(b.successes, b.trials);
  const estimate = p1 - p2;
  return { estimate, ci95: [estimate - Math.hypot(p1 - l1, u2 - p2), estimate + Math.hypot(u1 - p1, p2 - l2)] };
}

/** A sample's size, mean and variance (n − 1 denominator; 0 when n < 2). */
export interface SampleMoments {
  n: number;
  mean: number;
  variance: number;
}

/**
 * A sample's moments from its count, sum and sum of squares, as one SQL
 * aggregate gives them; null for an empty sample. The sum of squares minus
 * n·mean² loses precision when the spread is tiny next to the mean: a
 * difference within the rounding error n summed squares could carry is
 * taken as zero variance.
 *
 * @example
 * momentsFromSums(4, 10, 30); // { n: 4, mean: 2.5, variance: 1.6667 }  (the sample 1, 2, 3, 4)
 */
export function momentsFromSums(n: number, sum: number, sumOfSquares: number): SampleMoments | null {
  if (n < 1) return null;
  const mean = sum / n;
  const squaredDeviations = sumOfSquares - sum * mean;
  const variance = n < 2 || squaredDeviations <= n * Number.EPSILON * sumOfSquares ? 0 : squaredDeviations / (n - 1);
  return { n, mean, variance };
}

/**
 * The difference of two means, `a` minus `b`, with Welch's t interval, which
 * does not assume equal variances; degrees of freedom by Welch–Satterthwaite.
 * The interval is null when either sample has fewer than 2 values or both
 * have zero variance (nothing to estimate a spread from).
 *
 * @example
 * welch({ n: 10, mean: 5, variance: 4 }, { n: 10, mean: 3, variance: 4 });
 * // { estimate: 2, ci95: [0.1209, 3.8791], df: 18 }  (se = √0.8, t(18) = 2.1009)
 */
export function welch(a: SampleMoments, b: SampleMoments): { estimate: number; ci95: Interval | null; df: number | null } {
  const estimate = a.mean - b.mean;
  if (a.n < 2 || b.n < 2 || (a.variance === 0 && b.variance === 0)) return { estimate, ci95: null, df: null };
  const va = a.variance / a.n;
  const vb = b.variance / b.n;
  const se = Math.sqrt(va + vb);
  // Satterthwaite's df lies between min(n) − 1 and n_a + n_b − 2; the floor guards rounding below it.
  const df = Math.max(Math.min(a.n, b.n) - 1, (va + vb) ** 2 / (va ** 2 / (a.n - 1) + vb ** 2 / (b.n - 1)));
  const half = tCritical(df) * se;
  return { estimate, ci95: [estimate - half, estimate + half], df };
}

/**
 * Student's t quantiles at 0.975 for small df, exact to 9 digits (SciPy's
 * `t.ppf`). Between entries, log t is interpolated linearly in 1/df.
 */
const T_975: readonly (readonly [df: number, t: number])[] = [
  [1, 12.706204736],
  [1.125, 9.81084025],
  [1.25, 8.027951377],
  [1.5, 6.016663104],
  [1.75, 4.948847849],
  [2, 4.30265273],
  [2.5, 3.574654842],
  [3, 3.182446305],
  [4, 2.776445105],
  [5, 2.570581836],
  [6, 2.446911851],
  [8, 2.306004135],
];

/**
 * The two-sided 95% critical value of Student's t with `df` degrees of
 * freedom (df ≥ 1, not necessarily whole): its 0.975 quantile.
 *
 * Accuracy, against SciPy over a 0.001 grid: below df 8 the table above,
 * interpolated, is within 0.21% (exact at its entries); from df 8 the
 * four-term Cornish–Fisher expansion about the normal quantile
 * (Abramowitz & Stegun 26.7.5) is within 1.1e-5 relative, and within 2e-8
 * from df 30. It tends to 1.96 as df grows, so no cut-over to the normal
 * value is needed (that would be 1% low at df 120).
 *
 * @example
 * tCritical(10); // 2.2281
 * tCritical(30); // 2.0423
 */
export function tCritical(df: number): number {
  if (!(df >= 1)) throw new RangeError(`tCritical needs df ≥ 1 (got ${df})`);
  const last = T_975.at(-1)!;
  if (df <= last[0]) {
    const i = Math.max(
      1,
      T_975.findIndex(([d]) => d >= df),
    );
    const [d0, t0] = T_975[i - 1]!;
    const [d1, t1] = T_975[i]!;
    const w = (1 / d0 - 1 / df) / (1 / d0 - 1 / d1);
    return Math.exp(Math.log(t0) + w * (Math.log(t1) - Math.log(t0)));
  }
  const z = Z_95;
  const z3 = z ** 3;
  const z5 = z ** 5;
  const z7 = z ** 7;
  const z9 = z ** 9;
  const g1 = (z3 + z) / 4;
  const g2 = (5 * z5 + 16 * z3 + 3 * z) / 96;
  const g3 = (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / 384;
  const g4 = (79 * z9 + 776 * z7 + 1482 * z5 - 1920 * z3 - 945 * z) / 92160;
  return z + g1 / df + g2 / df ** 2 + g3 / df ** 3 + g4 / df ** 4;
}
