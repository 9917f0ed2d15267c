import { describe, expect, it } from "vitest";
import { guardedFetch } from "../../src/egress/guarded-fetch";
import { checkOutboundUrl, type EgressPolicy, hostMatches, hostRefusal, STRICT_EGRESS } from "../../src/egress/outbound-url";
import { egressPolicy } from "../../src/egress/policy";
import { modelCredentialRefusal } from "../../src/egress/secret-hosts";
import { fixedOrigin } from "../../src/specs/spec-egress";
import { HOSTILE_URLS } from "./hostile-urls";

const refused = (url: string, policy: EgressPolicy = STRICT_EGRESS) => {
  const verdict = checkOutboundUrl(url, policy);
  return verdict.ok ? null : verdict.reason;
};

describe("the outbound URL decision", () => {
  it.each(HOSTILE_URLS)("refuses %s", (url) => {
    expect(refused(url)).not.toBeNull();
  });

  it.each(["https://api.openai.com/v1", "https://8.8.8.8/", "http://[2606:4700:4700::1111]/", "https://llm.test/v1", "https://api.example.com:8443/x?q=1"])(
    "allows the public %s",
    (url) => {
      expect(refused(url)).toBeNull();
    },
  );

  it("reads every spelling of an IPv4 address the URL parser accepts as the same address", () => {
    for (const spelling of ["2130706433", "0177.0.0.1", "0x7f.1", "127.1", "0x7f.0.0.1", "017700000001"]) {
      expect(new URL(`http://${spelling}/`).hostname).toBe("127.0.0.1");
      expect(refused(`http://${spelling}/`)).toContain("127.0.0.1 is a loopback address");
    }
    expect(new URL("http://[::ffff:127.0.0.1]/").hostname).toBe("[::ffff:7f00:1]");
  });

  it("judges IPv6 forms that carry an IPv4 address by that address", () => {
    expect(hostRefusal("[::ffff:a00:1]")).toBe("a private address");
    expect(hostRefusal("[::ffff:808:808]")).toBeNull();
    expect(hostRefusal("[64:ff9b::808:808]")).toBeNull();
    expect(hostRefusal("[64:ff9b::7f00:1]")).toBe("a loopback address");
    expect(hostRefusal("[2002:7f00:1::1]")).toBe("a loopback address");
    expect(hostRefusal("[fd00:ec2::254]")).toBe("a cloud metadata address");
    expect(hostRefusal("169.254.169.254")).toBe("a cloud metadata address");
  });

  it("names the reason and the host, never the rest of the URL", () => {
    const reason = refused("http://0x7f.1/v1?token=abc")!;
    expect(reason).toContain("127.0.0.1");
    expect(reason).not.toContain("token");
    expect(refused("http://good.example.com@127.0.0.1/")).toContain("user name or password");
    expect(refused("ftp://good.example.com/")).toContain("http and https");
  });

  it("refuses plain http in production, where no private host is ever allowed", () => {
    const production = egressPolicy({ stage: "production", egressAllowPrivateHosts: ["localhost:11434"] });
    expect(refused("http://api.example.com/v1", production)).toContain("https");
    expect(refused("https://localhost:11434/v1", production)).toContain("local name");
    expect(refused("http://api.example.com/v1", egressPolicy({ stage: "development", egressAllowPrivateHosts: [] }))).toBeNull();
  });

  it("lets a development deployment call the private hosts it names, on the port named", () => {
    const dev = egressPolicy({ stage: "development", egressAllowPrivateHosts: ["localhost:11434", "127.0.0.1", "[::1]:8080"] });
    expect(refused("http://localhost:11434/v1", dev)).toBeNull();
    expect(refused("http://localhost:8080/v1", dev)).toContain("local name");
    expect(refused("http://127.0.0.1:9999/v1", dev)).toBeNull();
    expect(refused("http://[::1]:8080/", dev)).toBeNull();
    expect(refused("http://[::1]:8081/", dev)).not.toBeNull();
    expect(refused("http://169.254.169.254/", dev)).not.toBeNull();
    expect(refused("http://user:pw@localhost:11434/", dev)).toContain("user name");
  });

  it("applies an environment's allowlist: exact names and subdomain patterns", () => {
    const policy = { ...STRICT_EGRESS, allowlist: ["api.openai.com", "*.example.com"] };
    expect(refused("https://api.openai.com/v1", policy)).toBeNull();
    expect(refused("https://eu.api.example.com/x", policy)).toBeNull();
    expect(refused("https://example.com/x", policy)).toContain("allowlist");
    expect(refused("https://api.openai.com.evil.net/", policy)).toContain("allowlist");
    expect(refused("https://evilexample.com/", policy)).toContain("allowlist");
    expect(hostMatches("API.Example.COM.", ["*.example.com"])).toBe(true);
  });

  it("finds the written-out scheme and host of a URL template, or none when a template decides them", () => {
    expect(fixedOrigin("https://api.example.com/{{ inputs.path }}")).toBe("https://api.example.com/");
    expect(fixedOrigin("http://0x7f.1/x")).toBe("http://0x7f.1/x");
    expect(fixedOrigin("{{ env.base }}/x")).toBeNull();
    expect(fixedOrigin("https://{{ env.host }}/x")).toBeNull();
    expect(fixedOrigin("https://good.example.com@{{ env.host }}/")).toBeNull();
  });

  it("binds provider credentials to the host the model calls", () => {
    const bindings = { OPENAI_API_KEY: ["api.openai.com"] };
    expect(modelCredentialRefusal({ provider: "openai" }, bindings)).toBeNull();
    expect(modelCredentialRefusal({ provider: "openai", base_url: "https://proxy.example.net/v1" }, bindings)).toContain("OPENAI_API_KEY may be sent only to api.openai.com");
    expect(modelCredentialRefusal({ provider: "openai", base_url: "https://proxy.example.net/v1" }, {})).toBeNull();
  });

  it("a checked fetch refuses before sending and never follows a redirect", async () => {
    const sent: RequestInit[] = [];
    const send = (async (_input: RequestInfo | URL, init?: RequestInit) => {
      sent.push(init ?? {});
      return new Response(null, { status: 302, headers: { location: "http://127.0.0.1/" } });
    }) as typeof fetch;
    const checked = guardedFetch(STRICT_EGRESS, send);
    await expect(checked("http://0x7f.1/")).rejects.toMatchObject({ name: "EgressRefused", message: expect.stringContaining("loopback") });
    expect(sent).toHaveLength(0);
    const res = await checked("https://api.example.com/", { method: "POST" });
    expect(res.status).toBe(302);
    expect(sent).toEqual([{ method: "POST", redirect: "manual" }]);
  });
});
