import type { Child } from "hono/jsx";

/** A table that scrolls sideways on a narrow screen: a labelled region a keyboard can focus and scroll. */
export function TableScroll(props: { label: string; children: Child }) {
  return (
    <section class="table-scroll" tabindex={0} aria-label={props.label}>
      {props.children}
    </section>
  );
}
