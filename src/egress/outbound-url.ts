/**
 * Whether Stagecraft may call a URL that a user configured: a model's
 * `base_url`, a workflow `api` node's URL, a webhook. Pure functions of the
 * URL and a policy, with no I/O, so specs/ and runtime/ can use them too.
 *
 * The decision is made on the URL alone: a Worker cannot resolve names
 * itself. Literal addresses are read after the WHATWG URL parser has
 * normalised them (`2130706433`, `0177.0.0.1`, `0x7f.1` and `127.1` all
 * become `127.0.0.1`; `[::ffff:127.0.0.1]` becomes `[::ffff:7f00:1]`), so
 * every spelling of an address meets the same check. A public name that
 * resolves to a private address is not caught here; in production
 * Cloudflare's network does not connect a Worker's subrequests to private
 * addresses, under `wrangler dev` it does (see docs/operations.md).
 */

/** What decides a URL besides the URL itself. */
export interface EgressPolicy {
  /** Plain `http:` is refused (production). */
  httpsOnly: boolean;
  /** `host` or `host:port` entries whose non-public addresses may be called (local development stubs). Empty in production. */
  privateHosts: readonly string[];
  /** The environment's allowlist: host names and `*.example.com` patterns. Empty: any public host. */
  allowlist: readonly string[];
}

/** The strictest policy: every non-public address refused, no allowlist. Used where no configuration is at hand (offline validation). */
/** The `host` or `host:port` entries of an EGRESS_ALLOW_PRIVATE_HOSTS value (comma-separated). */
export function privateHostList(value: string | undefined): string[] {
  return (value ?? "")
    .split(",")
    .map((entry) => entry.trim().toLowerCase())
    .filter(Boolean);
}

export const STRICT_EGRESS: EgressPolicy = { httpsOnly: false, privateHosts: [], allowlist: [] };

export type UrlVerdict = { ok: true; url: URL } | { ok: false; reason: string };

type Range = readonly [start: number, bits: number, label: string];

const ipv4 = (a: number, b: number, c: number, d: number) => ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;

/** IPv4 ranges that are not the public internet (RFC 6890 and friends), most specific label first. */
const REFUSED_IPV4: readonly Range[] = [
  [ipv4(169, 254, 169, 254), 32, "a cloud metadata address"],
  [ipv4(100, 100, 100, 200), 32, "a cloud metadata address"],
  [ipv4(255, 255, 255, 255), 32, "the broadcast address"],
  [ipv4(0, 0, 0, 0), 8, "an unspecified (this-network) address"],
  [ipv4(10, 0, 0, 0), 8, "a private address"],
  [ipv4(100, 64, 0, 0), 10, "a carrier-grade NAT address"],
  [ipv4(127, 0, 0, 0), 8, "a loopback address"],
  [ipv4(169, 254, 0, 0), 16, "a link-local address"],
  [ipv4(172, 16, 0, 0), 12, "a private address"],
  [ipv4(192, 0, 0, 0), 24, "a reserved address"],
  [ipv4(192, 0, 2, 0), 24, "a documentation address"],
  [ipv4(192, 88, 99, 0), 24, "a reserved address"],
  [ipv4(192, 168, 0, 0), 16, "a private address"],
  [ipv4(198, 18, 0, 0), 15, "a benchmarking address"],
  [ipv4(198, 51, 100, 0), 24, "a documentation address"],
  [ipv4(203, 0, 113, 0), 24, "a documentation address"],
  [ipv4(224, 0, 0, 0), 4, "a multicast address"],
  [ipv4(240, 0, 0, 0), 4, "a reserved address"],
];

function inRange(address: number, [start, bits]: Range): boolean {
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return (address & mask) >>> 0 === start;
}

/** Why an IPv4 address (as a 32-bit number) is refused, or null for a public one. */
function ipv4Refusal(address: number): string | null {
  return REFUSED_IPV4.find((range) => inRange(address, range))?.[2] ?? null;
}

function parseDottedIpv4(text: string): number | null {
  const parts = text.split(".");
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return null;
  const [a, b, c, d] = parts.map(Number) as [number, number, number, number];
  return ipv4(a, b, c, d);
}

/** The eight 16-bit groups of an IPv6 address (without brackets), or null. */
function parseIpv6(text: string): number[] | null {
  // A dotted IPv4 tail (::ffff:127.0.0.1) becomes its two groups; URL already writes it so, but not every caller is URL.
  const hex = text.replace(/(\d+\.\d+\.\d+\.\d+)$/, (dotted) => {
    const v4 = parseDottedIpv4(dotted);
    return v4 === null ? "invalid" : `${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  });
  const halves = hex.split("::");
  if (halves.length > 2) return null;
  const groups = (half: string) => (half === "" ? [] : half.split(":").map((g) => (/^[0-9a-f]{1,4}$/i.test(g) ? Number.parseInt(g, 16) : Number.NaN)));
  const head = groups(halves[0]!);
  const rest = halves.length === 2 ? groups(halves[1]!) : [];
  const missing = 8 - head.length - rest.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const all = [...head, ...new Array<number>(missing).fill(0), ...rest];
  return all.every((g) => Number.isInteger(g)) ? all : null;
}

const embeddedIpv4 = (g: number[], at: number) => ((g[at]! << 16) | g[at + 1]!) >>> 0;

/** Why an IPv6 address is refused, or null for a public one. Forms that carry an IPv4 address are judged by that address. */
function ipv6Refusal(g: number[]): string | null {
  const zeroUpTo = (n: number) => g.slice(0, n).every((x) => x === 0);
  if (zeroUpTo(8)) return "the unspecified address";
  if (zeroUpTo(7) && g[7] === 1) return "a loopback address";
  if (zeroUpTo(5) && g[5] === 0xffff) return ipv4Refusal(embeddedIpv4(g, 6)); // IPv4-mapped ::ffff:a.b.c.d
  if (zeroUpTo(4) && g[4] === 0xffff && g[5] === 0) return ipv4Refusal(embeddedIpv4(g, 6)); // IPv4-translated ::ffff:0:a.b.c.d
  if (zeroUpTo(6)) return ipv4Refusal(embeddedIpv4(g, 6)); // IPv4-compatible ::a.b.c.d
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0)) return ipv4Refusal(embeddedIpv4(g, 6)); // NAT64 64:ff9b::/96
  if (g[0] === 0x2002) return ipv4Refusal(embeddedIpv4(g, 1)); // 6to4 2002:a.b.c.d::/48
  if (g[0] === 0xfd00 && g[1] === 0x0ec2 && g.slice(2, 7).every((x) => x === 0) && g[7] === 0x254) return "a cloud metadata address";
  const first = g[0]!;
  if ((first & 0xfe00) === 0xfc00) return "a unique-local address";
  if ((first & 0xffc0) === 0xfe80) return "a link-local address";
  if ((first & 0xffc0) === 0xfec0) return "a site-local address";
  if ((first & 0xff00) === 0xff00) return "a multicast address";
  if (first === 0x2001 && g[1] === 0x0db8) return "a documentation address";
  if (first === 0x2001 && g[1]! < 0x0200) return "a reserved address"; // 2001::/23: Teredo, benchmarking, ORCHID
  if (first === 0x3fff && g[1]! < 0x1000) return "a documentation address"; // 3fff::/20
  // Only global unicast (2000::/3) is the public internet.
  if ((first & 0xe000) !== 0x2000) return "a reserved address";
  return null;
}

/** Names that only ever mean something inside a network, never on the public internet. */
const LOCAL_SUFFIXES = [".localhost", ".internal", ".local", ".localdomain", ".home.arpa"];

function nameRefusal(name: string): string | null {
  if (name === "localhost" || LOCAL_SUFFIXES.some((suffix) => name.endsWith(suffix)) || name === "home.arpa") return "a local name";
  if (!name.includes(".")) return "a single-label name, which only a local network resolves";
  return null;
}

/** A host name as compared: lower case, without a trailing dot. */
function plainHost(hostname: string): string {
  return hostname.toLowerCase().replace(/\.+$/, "");
}

/**
 * Why a URL's host is not on the public internet, or null. `hostname` is
 * what URL gives: dotted decimal for IPv4, bracketed for IPv6.
 */
export function hostRefusal(hostname: string): string | null {
  if (hostname.startsWith("[")) {
    const groups = parseIpv6(hostname.slice(1, -1));
    return groups ? ipv6Refusal(groups) : "an address that cannot be read";
  }
  const host = plainHost(hostname);
  const v4 = parseDottedIpv4(host);
  if (v4 !== null) return ipv4Refusal(v4);
  return nameRefusal(host);
}

/**
 * Whether `host` matches one of `patterns`: an exact host name, or
 * `*.example.com`, which matches any name below example.com (not
 * example.com itself).
 *
 * @example
 * hostMatches("api.example.com", ["*.example.com"]); // true
 * hostMatches("example.com", ["*.example.com"]); // false
 */
export function hostMatches(hostname: string, patterns: readonly string[]): boolean {
  const host = plainHost(hostname);
  return patterns.some((raw) => {
    const pattern = plainHost(raw);
    return pattern.startsWith("*.") ? host.endsWith(pattern.slice(1)) && host.length > pattern.length - 1 : host === pattern;
  });
}

/** Whether a `host` or `host:port` entry of EGRESS_ALLOW_PRIVATE_HOSTS names this URL's host (and port). */
function privatelyAllowed(url: URL, entries: readonly string[]): boolean {
  const port = url.port || (url.protocol === "https:" ? "443" : "80");
  const host = plainHost(url.hostname);
  return entries.some((entry) => {
    const at = entry.lastIndexOf(":");
    // A bare IPv6 entry ([::1]) has colons but no port after its bracket.
    const hasPort = at > entry.lastIndexOf("]") && at !== -1 && /^\d+$/.test(entry.slice(at + 1));
    const entryHost = plainHost(hasPort ? entry.slice(0, at) : entry);
    return entryHost === host && (!hasPort || entry.slice(at + 1) === port);
  });
}

/**
 * Decides whether Stagecraft may call `raw` under `policy`. Refuses: what is
 * not an absolute http(s) URL, plain http when `httpsOnly`, URLs carrying a
 * user name or password (`http://good.com@127.0.0.1/`), hosts that are not
 * on the public internet (unless named in `privateHosts`), and hosts outside
 * a non-empty allowlist. The reason names the host, never the whole URL,
 * which may carry a query string with something private in it.
 *
 * @example
 * checkOutboundUrl("http://0x7f.1/", STRICT_EGRESS); // { ok: false, reason: "127.0.0.1 is a loopback address…" }
 */
export function checkOutboundUrl(raw: string, policy: EgressPolicy): UrlVerdict {
  const url = URL.parse(raw);
  if (!url) return { ok: false, reason: "Not an absolute URL" };
  if (url.protocol !== "https:" && url.protocol !== "http:") return { ok: false, reason: `Only http and https URLs may be called, not ${url.protocol.slice(0, 20)}` };
  if (url.protocol === "http:" && policy.httpsOnly) return { ok: false, reason: "Only https URLs may be called in production" };
  if (url.username !== "" || url.password !== "") return { ok: false, reason: "The URL must not carry a user name or password" };
  const refusal = hostRefusal(url.hostname);
  if (refusal && !privatelyAllowed(url, policy.privateHosts)) {
    return { ok: false, reason: `${url.hostname} is ${refusal}; Stagecraft calls only public internet hosts` };
  }
  if (policy.allowlist.length > 0 && !hostMatches(url.hostname, policy.allowlist)) {
    return { ok: false, reason: `${url.hostname} is not in the environment's egress allowlist` };
  }
  return { ok: true, url };
}
