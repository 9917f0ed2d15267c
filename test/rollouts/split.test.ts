import { describe, expect, it } from "vitest";
import { bucketOf, meetsCandidate, SPLIT_BUCKETS, subjectOf } from "../../src/rollouts/split";
import { invoke, rolloutSetup, saltOf, startedRollout, subjectsByArm } from "./fixtures";

const SUBJECTS = Array.from({ length: 10_000 }, (_, i) => `user-${i}`);
const SALTS = ["9bX2kQpL0aZr7TcW", "salt", "0000000000000000"];

describe("the split, as pure functions", () => {
  it.each(SALTS)("sends each share of 10,000 subjects to the candidate within a percentage point (salt %s)", (salt) => {
    for (const percent of [5, 25, 50]) {
      const share = (SUBJECTS.filter((s) => meetsCandidate(percent, salt, s)).length / SUBJECTS.length) * 100;
      expect(Math.abs(share - percent), `${percent}% got ${share}%`).toBeLessThanOrEqual(1);
    }
  });

  it("never moves a subject out of the candidate as the percentage grows", () => {
    const steps = [0.01, 1, 5, 10, 25, 50, 75, 99.99, 100];
    for (const salt of SALTS) {
      for (const subject of SUBJECTS) {
        let met = false;
        for (const percent of steps) {
          const now = meetsCandidate(percent, salt, subject);
          if (met) expect(now, `${subject} left the candidate at ${percent}%`).toBe(true);
          met = now;
        }
        expect(met).toBe(true);
      }
    }
  });

  it("gives a subject the same bucket every time, and different salts different splits", () => {
    for (const subject of SUBJECTS.slice(0, 100)) expect(bucketOf("s", subject)).toBe(bucketOf("s", subject));
    const a = SUBJECTS.filter((s) => meetsCandidate(50, "one", s));
    const b = SUBJECTS.filter((s) => meetsCandidate(50, "two", s));
    const both = a.filter((s) => b.includes(s)).length;
    // Independent halves overlap on about a quarter of the subjects.
    expect(Math.abs(both / SUBJECTS.length - 0.25)).toBeLessThan(0.02);
    expect(Math.max(...SUBJECTS.map((s) => bucketOf("s", s)))).toBeLessThan(SPLIT_BUCKETS);
  });

  it("draws a request without a subject at random, and 0% and 100% are exact", () => {
    expect(meetsCandidate(50, "s", null, () => 0.49)).toBe(true);
    expect(meetsCandidate(50, "s", null, () => 0.5)).toBe(false);
    expect(SUBJECTS.some((s) => meetsCandidate(0, "s", s))).toBe(false);
    expect(SUBJECTS.every((s) => meetsCandidate(100, "s", s))).toBe(true);
  });

  it("finds the subject where sticky_by says", () => {
    const source = { external_id: "ext-1", metadata: { user_id: 42, empty: "" }, headers: new Headers({ "X-User": "hdr-1" }) };
    expect(subjectOf(null, source)).toBe("ext-1");
    expect(subjectOf({ type: "external_id" }, source)).toBe("ext-1");
    expect(subjectOf({ type: "metadata", key: "user_id" }, source)).toBe("42");
    expect(subjectOf({ type: "metadata", key: "empty" }, source)).toBeNull();
    expect(subjectOf({ type: "metadata", key: "missing" }, source)).toBeNull();
    expect(subjectOf({ type: "header", name: "x-user" }, source)).toBe("hdr-1");
    expect(subjectOf(null, {})).toBeNull();
  });
});

describe("the split, through the invoke path", () => {
  it("sends a subject to the same arm on every request, as the hash predicts", async () => {
    const s = await rolloutSetup(undefined, undefined, "Sticky split");
    const rollout = await startedRollout(s, { mode: "ab", percent: 50 });
    const subjects = subjectsByArm(await saltOf(rollout.id), 50, 3);
    for (const arm of ["candidate", "stable"] as const) {
      for (const subject of subjects[arm]) {
        for (let i = 0; i < 5; i++) {
          const res = await invoke(s.ws, subject);
          expect(res.body.release.rollout.arm).toBe(arm);
          expect(res.headers.get("X-Release-Id")).toBe(arm === "candidate" ? rollout.candidate_release_id : s.stableId);
        }
      }
    }
  });

  it("a release_tag naming a release id bypasses the split", async () => {
    const s = await rolloutSetup(undefined, undefined, "Pinned release");
    const rollout = await startedRollout(s, { mode: "ab", percent: 50 });
    const subjects = subjectsByArm(await saltOf(rollout.id), 50, 3);
    for (const subject of subjects.candidate) {
      const pinned = await invoke(s.ws, subject, { release_tag: s.stableId });
      expect(pinned.status).toBe(200);
      expect(pinned.headers.get("X-Release-Id")).toBe(s.stableId);
      expect(pinned.headers.get("X-Rollout-Arm")).toBeNull();
      expect(pinned.body.release.rollout).toBeUndefined();
      expect(pinned.body.outputs[0].value).toBe("q");
    }
    for (const subject of subjects.stable) {
      const pinned = await invoke(s.ws, subject, { release_tag: rollout.candidate_release_id });
      expect(pinned.headers.get("X-Release-Id")).toBe(rollout.candidate_release_id);
      expect(pinned.body.release.rollout).toBeUndefined();
    }
  });

  it("sticky_by a metadata key splits by that key, whatever the external_id", async () => {
    const s = await rolloutSetup(undefined, undefined, "Sticky by metadata");
    const rollout = await startedRollout(s, { mode: "ab", percent: 50, sticky_by: { type: "metadata", key: "user_id" } });
    const subjects = subjectsByArm(await saltOf(rollout.id), 50, 3);
    for (const arm of ["candidate", "stable"] as const) {
      for (const subject of subjects[arm]) {
        for (let i = 0; i < 3; i++) {
          const res = await invoke(s.ws, `ext-${arm}-${i}`, { metadata: { user_id: subject } });
          expect(res.body.release.rollout.arm).toBe(arm);
        }
      }
    }
  });

  it("sticky_by a header splits by that header", async () => {
    const s = await rolloutSetup(undefined, undefined, "Sticky by header");
    const rollout = await startedRollout(s, { mode: "ab", percent: 50, sticky_by: { type: "header", name: "X-User" } });
    const subjects = subjectsByArm(await saltOf(rollout.id), 50, 3);
    for (const arm of ["candidate", "stable"] as const) {
      for (const subject of subjects[arm]) {
        for (let i = 0; i < 3; i++) {
          const res = await invoke(s.ws, `ext-${i}`, {}, { "X-User": subject });
          expect(res.body.release.rollout.arm).toBe(arm);
        }
      }
    }
  });
});
