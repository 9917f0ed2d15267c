import canonicalize from "canonicalize";
import { diffLines } from "diff";

export type DiffLine = { kind: "added" | "removed" | "same"; text: string } | { kind: "skipped"; count: number };

/** Unchanged lines kept around each change; longer unchanged runs fold into one "N unchanged lines" row. */
const CONTEXT = 3;

/** The spec as pretty-printed canonical JSON (keys sorted), so equal content prints equally. */
export function canonicalText(spec: unknown): string {
  return `${JSON.stringify(JSON.parse(canonicalize(spec) ?? "null"), null, 2)}\n`;
}

/** A line diff of two texts, with long unchanged runs folded. */
export function lineDiff(from: string, to: string): DiffLine[] {
  const lines: DiffLine[] = [];
  const parts = diffLines(from, to);
  parts.forEach((part, index) => {
    const texts = part.value.replace(/\n$/, "").split("\n");
    const kind = part.added ? "added" : part.removed ? "removed" : "same";
    const head = index === 0 ? 0 : CONTEXT;
    const tail = index === parts.length - 1 ? 0 : CONTEXT;
    if (kind !== "same" || texts.length <= head + tail + 1) {
      for (const text of texts) lines.push({ kind, text });
      return;
    }
    for (const text of texts.slice(0, head)) lines.push({ kind, text });
    lines.push({ kind: "skipped", count: texts.length - head - tail });
    for (const text of texts.slice(texts.length - tail)) lines.push({ kind, text });
  });
  return lines;
}

const MARKS = { added: "+", removed: "−", same: " " } as const;

/** A line diff, highlighted, with +/− marks and the words "added"/"removed" for screen readers. */
export function DiffView(props: { lines: DiffLine[]; label: string }) {
  return (
    <section class="diff-scroll" tabindex={0} aria-label={props.label}>
      <pre class="diff">
        {props.lines.map((line) =>
          line.kind === "skipped" ? (
            <span class="line skipped">{`… ${line.count} unchanged ${line.count === 1 ? "line" : "lines"}\n`}</span>
          ) : (
            <span class={`line ${line.kind}`}>
              {line.kind === "same" ? null : <span class="visually-hidden">{`${line.kind}: `}</span>}
              <span class="mark" aria-hidden="true">
                {MARKS[line.kind]}
              </span>
              {` ${line.text}\n`}
            </span>
          ),
        )}
      </pre>
    </section>
  );
}
