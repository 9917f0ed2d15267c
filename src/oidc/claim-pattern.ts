/**
 * Claim conditions of a trust policy: an exact value, or a glob where `*`
 * matches within one `/`-separated segment and `**` matches across them.
 * Nothing else is special, so a value such as `refs/tags/v1.2.0` or
 * `octo-org/repo` matches itself.
 *
 * @example
 * matchesClaimPattern("refs/heads/*", "refs/heads/main"); // true
 * matchesClaimPattern("refs/heads/*", "refs/heads/feature/x"); // false
 * matchesClaimPattern("refs/heads/**", "refs/heads/feature/x"); // true
 */
export function matchesClaimPattern(pattern: string, value: string): boolean {
  if (!pattern.includes("*")) return pattern === value;
  return compile(pattern).test(value);
}

const compiled = new Map<string, RegExp>();
const MAX_COMPILED = 500;

function compile(pattern: string): RegExp {
  const known = compiled.get(pattern);
  if (known) return known;
  let source = "";
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i]!;
    if (char === "*") {
      // Any run of two or more stars crosses segments; one stays within its segment.
      let run = 1;
      while (pattern[i + 1] === "*") {
        run++;
        i++;
      }
      source += run > 1 ? "[\\s\\S]*" : "[^/]*";
    } else {
      source += char.replace(/[.+?^${}()|[\]\\/-]/g, "\\$&");
    }
  }
  const regExp = new RegExp(`^${source}$`, "u");
  if (compiled.size >= MAX_COMPILED) compiled.clear();
  compiled.set(pattern, regExp);
  return regExp;
}

/**
 * Whether every condition holds for the token's claims. A condition on a
 * claim that is absent or not a string does not hold.
 */
export function conditionsHold(conditions: Record<string, string>, claims: Record<string, unknown>): boolean {
  return Object.entries(conditions).every(([claim, pattern]) => {
    const value = claims[claim];
    return typeof value === "string" && matchesClaimPattern(pattern, value);
  });
}
