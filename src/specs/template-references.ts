import { parse, tokenize } from "@huggingface/jinja";

/** A variable a template reads from its context: `question`, or `inputs.question` as ["inputs", "question"]. */
export type VariablePath = string[];

/** Names Jinja provides itself; a template may use them without declaring them. */
const JINJA_GLOBALS = new Set(["true", "false", "none", "True", "False", "None", "range", "namespace", "loop", "raise_exception", "dict"]);

type Node = { type: string; [field: string]: unknown };

function isNode(value: unknown): value is Node {
  return typeof value === "object" && value !== null && typeof (value as Node).type === "string";
}

/** `a.b.c` as ["a", "b", "c"] when every step is a plain name; null when any step is computed. */
function memberPath(node: Node): VariablePath | null {
  if (node.type === "Identifier") return [node.value as string];
  if (node.type === "MemberExpression" && !node.computed && isNode(node.object) && isNode(node.property) && node.property.type === "Identifier") {
    const head = memberPath(node.object);
    return head ? [...head, node.property.value as string] : null;
  }
  return null;
}

function boundNames(target: unknown): string[] {
  if (!isNode(target)) return [];
  if (target.type === "Identifier") return [target.value as string];
  if (target.type === "TupleLiteral" || target.type === "ArrayLiteral") return (target.value as unknown[]).flatMap(boundNames);
  return [];
}

/**
 * Walks a parsed template and collects every variable it reads from outside,
 * skipping names bound inside it (`for` loop variables, `set`, macro arguments).
 */
class ReferenceCollector {
  readonly found: VariablePath[] = [];

  statements(list: unknown, scope: Set<string>) {
    // `set` binds a name for the statements after it in the same block.
    const local = new Set(scope);
    for (const statement of (list as unknown[]) ?? []) this.node(statement, local);
  }

  node(node: unknown, scope: Set<string>): void {
    if (!isNode(node)) return;
    switch (node.type) {
      case "Program":
        this.statements(node.body, scope);
        return;
      case "If":
        this.node(node.test, scope);
        this.statements(node.body, scope);
        this.statements(node.alternate, scope);
        return;
      case "For": {
        this.node(node.iterable, scope);
        const inner = new Set([...scope, ...boundNames(node.loopvar), "loop"]);
        this.statements(node.body, inner);
        this.statements(node.defaultBlock, scope);
        return;
      }
      case "Set":
        this.node(node.value, scope);
        this.statements(node.body, scope);
        for (const name of boundNames(node.assignee)) scope.add(name);
        return;
      case "Macro": {
        const name = (node.name as Node).value as string;
        scope.add(name);
        const args = (node.args as Node[]).flatMap((a) => (a.type === "KeywordArgumentExpression" ? boundNames(a.key) : boundNames(a)));
        for (const a of node.args as Node[]) if (a.type === "KeywordArgumentExpression") this.node(a.value, scope);
        this.statements(node.body, new Set([...scope, ...args, "caller", "varargs", "kwargs"]));
        return;
      }
      case "Identifier":
      case "MemberExpression": {
        const path = memberPath(node);
        if (path) {
          if (!scope.has(path[0]!) && !JINJA_GLOBALS.has(path[0]!)) this.found.push(path);
          return;
        }
        this.node(node.object, scope);
        if (node.computed) this.node(node.property, scope);
        return;
      }
      case "FilterExpression":
        this.node(node.operand, scope);
        if (isNode(node.filter) && node.filter.type === "CallExpression") for (const arg of node.filter.args as unknown[]) this.node(arg, scope);
        return;
      case "FilterStatement":
        if (isNode(node.filter) && node.filter.type === "CallExpression") for (const arg of node.filter.args as unknown[]) this.node(arg, scope);
        this.statements(node.body, scope);
        return;
      case "TestExpression":
        this.node(node.operand, scope);
        return;
      // The parser gives word operators (`in`, `not`, `and`, `or`) as Identifier tokens: they are not variables.
      case "BinaryExpression":
        this.node(node.left, scope);
        this.node(node.right, scope);
        return;
      case "UnaryExpression":
        this.node(node.argument, scope);
        return;
      case "CallExpression":
        // A bare function name (`range(3)`) is a callee, not a variable to supply.
        if (!(isNode(node.callee) && node.callee.type === "Identifier" && JINJA_GLOBALS.has(node.callee.value as string))) this.node(node.callee, scope);
        for (const arg of node.args as unknown[]) this.node(arg, scope);
        return;
      case "KeywordArgumentExpression":
        this.node(node.value, scope);
        return;
      case "ObjectLiteral":
        for (const [k, v] of node.value as Map<unknown, unknown>) {
          this.node(k, scope);
          this.node(v, scope);
        }
        return;
      case "ArrayLiteral":
      case "TupleLiteral":
        for (const item of node.value as unknown[]) this.node(item, scope);
        return;
      default:
        // Every other node: visit whatever child nodes it holds.
        for (const value of Object.values(node)) {
          if (Array.isArray(value)) for (const item of value) this.node(item, scope);
          else this.node(value, scope);
        }
    }
  }
}

export type TemplateAnalysis = { ok: true; references: VariablePath[] } | { ok: false; error: string };

/**
 * Parses a Jinja template without rendering it, returning the variables it
 * reads or the syntax error that stops it from parsing.
 *
 * @example
 * analyzeTemplate("Hi {{ user.name }}{% for t in tags %}{{ t }}{% endfor %}")
 * // → { ok: true, references: [["user", "name"], ["tags"]] }
 */
export function analyzeTemplate(source: string): TemplateAnalysis {
  let program: unknown;
  try {
    program = parse(tokenize(source, { lstrip_blocks: true, trim_blocks: true }));
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
  const collector = new ReferenceCollector();
  collector.node(program, new Set());
  return { ok: true, references: collector.found };
}
