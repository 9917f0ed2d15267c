import type { Router } from "../http/router";
import { type Overview, type OverviewCell, readOverview } from "../releases/overview";
import { Layout, type SignedIn } from "./layout";
import { page } from "./pages";

/** "3 min ago", "2 h ago", "5 d ago": how long ago `iso` was, at `now`. */
export function age(iso: string, now: Date): string {
  const seconds = Math.max(0, Math.round((now.getTime() - Date.parse(iso)) / 1000));
  if (seconds < 60) return "just now";
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h ago`;
  return `${Math.floor(seconds / 86_400)} d ago`;
}

function Cell(props: { cell: OverviewCell | null; previous: string | undefined; now: Date }) {
  const { cell } = props;
  if (!cell) return <td class="none">not deployed</td>;
  return (
    <td data-release={cell.releaseId}>
      <span class="version">v{cell.version}</span>
      <ul class="tags" aria-label="Tags">
        {cell.tags.map((tag) => (
          <li>{tag}</li>
        ))}
      </ul>
      <span class="meta">
        <time datetime={cell.createdAt}>{age(cell.createdAt, props.now)}</time> by {cell.createdBy}
      </span>
      {cell.drift ? (
        <span class="drift" title={`The content differs from the live release in ${props.previous}`}>
          drift from {props.previous}
        </span>
      ) : null}
    </td>
  );
}

/** The name of the last environment before column `index` whose cell holds a release. */
function previousWithRelease(overview: Overview, cells: (OverviewCell | null)[], index: number): string | undefined {
  for (let i = index - 1; i >= 0; i--) if (cells[i]) return overview.environments[i]?.name;
  return undefined;
}

/** The overview: every deployment the key can see, by environment in pipeline order. */
export function OverviewPage(props: { overview: Overview; signedIn: SignedIn; now: Date }) {
  const { overview } = props;
  return (
    <Layout title="Overview" current="/" signedIn={props.signedIn}>
      <h1>Overview</h1>
      <p class="hint">Open a deployment to see each environment's release history, compare releases, promote, roll out or revert.</p>
      {overview.environments.length === 0 ? (
        <p>This key may read no environment.</p>
      ) : overview.deployments.length === 0 ? (
        <p>Nothing is deployed in {overview.environments.map((e) => e.name).join(", ")} yet.</p>
      ) : (
        <table>
          <caption class="hint">Live release of each deployment per environment, in pipeline order</caption>
          <thead>
            <tr>
              <th scope="col">Deployment</th>
              {overview.environments.map((env) => (
                <th scope="col" data-environment={env.name}>
                  {env.name}
                  <span class={env.pendingPromotions > 0 ? "pending waiting" : "pending"}>
                    {env.pendingPromotions === 1 ? "1 pending promotion" : `${env.pendingPromotions} pending promotions`}
                  </span>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {overview.deployments.map((deployment) => (
              <tr data-deployment={deployment.name}>
                <th scope="row">
                  <a href={`/deployments/${encodeURIComponent(deployment.name)}`}>{deployment.name}</a>
                  <span class="meta">{deployment.kind}</span>
                </th>
                {deployment.cells.map((cell, i) => (
                  <Cell cell={cell} previous={previousWithRelease(overview, deployment.cells, i)} now={props.now} />
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Layout>
  );
}

export function registerOverviewPage(app: Router) {
  page(app, "/", async (c, signedIn) => {
    const deps = c.get("deps");
    const overview = await readOverview(deps, signedIn.principal);
    return c.html(<OverviewPage overview={overview} signedIn={signedIn} now={deps.now()} />);
  });
}
