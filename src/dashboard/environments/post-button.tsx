import type { Child } from "hono/jsx";

/** A form of one button that posts to `action` with the session's CSRF token; `label` names the button where its text alone would not. */
export function PostButton(props: { action: string; csrf: string; class?: string; label?: string; children: Child }) {
  return (
    <form method="post" action={props.action}>
      <input type="hidden" name="csrf" value={props.csrf} />
      <button type="submit" class={props.class} aria-label={props.label}>
        {props.children}
      </button>
    </form>
  );
}
