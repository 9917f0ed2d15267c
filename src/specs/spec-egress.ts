import { checkOutboundUrl, type EgressPolicy } from "../egress/outbound-url";
import { modelCredentialRefusal, type SecretHosts, secretHostRefusal } from "../egress/secret-hosts";
import type { ModelSpec, PromptSpec } from "./prompt-spec";
import { analyzeTemplate } from "./template-references";
import type { WorkflowNode, WorkflowSpec } from "./workflow-spec";

type Path = (string | number)[];

/** One refused outbound URL or secret, by the spec field that configures it. */
export interface EgressIssue {
  path: Path;
  message: string;
}

/**
 * The scheme and host of a URL template, when they are written out rather
 * than rendered: `https://api.example.com/{{ x }}` has them, `{{ env.base }}/x`
 * and `https://{{ env.host }}/x` do not. Null when the template decides them.
 */
export function fixedOrigin(template: string): string | null {
  const tag = template.search(/\{[{%#]/);
  if (tag === -1) return template;
  const written = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*[/?#]/i.exec(template.slice(0, tag));
  return written ? written[0] : null;
}

/** The names of the secrets a template reads (`secrets.NAME`). */
export function secretsReadBy(template: string): string[] {
  const analysis = analyzeTemplate(template);
  return analysis.ok ? [...new Set(analysis.references.filter((ref) => ref[0] === "secrets" && ref[1] !== undefined).map((ref) => ref[1]!))] : [];
}

function modelIssues(model: ModelSpec, at: Path, policy: EgressPolicy, bindings: SecretHosts | undefined): EgressIssue[] {
  if (model.base_url !== undefined) {
    const verdict = checkOutboundUrl(model.base_url, policy);
    if (!verdict.ok) return [{ path: [...at, "base_url"], message: verdict.reason }];
  }
  const credentials = bindings && modelCredentialRefusal(model, bindings);
  return credentials ? [{ path: [...at, model.base_url === undefined ? "provider" : "base_url"], message: credentials }] : [];
}

function apiNodeIssues(node: Extract<WorkflowNode, { type: "api" }>, at: Path, policy: EgressPolicy, bindings: SecretHosts | undefined): EgressIssue[] {
  const origin = fixedOrigin(node.url);
  // A URL whose host a template decides is checked when it runs.
  const verdict = origin === null ? null : checkOutboundUrl(origin, policy);
  if (verdict && !verdict.ok) return [{ path: [...at, "url"], message: verdict.reason }];
  if (!bindings) return [];
  return Object.entries(node.headers ?? {}).flatMap(([name, template]) => {
    const bound = secretsReadBy(template).filter((secret) => (bindings[secret]?.length ?? 0) > 0);
    if (bound.length === 0) return [];
    const path = [...at, "headers", name];
    if (!verdict) return [{ path, message: `The secret ${bound[0]} is bound to hosts, so the node's URL must write its host out rather than render it` }];
    const refusal = secretHostRefusal(bound, verdict.url.hostname, bindings);
    return refusal ? [{ path, message: refusal }] : [];
  });
}

/**
 * Every outbound URL a spec configures that `policy` refuses: a model's
 * (or a fallback model's) base_url, an `api` node's URL (when its scheme and host are written out).
 * With an environment's secret bindings, also every secret the spec would
 * send to a host it is not bound to: provider credentials, and secrets in
 * `api` node headers.
 */
export function specEgressIssues(
  spec: { kind: "prompt"; spec: PromptSpec } | { kind: "workflow"; spec: WorkflowSpec },
  policy: EgressPolicy,
  bindings?: SecretHosts,
): EgressIssue[] {
  if (spec.kind === "prompt") {
    return [
      ...modelIssues(spec.spec.model, ["model"], policy, bindings),
      ...(spec.spec.fallback_models ?? []).flatMap((model, i) => modelIssues(model, ["fallback_models", i], policy, bindings)),
    ];
  }
  return spec.spec.nodes.flatMap((node, i) => {
    if (node.type === "api") return apiNodeIssues(node, ["nodes", i], policy, bindings);
    if (node.type === "prompt" && node.prompt) return modelIssues(node.prompt.model, ["nodes", i, "prompt", "model"], policy, bindings);
    return [];
  });
}
