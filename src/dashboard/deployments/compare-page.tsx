import { Layout, type SignedIn } from "../layout";
import type { ComparedRelease, Comparison } from "./compare";
import { ReleaseFacts } from "./release-page";
import { deploymentHref, releaseHref } from "./release-parts";
import { DiffView } from "./spec-diff";

function Side(props: { side: ComparedRelease; label: "From" | "To"; now: Date }) {
  const { release } = props.side;
  return (
    <section class="compare-side" aria-labelledby={`side-${props.label}`}>
      <h2 id={`side-${props.label}`}>
        {props.label}: <a href={releaseHref(release.id)}>{`${release.environment} v${release.version}`}</a>
      </h2>
      <ReleaseFacts details={props.side} now={props.now} />
    </section>
  );
}

/** Two releases side by side and what changed from the first to the second. */
export function ComparePage(props: { comparison: Comparison; signedIn: SignedIn; now: Date }) {
  const { comparison } = props;
  const { from, to } = comparison;
  const title = `${from.release.environment} v${from.release.version} → ${to.release.environment} v${to.release.version}`;
  return (
    <Layout title={`Compare ${title}`} current="/" signedIn={props.signedIn}>
      <nav aria-label="Breadcrumb" class="breadcrumb">
        <a href="/">Overview</a> › <a href={deploymentHref(comparison.deploymentName)}>{comparison.deploymentName}</a> › <span aria-current="page">Compare</span>
      </nav>
      <h1>
        Compare {comparison.deploymentName} <span class="kind">{title}</span>
      </h1>
      <p>
        <a href={`${releaseHref(to.release.id)}/compare?to=${encodeURIComponent(from.release.id)}`}>Swap the two sides</a>
      </p>
      <div class="compare-sides">
        <Side side={from} label="From" now={props.now} />
        <Side side={to} label="To" now={props.now} />
      </div>
      <section aria-labelledby="changes">
        <h2 id="changes">What changed</h2>
        {comparison.identical ? (
          <p class="notice identical" role="status">
            Identical content: both releases have the same content hash.
          </p>
        ) : (
          <>
            <ul class="change-list">
              {comparison.sentences.map((s) => (
                <li>{s}</li>
              ))}
            </ul>
            {comparison.templateDiffs.map((d) => (
              <>
                <h3>Template of message {d.block}</h3>
                <DiffView lines={d.lines} label={`Changes to the template of message ${d.block}`} />
              </>
            ))}
            <h3>Whole spec</h3>
            <p class="hint">
              Lines marked + were added and − removed, going from {`${from.release.environment} v${from.release.version}`} to {`${to.release.environment} v${to.release.version}`}.
            </p>
            <DiffView lines={comparison.specDiff} label="Changes to the whole spec" />
          </>
        )}
      </section>
    </Layout>
  );
}
