/**
 * Human output goes to stdout as text and tables, progress lines to stderr;
 * with --json, stdout holds exactly one JSON document and progress is silent.
 */
export class Output {
  constructor(readonly json: boolean) {}

  /** A step that may take a while, shown as it starts. */
  progress(message: string) {
    if (!this.json) process.stderr.write(`${message}\n`);
  }

  line(text = "") {
    if (!this.json) process.stdout.write(`${text}\n`);
  }

  table(headers: string[], rows: string[][]) {
    if (!this.json) process.stdout.write(`${formatTable(headers, rows)}\n`);
  }

  /** The command's result: `value` as JSON with --json, else whatever `human` prints. */
  result(value: unknown, human?: () => void) {
    if (this.json) process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
    else human?.();
  }
}

/** Left-aligned columns separated by two spaces, with a rule under the headers. */
export function formatTable(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const format = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd();
  return [format(headers), format(widths.map((w) => "-".repeat(w))), ...rows.map(format)].join("\n");
}
