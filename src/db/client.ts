import { drizzle } from "drizzle-orm/d1";
import * as schema from "./schema";

export type Database = ReturnType<typeof createDatabase>;

function createDatabase(d1: D1Database) {
  return drizzle(d1, { schema });
}

/** Building the drizzle client walks the whole schema; do it once per binding, not per request. */
const clients = new WeakMap<D1Database, Database>();

export function openDatabase(d1: D1Database): Database {
  let db = clients.get(d1);
  if (!db) {
    db = createDatabase(d1);
    clients.set(d1, db);
  }
  return db;
}
