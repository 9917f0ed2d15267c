import { PublicLayout } from "./layout";

/** The sign-in form; `error` says why the last attempt failed. */
export function SignInPage(props: { error?: string | undefined }) {
  return (
    <PublicLayout title="Sign in">
      <h1>Sign in</h1>
      <form class="sign-in" method="post" action="/sign-in">
        <label for="key">API key</label>
        <input id="key" name="key" type="password" autocomplete="off" required aria-describedby="key-hint" />
        <span id="key-hint" class="hint">
          The dashboard shows what this key may see, and nothing more.
        </span>
        {props.error ? (
          <p class="error" role="alert">
            {props.error}
          </p>
        ) : null}
        <button type="submit">Sign in</button>
      </form>
    </PublicLayout>
  );
}

/** The answer to a POST that did not carry the session's CSRF token. */
export function ForbiddenPage() {
  return (
    <PublicLayout title="Refused">
      <h1>Refused</h1>
      <p>This form was not sent from a page of this dashboard, so nothing was changed.</p>
      <p>
        <a href="/">Back to the dashboard</a>
      </p>
    </PublicLayout>
  );
}
