import { type SQL, sql } from "drizzle-orm";
import type { FieldIssue } from "../lib/problem";

/**
 * Vellum's metadata filters, compiled to SQL over `d.metadata` (the
 * document's JSON): the current form (LOGICAL_CONDITION_GROUP of
 * LOGICAL_CONDITIONs) and the legacy one ({combinator, negated, rules}).
 * Field names and values are always bound parameters.
 */

type Compiled = { sql: SQL } | { issue: FieldIssue };

const field = (name: string) => sql`json_extract(d.metadata, ${`$."${name.replaceAll('"', "")}"`})`;

function asList(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  return typeof value === "string" ? value.split(",").map((v) => v.trim()) : [value];
}

function condition(name: unknown, operator: unknown, value: unknown, path: string): Compiled {
  if (typeof name !== "string" || name === "") return { issue: { path, message: "A condition needs a metadata field name" } };
  const f = field(name);
  const v = value as string | number | boolean | null;
  switch (operator) {
    case "=":
      return { sql: sql`${f} = ${v}` };
    case "!=":
      return { sql: sql`(${f} IS NULL OR ${f} != ${v})` };
    case "<":
      return { sql: sql`${f} < ${v}` };
    case ">":
      return { sql: sql`${f} > ${v}` };
    case "<=":
      return { sql: sql`${f} <= ${v}` };
    case ">=":
      return { sql: sql`${f} >= ${v}` };
    case "contains":
      return { sql: sql`instr(${f}, ${String(value)}) > 0` };
    case "doesNotContain":
      return { sql: sql`(${f} IS NULL OR instr(${f}, ${String(value)}) = 0)` };
    case "beginsWith":
      return { sql: sql`substr(${f}, 1, ${String(value).length}) = ${String(value)}` };
    case "endsWith":
      return { sql: sql`substr(${f}, -${String(value).length}) = ${String(value)}` };
    case "in":
    case "notIn": {
      const list = asList(value) as (string | number)[];
      if (list.length === 0 || list.length > 100) return { issue: { path, message: "`in` takes 1 to 100 values" } };
      const inList = sql`${f} IN (${sql.join(
        list.map((item) => sql`${item}`),
        sql`, `,
      )})`;
      return { sql: operator === "in" ? inList : sql`(${f} IS NULL OR NOT ${inList})` };
    }
    case "null":
      return { sql: sql`${f} IS NULL` };
    case "notNull":
      return { sql: sql`${f} IS NOT NULL` };
    default:
      return { issue: { path, message: `Unsupported operator ${JSON.stringify(operator)}` } };
  }
}

function combine(parts: SQL[], combinator: unknown, negated: unknown): SQL {
  const joined = sql.join(parts, String(combinator).toUpperCase() === "OR" ? sql` OR ` : sql` AND `);
  return negated === true ? sql`NOT (${joined})` : sql`(${joined})`;
}

function compile(filter: unknown, path: string, depth: number): Compiled {
  if (depth > 8) return { issue: { path, message: "Filters nest at most 8 deep" } };
  if (!filter || typeof filter !== "object") return { issue: { path, message: "A filter is an object" } };
  const f = filter as Record<string, unknown>;
  if (f.type === "LOGICAL_CONDITION") {
    const lhs = f.lhs_variable as { value?: unknown } | undefined;
    const rhs = f.rhs_variable as { value?: unknown } | undefined;
    return condition(lhs?.value, f.operator, rhs?.value, path);
  }
  const children = f.type === "LOGICAL_CONDITION_GROUP" ? f.conditions : f.rules;
  if (Array.isArray(children)) {
    if (children.length === 0) return { sql: sql`1 = 1` };
    const parts: SQL[] = [];
    for (const [i, child] of children.entries()) {
      const compiled = compile(child, `${path}.${f.type ? "conditions" : "rules"}[${i}]`, depth + 1);
      if ("issue" in compiled) return compiled;
      parts.push(compiled.sql);
    }
    return { sql: combine(parts, f.combinator, f.negated) };
  }
  if ("field" in f) return condition(f.field, f.operator, f.value, path);
  return {
    issue: { path, message: "Not a filter Stagecraft understands: wrap a single LOGICAL_CONDITION in a LOGICAL_CONDITION_GROUP" },
  };
}

export function compileMetadataFilter(filter: unknown, path = "body.options.filters.metadata"): Compiled {
  return compile(filter, path, 0);
}
