import { describe, expect, it } from "vitest";
import { momentsFromSums, newcombe, tCritical, welch, wilson } from "../../src/lib/statistics";

/** Asserts an interval's ends to `digits` decimal places. */
function expectInterval(actual: [number, number] | null, expected: [number, number], digits = 4) {
  expect(actual).not.toBeNull();
  expect(actual![0]).toBeCloseTo(expected[0], digits);
  expect(actual![1]).toBeCloseTo(expected[1], digits);
}

describe("wilson", () => {
  it("matches the score interval worked out by hand", () => {
    // 15/100, z² = 3.841459: centre (0.15 + 0.019207) / 1.038415 = 0.162948,
    // half 1.959964 · √(0.001275 + 0.0000960365) / 1.038415 = 0.069888.
    expectInterval(wilson(15, 100), [0.09306, 0.232836], 5);
  });

  it("ends exactly at 0 and 1 when every trial failed or every trial succeeded", () => {
    // Newcombe 1998, table I: 0/10 → (0, 0.2775); 10/10 → (0.7225, 1).
    expectInterval(wilson(0, 10), [0, 0.2775]);
    expect(wilson(0, 10)[0]).toBe(0);
    expectInterval(wilson(10, 10), [0.7225, 1]);
    expect(wilson(10, 10)[1]).toBe(1);
  });

  it("refuses an empty sample", () => {
    expect(() => wilson(0, 0)).toThrow(RangeError);
    expect(() => wilson(3, 2)).toThrow(RangeError);
  });
});

describe("newcombe", () => {
  // Newcombe (1998), Statistics in Medicine 17:873–890, table II, method 10.
  it.each([
    { a: [56, 70], b: [48, 80], estimate: 0.2, ci: [0.0524, 0.3339] },
    { a: [9, 10], b: [3, 10], estimate: 0.6, ci: [0.1705, 0.809] },
    { a: [5, 56], b: [0, 29], estimate: 0.0893, ci: [-0.0381, 0.1926] },
    { a: [0, 10], b: [0, 20], estimate: 0, ci: [-0.1611, 0.2775] },
    { a: [0, 10], b: [0, 10], estimate: 0, ci: [-0.2775, 0.2775] },
    { a: [10, 10], b: [0, 20], estimate: 1, ci: [0.6791, 1] },
    { a: [10, 10], b: [0, 10], estimate: 1, ci: [0.6075, 1] },
  ])("gives the published interval for $a.0/$a.1 − $b.0/$b.1", ({ a, b, estimate, ci }) => {
    const d = newcombe({ successes: a[0]!, trials: a[1]! }, { successes: b[0]!, trials: b[1]! });
    expect(d.estimate).toBeCloseTo(estimate, 4);
    expectInterval(d.ci95, ci as [number, number]);
  });

  it("is the mirror image when the samples swap", () => {
    const d = newcombe({ successes: 48, trials: 80 }, { successes: 56, trials: 70 });
    expect(d.estimate).toBeCloseTo(-0.2, 10);
    expectInterval(d.ci95, [-0.3339, -0.0524]);
  });
});

describe("tCritical", () => {
  it.each([
    // Two-sided 95% values of any t table; the non-whole ones from SciPy's t.ppf(0.975, df).
    [1, 12.7062],
    [2, 4.3027],
    [3, 3.1824],
    [5, 2.5706],
    [10, 2.2281],
    [20, 2.086],
    [30, 2.0423],
    [60, 2.0003],
    [120, 1.9799],
    [1.3, 7.500529],
    [3.4083, 2.977272],
    [7.5, 2.33304],
    [24.9885, 2.059587],
  ])("at df %s is %s", (df, t) => {
    // The documented accuracy: 0.21% below df 8, 1.1e-5 from there.
    expect(Math.abs(tCritical(df) / t - 1)).toBeLessThan(df < 8 ? 0.0021 : 2e-5);
  });

  it("tends to the normal value as df grows", () => {
    expect(tCritical(1e9)).toBeCloseTo(1.959964, 6);
  });

  it("falls as df grows, without a step where the table hands over", () => {
    let previous = Number.POSITIVE_INFINITY;
    for (let df = 1; df < 200; df += 0.01) {
      const t = tCritical(df);
      expect(t).toBeLessThan(previous);
      previous = t;
    }
  });

  it("refuses df below 1", () => {
    expect(() => tCritical(0.5)).toThrow(RangeError);
    expect(() => tCritical(Number.NaN)).toThrow(RangeError);
  });
});

describe("momentsFromSums", () => {
  it("gives the mean and the n − 1 variance", () => {
    const m = momentsFromSums(4, 10, 30)!;
    expect(m.n).toBe(4);
    expect(m.mean).toBe(2.5);
    expect(m.variance).toBeCloseTo(5 / 3, 12);
  });

  it("takes a constant sample's rounding residue as zero variance", () => {
    const values = Array.from({ length: 95 }, () => 0.01);
    const sum = values.reduce((s, x) => s + x, 0);
    const squares = values.reduce((s, x) => s + x * x, 0);
    expect(momentsFromSums(95, sum, squares)!.variance).toBe(0);
  });

  it("has no variance for one value and no moments for none", () => {
    expect(momentsFromSums(1, 7, 49)).toEqual({ n: 1, mean: 7, variance: 0 });
    expect(momentsFromSums(0, 0, 0)).toBeNull();
  });
});

describe("welch", () => {
  it("matches SciPy on the Welch's t-test example of Wikipedia", () => {
    // A1 and A2 of https://en.wikipedia.org/wiki/Welch%27s_t-test#Examples (example 2);
    // scipy.stats.ttest_ind(a1, a2, equal_var=False): df 24.9885, CI (−3.984096, −0.349237).
    const a1 = [27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1, 21.9, 22.6, 23.1, 19.6, 19.0, 21.7, 21.4];
    const a2 = [27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0, 24.8, 20.2, 21.9, 22.1, 22.9, 20.5, 24.4];
    const moments = (xs: number[]) =>
      momentsFromSums(
        xs.length,
        xs.reduce((s, x) => s + x, 0),
        xs.reduce((s, x) => s + x * x, 0),
      )!;
    const d = welch(moments(a1), moments(a2));
    expect(d.estimate).toBeCloseTo(-2.166667, 5);
    expect(d.df).toBeCloseTo(24.9885, 3);
    expectInterval(d.ci95, [-3.984096, -0.349237], 4);
  });

  it("matches the interval worked out by hand for equal variances", () => {
    // se = √(4/10 + 4/10) = 0.894427; df = 0.8² / (2 · 0.4² / 9) = 18; t(18) = 2.100922.
    const d = welch({ n: 10, mean: 5, variance: 4 }, { n: 10, mean: 3, variance: 4 });
    expect(d.df).toBeCloseTo(18, 10);
    expectInterval(d.ci95, [2 - 2.100922 * 0.894427, 2 + 2.100922 * 0.894427], 5);
  });

  it("gives an estimate without an interval when a sample has one value or neither varies", () => {
    expect(welch({ n: 1, mean: 5, variance: 0 }, { n: 10, mean: 3, variance: 4 })).toEqual({ estimate: 2, ci95: null, df: null });
    expect(welch({ n: 5, mean: 5, variance: 0 }, { n: 5, mean: 3, variance: 0 })).toEqual({ estimate: 2, ci95: null, df: null });
  });

  it("takes its degrees of freedom from the varying sample when the other is constant", () => {
    // Only b varies: se = √(4/5) and df = n_b − 1 = 4, t(4) = 2.776445.
    const d = welch({ n: 10, mean: 5, variance: 0 }, { n: 5, mean: 3, variance: 4 });
    expect(d.df).toBeCloseTo(4, 10);
    expectInterval(d.ci95, [2 - 2.776445 * Math.sqrt(0.8), 2 + 2.776445 * Math.sqrt(0.8)], 5);
  });
});
