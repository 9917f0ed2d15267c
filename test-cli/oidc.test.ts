import { expect, it, vi } from "vitest";
import { ExitCode } from "../cli/exit-codes";
import { signInWithGithubOidc } from "../cli/oidc";

it("requests GitHub's OIDC token for the audience and exchanges it at POST /v1/oidc/token", async () => {
  const calls: { url: string; init?: RequestInit }[] = [];
  const fakeFetch = (async (input: URL | RequestInfo, init?: RequestInit) => {
    const url = String(input);
    calls.push({ url, init });
    if (url.startsWith("https://token.actions.example/")) return Response.json({ value: "github-jwt" });
    return Response.json({ key: "sc_ws_short", expires_at: "2030-01-01T00:00:00.000Z" }, { status: 201 });
  }) as typeof fetch;
  const env = { ACTIONS_ID_TOKEN_REQUEST_URL: "https://token.actions.example/request?api-version=2.0", ACTIONS_ID_TOKEN_REQUEST_TOKEN: "runner-token" };
  const stderr = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
  const key = await signInWithGithubOidc({ server: "https://stagecraft.example", audience: "stagecraft", env: { ...env, GITHUB_ACTIONS: "true" }, fetch: fakeFetch });
  // The runner is told to hide the issued key before anything can print it.
  expect(stderr.mock.calls.map(([text]) => String(text))).toEqual(["::add-mask::sc_ws_short\n"]);
  stderr.mockRestore();
  expect(key).toEqual({ key: "sc_ws_short", expires_at: "2030-01-01T00:00:00.000Z" });
  expect(calls[0]!.url).toBe("https://token.actions.example/request?api-version=2.0&audience=stagecraft");
  expect(new Headers(calls[0]!.init?.headers).get("authorization")).toBe("Bearer runner-token");
  expect(calls[1]!.url).toBe("https://stagecraft.example/v1/oidc/token");
  expect(JSON.parse(String(calls[1]!.init?.body))).toEqual({ token: "github-jwt" });
});

it("refuses --oidc outside GitHub Actions as a usage error", async () => {
  await expect(signInWithGithubOidc({ server: "https://stagecraft.example", audience: "stagecraft", env: {} })).rejects.toMatchObject({ exitCode: ExitCode.usage });
});
