/**
 * Collects the phases of a request for the `Server-Timing` header.
 *
 * @example
 * const timing = new ServerTiming();
 * await authenticate(); timing.lap("auth");
 * response.headers.set("Server-Timing", timing.header()); // "auth;dur=0.41"
 */
export class ServerTiming {
  #entries: [string, number][] = [];
  #last = performance.now();

  /** Records the time since the previous lap under `name`. */
  lap(name: string) {
    const now = performance.now();
    this.#entries.push([name, now - this.#last]);
    this.#last = now;
  }

  header(): string {
    return this.#entries.map(([name, ms]) => `${name};dur=${ms.toFixed(2)}`).join(", ");
  }
}
