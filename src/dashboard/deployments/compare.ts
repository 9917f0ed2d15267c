import type { Deps, Principal } from "../../context";
import { findDeployment } from "../../releases/deployment-repository";
import { compareReleases, getRelease } from "../../releases/read-releases";
import type { ReleaseView } from "../../releases/views";
import { keyName, keyNames } from "../key-names";
import { type ReleaseSource, readableEnvironments, releaseSources } from "./history";
import { canonicalText, type DiffLine, lineDiff } from "./spec-diff";

type Change = { change: "added" | "removed" | "changed"; from?: unknown; to?: unknown };

const show = (value: unknown) => (typeof value === "string" ? value : JSON.stringify(value));

function keyedLines(label: string, entries: unknown): string[] {
  if (!Array.isArray(entries)) return [];
  return entries.map((entry: Change & { key?: string; index?: number; field?: string }) => {
    const name = `${label} ${entry.key ?? (entry.index !== undefined ? entry.index + 1 : "")}`.trim();
    if (entry.change === "added") return `${name} added`;
    if (entry.change === "removed") return `${name} removed`;
    return `${name} changed`;
  });
}

/** What compareSpecs found, as short sentences: "Model name: echo → gpt-4o", "Message 2 changed", "Edge a -> b added". */
export function changeSentences(changes: Record<string, unknown>): string[] {
  const lines: string[] = [];
  const kind = changes.kind as { from: string; to: string } | undefined;
  if (kind) lines.push(`Kind: ${kind.from} → ${kind.to}`);
  const model = changes.model as { field: string; from: unknown; to: unknown }[] | undefined;
  for (const m of model ?? []) lines.push(`Model ${m.field}: ${show(m.from ?? "none")} → ${show(m.to ?? "none")}`);
  for (const p of (changes.parameters as (Change & { key: string })[] | undefined) ?? []) {
    if (p.change === "changed") lines.push(`Parameter ${p.key}: ${show(p.from)} → ${show(p.to)}`);
    else lines.push(`Parameter ${p.key} ${p.change}`);
  }
  lines.push(...keyedLines("Input variable", changes.input_variables), ...keyedLines("Message", changes.blocks), ...keyedLines("Node", changes.nodes));
  const edges = changes.edges as { added: string[]; removed: string[] } | undefined;
  for (const e of edges?.added ?? []) lines.push(`Edge ${e} added`);
  for (const e of edges?.removed ?? []) lines.push(`Edge ${e} removed`);
  return lines;
}

export interface ComparedRelease {
  release: ReleaseView;
  source: ReleaseSource | undefined;
  author: string;
}

export interface Comparison {
  deploymentName: string;
  from: ComparedRelease;
  to: ComparedRelease;
  identical: boolean;
  sentences: string[];
  specDiff: DiffLine[];
  /** For prompts: the line diff of each template block that changed, by block number (1-based). */
  templateDiffs: { block: number; lines: DiffLine[] }[];
}

function templateDiffs(from: unknown, to: unknown): { block: number; lines: DiffLine[] }[] {
  const blocksOf = (spec: unknown) => ((spec as { blocks?: { template?: string }[] }).blocks ?? []).map((b) => b.template);
  const a = blocksOf(from);
  const b = blocksOf(to);
  const diffs: { block: number; lines: DiffLine[] }[] = [];
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const before = a[i];
    const after = b[i];
    if (before !== after && (before !== undefined || after !== undefined)) diffs.push({ block: i + 1, lines: lineDiff(`${before ?? ""}\n`, `${after ?? ""}\n`) });
  }
  return diffs;
}

/** Two releases the key may read, compared with the API's compare function; null when either is not found. */
export async function readComparison(deps: Deps, principal: Principal, fromId: string, toId: string): Promise<Comparison | null> {
  const compared = await compareReleases(deps, principal, fromId, toId);
  if (!compared.ok) return null;
  const [from, to] = await Promise.all([getRelease(deps, principal, fromId), getRelease(deps, principal, toId)]);
  if (!from.ok || !to.ok) return null;
  const [environments, deployment] = await Promise.all([readableEnvironments(deps, principal), findDeployment(deps.db, principal.workspaceId, from.value.deployment_id)]);
  const [sources, authors] = await Promise.all([
    releaseSources(deps, principal, [from.value, to.value], environments),
    keyNames(deps, principal, [from.value.created_by, to.value.created_by]),
  ]);
  const side = (release: ReleaseView): ComparedRelease => ({ release, source: sources.get(release.id), author: keyName(authors, release.created_by) });
  return {
    deploymentName: deployment?.name ?? from.value.deployment_id,
    from: side(from.value),
    to: side(to.value),
    identical: compared.value.identical,
    sentences: changeSentences(compared.value.changes as Record<string, unknown>),
    specDiff: lineDiff(canonicalText(from.value.spec), canonicalText(to.value.spec)),
    templateDiffs: templateDiffs(from.value.spec, to.value.spec),
  };
}
