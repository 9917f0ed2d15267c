/**
 * A Map that holds at most `maxSize` entries, for caches kept in an isolate's
 * memory: when a new key arrives at a full map, the entry written longest ago
 * goes. Writing a key again counts as a new write, so what is still being
 * refreshed outlives what no longer is.
 *
 * A plain class around a Map, with no allocation per call: the invoke path
 * reads through one on every request.
 *
 * @example
 * const names = new BoundedMap<string, string>(2);
 * names.set("env_a", "production");
 * names.set("env_b", "staging");
 * names.set("env_c", "preview"); // "env_a" goes
 * names.get("env_a"); // undefined
 */
export class BoundedMap<K, V> {
  readonly #entries = new Map<K, V>();

  constructor(readonly maxSize: number) {}

  get size(): number {
    return this.#entries.size;
  }

  get(key: K): V | undefined {
    return this.#entries.get(key);
  }

  has(key: K): boolean {
    return this.#entries.has(key);
  }

  /** Keeps `value` as the newest entry, dropping the oldest one if the map is full. */
  set(key: K, value: V): this {
    // A key written again moves to the end: a Map keeps insertion order.
    if (!this.#entries.delete(key) && this.#entries.size >= this.maxSize) this.#entries.delete(this.#entries.keys().next().value!);
    this.#entries.set(key, value);
    return this;
  }

  delete(key: K): boolean {
    return this.#entries.delete(key);
  }
}
