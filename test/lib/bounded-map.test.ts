import { describe, expect, it } from "vitest";
import { BoundedMap } from "../../src/lib/bounded-map";

describe("BoundedMap", () => {
  it("drops the entry written longest ago when a new key arrives at a full map", () => {
    const map = new BoundedMap<string, number>(2);
    map.set("a", 1).set("b", 2).set("c", 3);
    expect(map.size).toBe(2);
    expect(map.has("a")).toBe(false);
    expect(map.get("b")).toBe(2);
    expect(map.get("c")).toBe(3);
  });

  it("counts writing a key again as the newest write, without dropping anything", () => {
    const map = new BoundedMap<string, number>(2);
    map.set("a", 1).set("b", 2).set("a", 10);
    expect(map.size).toBe(2);
    expect(map.get("a")).toBe(10);
    map.set("c", 3);
    expect(map.has("b")).toBe(false);
    expect(map.get("a")).toBe(10);
  });

  it("reading a key does not keep it longer", () => {
    const map = new BoundedMap<string, number>(2);
    map.set("a", 1).set("b", 2);
    map.get("a");
    map.set("c", 3);
    expect(map.has("a")).toBe(false);
  });

  it("a deleted key frees its place", () => {
    const map = new BoundedMap<string, number>(2);
    map.set("a", 1).set("b", 2);
    expect(map.delete("a")).toBe(true);
    map.set("c", 3);
    expect(map.get("b")).toBe(2);
    expect(map.get("c")).toBe(3);
    expect(map.delete("a")).toBe(false);
  });
});
