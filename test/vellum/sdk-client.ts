import { exports } from "cloudflare:workers";
import { VellumClient } from "vellum-ai";
import { vi } from "vitest";

export const SERVER = "https://stagecraft.test";

/**
 * The official Vellum client, pointed at this Worker. Its requests are
 * routed straight into the Worker's fetch handler instead of the network.
 */
export function vellumClient(apiKey: string) {
  vi.stubGlobal("fetch", (input: RequestInfo | URL, init?: RequestInit) => exports.default.fetch(input, init));
  return new VellumClient({ apiKey, environment: { default: SERVER, predict: SERVER, documents: SERVER } });
}
