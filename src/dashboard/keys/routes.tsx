import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { createKey, getKey, listKeysFor, revokeKey, rotateKey } from "../../access/api-keys";
import type { AppEnv } from "../../context";
import type { Router } from "../../http/router";
import { problemCatalog } from "../../lib/problem";
import { CreateApiKeyBody, RotateApiKeyBody } from "../../routes/api-keys/schemas";
import { action, type CurrentSession, field, fields, notFound, page, param } from "../pages";
import { IssuedKeyPage } from "./issued-key-page";
import { readKeyTargets } from "./key-environments";
import { type CreateKeyValues, DONE_MESSAGES, type Done, KeysPage, REFUSALS } from "./keys-page";
import { RevokePage } from "./revoke-page";
import { DEFAULT_GRACE_SECONDS, RotatePage } from "./rotate-page";

/** How many keys the list shows; far more than a workspace keeps. */
const LIMIT = 100;

/** A page showing a key's secret: never stored by the browser or anything between. */
const SHOWN_ONCE = { "Cache-Control": "no-store" };

async function renderKeys(c: Context<AppEnv>, signedIn: CurrentSession, form: { values: CreateKeyValues; error: string; status: ContentfulStatusCode } | null = null) {
  const deps = c.get("deps");
  const [keys, targets] = await Promise.all([listKeysFor(deps, signedIn.principal, { limit: LIMIT }), readKeyTargets(deps, signedIn.principal)]);
  const done = c.req.query("done");
  const refused = c.req.query("refused");
  return c.html(
    <KeysPage
      keys={keys.ok ? keys.value.data : []}
      targets={targets}
      signedIn={signedIn}
      now={deps.now()}
      refusal={keys.ok ? undefined : "This key may not manage API keys: that needs the admin scope."}
      done={form === null && done !== undefined && done in DONE_MESSAGES ? (done as Done) : undefined}
      notice={form === null && refused !== undefined ? (REFUSALS[refused] ?? REFUSALS.OTHER) : undefined}
      createError={form?.error}
      values={form?.values}
    />,
    form?.status ?? (keys.ok ? 200 : problemCatalog[keys.error.code].status),
  );
}

/** "2030-01-31" from a date input as the start of that day in UTC; anything else as given, for the schema to refuse. */
const startOfDay = (date: string) => (/^\d{4}-\d{2}-\d{2}$/.test(date) ? `${date}T00:00:00.000Z` : date);

export function registerKeyPages(app: Router) {
  page(app, "/api-keys", (c, signedIn) => renderKeys(c, signedIn));

  action(app, "/api-keys", async (c, signedIn, form) => {
    const values: CreateKeyValues = { name: field(form, "name"), environment: field(form, "environment"), scopes: fields(form, "scopes"), expiresOn: field(form, "expires_on") };
    const body = CreateApiKeyBody.safeParse({
      name: values.name,
      environment: values.environment || null,
      scopes: values.scopes,
      expires_at: values.expiresOn ? startOfDay(values.expiresOn) : null,
    });
    if (!body.success) {
      const wrong = [...new Set(body.error.issues.map((issue) => String(issue.path[0])))];
      const words: Record<string, string> = {
        name: "a name (at most 100 characters)",
        scopes: "at least one scope",
        expires_at: "a valid expiry date",
        environment: "an environment",
      };
      return renderKeys(c, signedIn, { values, error: `The key was not created: give ${wrong.map((w) => words[w] ?? w).join(" and ")}.`, status: 400 });
    }
    const created = await createKey(c.get("deps"), signedIn.principal, body.data);
    if (!created.ok) return renderKeys(c, signedIn, { values, error: `The key was not created: ${created.error.detail}`, status: problemCatalog[created.error.code].status });
    return c.html(<IssuedKeyPage issued={created.value} signedIn={signedIn} now={c.get("deps").now()} />, 201, SHOWN_ONCE);
  });

  page(app, "/api-keys/:id/rotate", async (c, signedIn) => {
    const key = await getKey(c.get("deps"), signedIn.principal, param(c, "id"));
    if (!key.ok) return notFound(c, signedIn);
    return c.html(<RotatePage apiKey={key.value} signedIn={signedIn} grace={String(DEFAULT_GRACE_SECONDS)} />);
  });

  action(app, "/api-keys/:id/rotate", async (c, signedIn, form) => {
    const deps = c.get("deps");
    const id = param(c, "id");
    const grace = field(form, "grace_period_seconds");
    const body = RotateApiKeyBody.safeParse({ grace_period_seconds: /^\d+$/.test(grace) ? Number(grace) : grace === "" ? undefined : Number.NaN });
    if (!body.success) {
      const key = await getKey(deps, signedIn.principal, id);
      if (!key.ok) return notFound(c, signedIn);
      return c.html(<RotatePage apiKey={key.value} signedIn={signedIn} grace={grace} error="Give the grace period as whole seconds, from 0 to 2592000 (30 days)." />, 400);
    }
    const rotated = await rotateKey(deps, signedIn.principal, id, body.data.grace_period_seconds);
    if (!rotated.ok) {
      if (rotated.error.code === "NOT_FOUND") return notFound(c, signedIn);
      return c.redirect(`/api-keys?refused=${encodeURIComponent(rotated.error.code in REFUSALS ? rotated.error.code : "OTHER")}`, 303);
    }
    const { previous_key, ...issued } = rotated.value;
    return c.html(<IssuedKeyPage issued={issued} previous={previous_key} signedIn={signedIn} now={deps.now()} />, 201, SHOWN_ONCE);
  });

  page(app, "/api-keys/:id/revoke", async (c, signedIn) => {
    const deps = c.get("deps");
    const key = await getKey(deps, signedIn.principal, param(c, "id"));
    if (!key.ok) return notFound(c, signedIn);
    return c.html(<RevokePage apiKey={key.value} signedIn={signedIn} now={deps.now()} />);
  });

  action(app, "/api-keys/:id/revoke", async (c, signedIn) => {
    const revoked = await revokeKey(c.get("deps"), signedIn.principal, param(c, "id"));
    if (!revoked.ok) {
      if (revoked.error.code === "NOT_FOUND") return notFound(c, signedIn);
      return c.redirect(`/api-keys?refused=${encodeURIComponent(revoked.error.code in REFUSALS ? revoked.error.code : "OTHER")}`, 303);
    }
    return c.redirect("/api-keys?done=revoked", 303);
  });
}
