import { exports } from "cloudflare:workers";
import { expect } from "vitest";
import { type ApiResponse, type CallOptions, call as callApi } from "../harness";

/** The content type a browser posts an HTML form with. */
export const FORM = { "content-type": "application/x-www-form-urlencoded" };

/** A form's fields: pairs in order, or by name (repeated names as arrays). */
export type FormFields = [string, string][] | Record<string, string | string[]>;

/** Calls the Worker as a browser's first hop would: redirects are answers to check, not to follow. With `key`, the harness's API call. */
export async function call(path: string, options: CallOptions = {}): Promise<ApiResponse> {
  if (options.key) return callApi(path, options);
  const res = await exports.default.fetch(`https://stagecraft.test${path}`, {
    method: options.method ?? "GET",
    headers: options.headers ?? {},
    body: options.rawBody,
    redirect: "manual",
  });
  return { status: res.status, headers: res.headers, body: await res.text() };
}

/** Posts `key` to the sign-in form; the 303 answer that sets the session cookie. */
export async function signInResponse(key: string): Promise<ApiResponse<string>> {
  const res = await call("/sign-in", { method: "POST", rawBody: new URLSearchParams({ key }).toString(), headers: FORM });
  expect(res.status).toBe(303);
  return res;
}

/** Signs in with `key`; the session cookie's `name=value`, to send back as a Cookie header. */
export async function signIn(key: string): Promise<string> {
  return ((await signInResponse(key)).headers.get("set-cookie") ?? "").split(";")[0] as string;
}

/** The CSRF token a dashboard page's forms carry. */
export const csrfOf = (html: string) => /name="csrf" value="([^"]+)"/.exec(html)?.[1] as string;

/** Opens `page` (for its CSRF token), then posts `fields` to `path` with that token first, as the page's form would. */
export async function post(cookie: string, page: string, path: string, fields: FormFields) {
  const opened = await call(page, { headers: { cookie } });
  expect(opened.status).toBe(200);
  const body = new URLSearchParams({ csrf: csrfOf(opened.body) });
  const pairs = Array.isArray(fields)
    ? fields
    : Object.entries(fields).flatMap(([name, value]) => (Array.isArray(value) ? value : [value]).map((v): [string, string] => [name, v]));
  for (const [name, value] of pairs) body.append(name, value);
  return call(path, { method: "POST", rawBody: body.toString(), headers: { ...FORM, cookie } });
}
