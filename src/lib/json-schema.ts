import { dereference, type Schema, Validator } from "@cfworker/json-schema";

/**
 * JSON Schema (draft 2020-12) for output assertions, with
 * @cfworker/json-schema: it interprets schemas instead of compiling them to
 * code, which workerd forbids.
 */
const DRAFT = "2020-12";

/** Nesting deeper than this is refused when a schema is saved: validation recurses once per level. */
const MAX_DEPTH = 32;

/**
 * The shape of a schema's keywords, for checking a schema before it is
 * stored. The validator itself does not check the schemas it is handed; an
 * invalid one would fail every run instead of failing the save. It covers
 * the keywords the validator implements; others are annotations and pass.
 */
const schemaOfSchemas: Schema = {
  $id: "urn:stagecraft:json-schema-keywords",
  $ref: "#/$defs/schema",
  $defs: {
    schema: {
      type: ["object", "boolean"],
      properties: {
        $id: { type: "string" },
        $schema: { type: "string" },
        $ref: { type: "string" },
        $anchor: { type: "string" },
        $comment: { type: "string" },
        title: { type: "string" },
        description: { type: "string" },
        $defs: { $ref: "#/$defs/schemaMap" },
        definitions: { $ref: "#/$defs/schemaMap" },
        properties: { $ref: "#/$defs/schemaMap" },
        patternProperties: { $ref: "#/$defs/schemaMap", propertyNames: { format: "regex" } },
        dependentSchemas: { $ref: "#/$defs/schemaMap" },
        type: { anyOf: [{ $ref: "#/$defs/simpleType" }, { type: "array", items: { $ref: "#/$defs/simpleType" }, minItems: 1, uniqueItems: true }] },
        enum: { type: "array" },
        multipleOf: { type: "number", exclusiveMinimum: 0 },
        maximum: { type: "number" },
        minimum: { type: "number" },
        exclusiveMaximum: { type: "number" },
        exclusiveMinimum: { type: "number" },
        maxLength: { $ref: "#/$defs/count" },
        minLength: { $ref: "#/$defs/count" },
        maxItems: { $ref: "#/$defs/count" },
        minItems: { $ref: "#/$defs/count" },
        maxProperties: { $ref: "#/$defs/count" },
        minProperties: { $ref: "#/$defs/count" },
        maxContains: { $ref: "#/$defs/count" },
        minContains: { $ref: "#/$defs/count" },
        pattern: { type: "string", format: "regex" },
        format: { type: "string" },
        uniqueItems: { type: "boolean" },
        required: { $ref: "#/$defs/names" },
        dependentRequired: { type: "object", additionalProperties: { $ref: "#/$defs/names" } },
        items: { anyOf: [{ $ref: "#/$defs/schema" }, { $ref: "#/$defs/schemaList" }] },
        prefixItems: { $ref: "#/$defs/schemaList" },
        allOf: { $ref: "#/$defs/schemaList" },
        anyOf: { $ref: "#/$defs/schemaList" },
        oneOf: { $ref: "#/$defs/schemaList" },
        additionalItems: { $ref: "#/$defs/schema" },
        unevaluatedItems: { $ref: "#/$defs/schema" },
        contains: { $ref: "#/$defs/schema" },
        additionalProperties: { $ref: "#/$defs/schema" },
        unevaluatedProperties: { $ref: "#/$defs/schema" },
        propertyNames: { $ref: "#/$defs/schema" },
        not: { $ref: "#/$defs/schema" },
        if: { $ref: "#/$defs/schema" },
        then: { $ref: "#/$defs/schema" },
        else: { $ref: "#/$defs/schema" },
      },
    },
    schemaMap: { type: "object", additionalProperties: { $ref: "#/$defs/schema" } },
    schemaList: { type: "array", minItems: 1, items: { $ref: "#/$defs/schema" } },
    simpleType: { enum: ["array", "boolean", "integer", "null", "number", "object", "string"] },
    count: { type: "integer", minimum: 0 },
    names: { type: "array", items: { type: "string" }, uniqueItems: true },
  },
};
const keywordsValidator = new Validator(schemaOfSchemas, DRAFT, false);

function depthOf(value: unknown, limit: number, depth = 0): number {
  if (depth > limit || typeof value !== "object" || value === null) return depth;
  let deepest = depth;
  for (const child of Object.values(value)) {
    deepest = Math.max(deepest, depthOf(child, limit, depth + 1));
    if (deepest > limit) break;
  }
  return deepest;
}

/** Every `$ref` of a dereferenced schema that names nothing in it (remote references included: nothing is fetched). */
function unresolvedRefs(node: unknown, lookup: Record<string, unknown>, found: string[] = []): string[] {
  if (typeof node !== "object" || node === null) return found;
  const { $ref, __absolute_ref__ } = node as { $ref?: unknown; __absolute_ref__?: unknown };
  if (typeof $ref === "string" && lookup[typeof __absolute_ref__ === "string" ? __absolute_ref__ : $ref] === undefined) found.push($ref);
  for (const child of Object.values(node)) unresolvedRefs(child, lookup, found);
  return found;
}

/**
 * Why a schema cannot be used, or null when it can: a keyword of the wrong
 * type, a pattern that is not a valid regular expression, a `$ref` that
 * names nothing in the schema, nesting past 32 levels.
 *
 * @example
 * schemaProblem({ type: "object", required: "name" }) // "#/required: …"
 */
export function schemaProblem(schema: unknown): string | null {
  if (depthOf(schema, MAX_DEPTH * 2) > MAX_DEPTH * 2) return `The schema is nested more than ${MAX_DEPTH} levels deep`;
  const shape = keywordsValidator.validate(schema);
  if (!shape.valid) {
    // The deepest location is the offending keyword; shallower errors are its enclosing schemas failing in turn.
    const depth = (location: string) => location.split("/").length;
    const deepest = Math.max(...shape.errors.map((e) => depth(e.instanceLocation)));
    const atKeyword = shape.errors.filter((e) => depth(e.instanceLocation) === deepest);
    const error = atKeyword.findLast((e) => !e.error.includes("subschema had errors")) ?? atKeyword[0]!;
    return `${error.instanceLocation}: not a valid value for this keyword (${error.error})`;
  }
  try {
    const copy = structuredClone(schema) as Schema | boolean;
    const missing = typeof copy === "object" ? unresolvedRefs(copy, dereference(copy)) : [];
    if (missing.length) return `$ref "${missing[0]}" names nothing in this schema (remote references are not fetched)`;
  } catch (error) {
    return `The schema cannot be read: ${error instanceof Error ? error.message : String(error)}`;
  }
  return null;
}

/** Validates a value against a schema that passed `schemaProblem`; the errors say where and why, most specific first. */
export function schemaErrors(schema: unknown, value: unknown): string[] {
  const result = new Validator(structuredClone(schema) as Schema | boolean, DRAFT, false).validate(value);
  if (result.valid) return [];
  // The validator reports each failing keyword and then every enclosing one ("A subschema had errors"); the innermost say most.
  const specific = result.errors.filter((e) => !/subschema|did not match|does not match associated/i.test(e.error));
  return (specific.length ? specific : result.errors).map((e) => `${e.instanceLocation}: ${e.error}`);
}
