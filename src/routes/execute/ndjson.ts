/**
 * One NDJSON line. Non-ASCII characters are escaped (`\u00e9`): Vellum's
 * client decodes each network chunk on its own, so a multi-byte character
 * split across two chunks would otherwise arrive garbled.
 */
export function ndjsonLine(event: unknown): string {
  return `${JSON.stringify(event).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)}\n`;
}

export const NDJSON_HEADERS = { "Content-Type": "application/x-ndjson; charset=utf-8", "Cache-Control": "no-store" };

/**
 * An NDJSON body: `produce` sends events, one line each, and the stream
 * ends when it returns.
 */
export function ndjsonStream(produce: (send: (event: unknown) => void) => Promise<void>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    async start(controller) {
      await produce((event) => controller.enqueue(encoder.encode(ndjsonLine(event))));
      controller.close();
    },
  });
}
