import { monotonicFactory } from "ulid";

/** The kinds of object that get an id, and the prefix that names each. */
export const idPrefixes = {
  workspace: "ws",
  environment: "env",
  apiKey: "key",
  auditEvent: "evt",
  deployment: "dep",
  release: "rel",
  sandbox: "sbx",
  promotionRequest: "prq",
  execution: "exe",
  documentIndex: "idx",
  document: "doc",
  documentChunk: "chk",
  webhook: "whk",
  webhookEvent: "whe",
  webhookDelivery: "whd",
  testSuite: "ts",
  testSuiteRun: "tsr",
  testCase: "tc",
  oidcTrustPolicy: "otp",
  rollout: "rol",
  scheduledRelease: "sch",
} as const;

export type IdKind = keyof typeof idPrefixes;

/** Generates ids; handed to services so that tests can supply their own. */
export type IdGenerator = (kind: IdKind) => string;

/**
 * The ULID library asks for one random number per character; drawing each
 * from a pool of random bytes, refilled 256 at a time, spares a call into the
 * platform's CSPRNG for every character. A byte over 256 maps onto the 32
 * symbols evenly.
 */
const pool = new Uint8Array(256);
let poolIndex = pool.length;
function pooledRandom(): number {
  if (poolIndex === pool.length) {
    crypto.getRandomValues(pool);
    poolIndex = 0;
  }
  return pool[poolIndex++]! / 256;
}

/** Monotonic within an isolate, so ids minted in the same millisecond still sort in creation order. */
const nextUlid = monotonicFactory(pooledRandom);

/**
 * Prefixed, time-ordered ids (`env_01jd…`): the prefix says what the id names,
 * the ULID body sorts by creation time, which keyset pagination relies on.
 */
export const newId: IdGenerator = (kind) => `${idPrefixes[kind]}_${nextUlid().toLowerCase()}`;
