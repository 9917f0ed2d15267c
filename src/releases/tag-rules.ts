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
