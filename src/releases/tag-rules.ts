import { type Failure, fail } from "../lib/result";
import type { ReleaseTagRow } from "./release-repository";
import { LATEST } from "./release-repository";

const SEMVER = /^v?\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

/** `LATEST` is Stagecraft's; `v1.2.0`-style names are write-once; any other name floats. */
export function tagKind(name: string): ReleaseTagRow["kind"] {
  if (name === LATEST) return "system";
  return SEMVER.test(name) ? "semver" : "floating";
}

export type TagMoveRefusal = "TAG_IS_SYSTEM" | "TAG_IS_IMMUTABLE" | null;

/** Whether `name` may be pointed at `releaseId`, given where it points now (if anywhere). */
export function checkTagMove(name: string, current: Pick<ReleaseTagRow, "releaseId"> | null, releaseId: string): TagMoveRefusal {
  const kind = tagKind(name);
  if (kind === "system") return "TAG_IS_SYSTEM";
  if (kind === "semver" && current !== null && current.releaseId !== releaseId) return "TAG_IS_IMMUTABLE";
  return null;
}

/** The one refusal for a request that asks to set a system tag, naming the field that asks. */
export function systemTagRefusal(path: string): { ok: false; error: Failure } {
  return fail("TAG_IS_SYSTEM", "LATEST always names the newest release; deploy, promote or revert to move it", [{ path, message: "LATEST is managed by Stagecraft" }]);
}

/**
 * Refuses tags a deploy or promote may not set, before anything is read or
 * written: a system tag anywhere in `tags` (named as `body.release_tags[i]`).
 */
export function requestedTagsRefusal(tags: readonly string[]): { ok: false; error: Failure } | null {
  const index = tags.findIndex((name) => tagKind(name) === "system");
  return index >= 0 ? systemTagRefusal(`body.release_tags[${index}]`) : null;
}
