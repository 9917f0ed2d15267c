import { describe, expect, it } from "vitest";
import { conditionsHold, matchesClaimPattern } from "../../src/oidc/claim-pattern";

describe("claim patterns", () => {
  it.each([
    ["acme/prompts", "acme/prompts", true],
    ["acme/prompts", "acme/prompts2", false],
    ["acme/*", "acme/prompts", true],
    ["acme/*", "acme/prompts/sub", false],
    ["acme/*", "acme/", true],
    ["refs/heads/*", "refs/heads/main", true],
    ["refs/heads/*", "refs/heads/feature/x", false],
    ["refs/heads/**", "refs/heads/feature/x", true],
    ["refs/tags/v*", "refs/tags/v1.2.0", true],
    ["refs/tags/v*", "refs/tags/1.2.0", false],
    ["acme/prompts/.github/workflows/deploy.yml@refs/heads/*", "acme/prompts/.github/workflows/deploy.yml@refs/heads/main", true],
    ["acme/prompts/.github/workflows/deploy.yml@refs/heads/*", "acme/prompts/.github/workflows/other.yml@refs/heads/main", false],
    ["**", "anything/at/all", true],
    // Regular-expression characters are literal.
    ["v1.2.0", "v1x2x0", false],
    ["a+b", "aab", false],
    ["(x)|y", "y", false],
    ["repo:acme/*:ref:refs/heads/main", "repo:acme/prompts:ref:refs/heads/main", true],
    ["repo:acme/*:ref:refs/heads/main", "repo:acme/a/b:ref:refs/heads/main", false],
  ])("%s ~ %s → %s", (pattern, value, expected) => {
    expect(matchesClaimPattern(pattern, value)).toBe(expected);
  });

  it("every condition must hold, on a string claim", () => {
    const claims = { repository: "acme/prompts", ref: "refs/heads/main", run_attempt: 1 };
    expect(conditionsHold({ repository: "acme/*", ref: "refs/heads/main" }, claims)).toBe(true);
    expect(conditionsHold({ repository: "acme/*", ref: "refs/heads/dev" }, claims)).toBe(false);
    expect(conditionsHold({ environment: "*" }, claims)).toBe(false);
    expect(conditionsHold({ run_attempt: "1" }, claims)).toBe(false);
  });
});
