/**
 * One NDJSON line. Non-ASCII characters are escaped (`\u00e9`): Vellum's
 * client decodes each network chunk on its own, so a multi-byte character
 * split across two chunks would otherwise arrive garbled.
 */
export function ndjsonLine(event: unknown): string {
  return `${JSON.stringify(event).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)}\n`;
}
