import type { ReleaseView } from "../../releases/views";
import { age } from "../overview-page";
import type { ReleaseSource } from "./history";

export const releaseHref = (id: string) => `/releases/${encodeURIComponent(id)}`;
export const deploymentHref = (name: string) => `/deployments/${encodeURIComponent(name)}`;
export const rolloutStartHref = (id: string) => `${releaseHref(id)}/rollout`;
export const compareHref = (from: string, to: string) => `${releaseHref(from)}/compare?to=${encodeURIComponent(to)}`;

/** "sandbox revision 3", "promoted from staging v2", "revert to v1", with a link to the origin release the key may read. */
export function SourceText(props: { source: ReleaseSource | undefined }) {
  const { source } = props;
  if (!source) return null;
  if (source.type === "sandbox") return <>{source.revision === null ? "sandbox" : `sandbox revision ${source.revision}`}</>;
  if (!source.origin) return <>{source.type === "promotion" ? "promoted from an environment this key cannot read" : "revert"}</>;
  const label = source.type === "promotion" ? `${source.origin.environment} v${source.origin.version}` : `v${source.origin.version}`;
  return (
    <>
      {source.type === "promotion" ? "promoted from " : "revert to "}
      <a href={releaseHref(source.origin.id)}>{label}</a>
    </>
  );
}

/** A relative time with the exact one in `datetime` and on hover. */
export function When(props: { iso: string; now: Date }) {
  return (
    <time datetime={props.iso} title={props.iso}>
      {age(props.iso, props.now)}
    </time>
  );
}

export function Tags(props: { release: ReleaseView }) {
  if (props.release.tags.length === 0) return <span class="none">none</span>;
  return (
    <ul class="tags" aria-label="Tags">
      {props.release.tags.map((tag) => (
        <li>{tag}</li>
      ))}
    </ul>
  );
}
