/** The outcome of the last change, or why it was refused: shown at the top of a page. */
export function Notices(props: { done?: string | undefined; error?: string | undefined }) {
  return (
    <>
      {props.done ? (
        <p class="notice" role="status">
          {props.done}
        </p>
      ) : null}
      {props.error ? (
        <p class="error" role="alert">
          {props.error}
        </p>
      ) : null}
    </>
  );
}
