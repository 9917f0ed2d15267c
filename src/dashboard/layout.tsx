import type { Child } from "hono/jsx";
import { hasScope } from "../access/permissions";
import type { Principal, Scope } from "../context";

/** The pages that exist, in the order the navigation shows them, with the scope a page needs when it refuses keys without it. */
const NAVIGATION: { href: string; label: string; needs?: Scope }[] = [
  { href: "/", label: "Overview" },
  { href: "/sandboxes", label: "Sandboxes" },
  { href: "/test-suites", label: "Test suites" },
  { href: "/approvals", label: "Approvals" },
  { href: "/monitoring", label: "Monitoring" },
  { href: "/environments", label: "Environments" },
  { href: "/api-keys", label: "API keys", needs: "admin" },
  { href: "/audit", label: "Audit log", needs: "admin" },
];

/** The same rule as the lists behind those pages (resolveListScope): the scope in the key's own environment, or the workspace's. */
const mayOpen = (principal: Principal, needs: Scope | undefined) => needs === undefined || hasScope(principal, needs, principal.environment?.id ?? null);

export interface SignedIn {
  principal: Principal;
  keyName: string;
  csrf: string;
  /** How many promotion requests the key may see wait for approvals. */
  pendingApprovals: number;
}

function Document(props: { title: string; children: Child }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${props.title} · Stagecraft`}</title>
        <link rel="stylesheet" href="/dashboard.css" />
        <link rel="icon" href="data:," />
      </head>
      <body>{props.children}</body>
    </html>
  );
}

/** A page for a signed-in key: the header (product, navigation, the key, Sign out) and the page itself. */
export function Layout(props: { title: string; current: string; signedIn: SignedIn; children: Child }) {
  const { principal, keyName, csrf, pendingApprovals } = props.signedIn;
  return (
    <Document title={props.title}>
      <header>
        <a class="brand" href="/">
          Stagecraft
        </a>
        <nav aria-label="Main">
          <ul>
            {NAVIGATION.filter((item) => mayOpen(principal, item.needs)).map((item) => (
              <li>
                <a href={item.href} aria-current={item.href === props.current ? "page" : undefined}>
                  {item.label}
                  {item.href === "/approvals" && pendingApprovals > 0 ? <span class="count"> ({pendingApprovals} pending)</span> : null}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div class="who">
          <span>
            Signed in as <strong>{keyName}</strong> ({principal.environment ? principal.environment.name : "all environments"})
          </span>
          <form method="post" action="/sign-out">
            <input type="hidden" name="csrf" value={csrf} />
            <button type="submit" class="link">
              Sign out
            </button>
          </form>
        </div>
      </header>
      <main>{props.children}</main>
    </Document>
  );
}

/** A page for someone not signed in: the product name only. */
export function PublicLayout(props: { title: string; children: Child }) {
  return (
    <Document title={props.title}>
      <header>
        <span class="brand">Stagecraft</span>
      </header>
      <main>{props.children}</main>
    </Document>
  );
}

/** What a key sees for a page it may not see, exactly as for a page that does not exist. */
export function NotFoundPage(props: { signedIn: SignedIn }) {
  return (
    <Layout title="Not found" current="" signedIn={props.signedIn}>
      <h1>Not found</h1>
      <p>There is nothing at this address that this key may see.</p>
      <p>
        <a href="/">Back to the overview</a>
      </p>
    </Layout>
  );
}
