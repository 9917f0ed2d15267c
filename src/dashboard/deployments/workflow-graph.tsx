import type { WorkflowSpec } from "../../specs/workflow-spec";

const BOX_WIDTH = 168;
const BOX_HEIGHT = 48;
const GAP_X = 32;
const GAP_Y = 56;
const MARGIN = 16;

export interface PlacedNode {
  id: string;
  type: string;
  layer: number;
  x: number;
  y: number;
}

/**
 * A layered layout: each node's layer is the length of the longest path from
 * a source to it, so every edge points down; nodes of a layer sit side by side
 * in the order the spec lists them. Saved graphs have no cycles; a cycle would
 * only stop the layering early, never loop.
 */
export function layOutWorkflow(spec: Pick<WorkflowSpec, "nodes" | "edges">): { nodes: PlacedNode[]; width: number; height: number } {
  const layer = new Map(spec.nodes.map((n) => [n.id, 0]));
  for (let round = 0; round < spec.nodes.length; round++) {
    let moved = false;
    for (const edge of spec.edges) {
      const from = layer.get(edge.from);
      const to = layer.get(edge.to);
      if (from !== undefined && to !== undefined && to < from + 1) {
        layer.set(edge.to, from + 1);
        moved = true;
      }
    }
    if (!moved) break;
  }
  const layers: string[][] = [];
  for (const node of spec.nodes) {
    const row = layer.get(node.id) ?? 0;
    layers[row] = [...(layers[row] ?? []), node.id];
  }
  const widest = Math.max(1, ...layers.map((l) => l?.length ?? 0));
  const width = MARGIN * 2 + widest * BOX_WIDTH + (widest - 1) * GAP_X;
  const typeOf = new Map(spec.nodes.map((n) => [n.id, n.type]));
  const nodes = layers.flatMap((ids, row) => {
    const rowWidth = ids.length * BOX_WIDTH + (ids.length - 1) * GAP_X;
    const left = (width - rowWidth) / 2;
    return ids.map((id, i): PlacedNode => ({ id, type: typeOf.get(id) ?? "", layer: row, x: left + i * (BOX_WIDTH + GAP_X), y: MARGIN + row * (BOX_HEIGHT + GAP_Y) }));
  });
  const height = MARGIN * 2 + layers.length * BOX_HEIGHT + Math.max(0, layers.length - 1) * GAP_Y;
  return { nodes, width, height };
}

/** Shortens a label to fit a box; the full id is in the list beside the graph. */
const truncate = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** The workflow's DAG as a server-rendered SVG; `describedBy` names the list that says the same in text. */
export function WorkflowGraph(props: { spec: Pick<WorkflowSpec, "nodes" | "edges">; describedBy: string }) {
  const { nodes, width, height } = layOutWorkflow(props.spec);
  const at = new Map(nodes.map((n) => [n.id, n]));
  return (
    <svg
      class="workflow-graph"
      viewBox={`0 0 ${width} ${height}`}
      width={width}
      height={height}
      role="img"
      aria-labelledby="workflow-graph-title"
      aria-describedby={props.describedBy}
    >
      <title id="workflow-graph-title">{`Workflow graph: ${nodes.length} nodes, ${props.spec.edges.length} edges`}</title>
      <defs>
        <marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse">
          <path d="M 0 0 L 10 5 L 0 10 z" class="arrow-head" />
        </marker>
      </defs>
      {props.spec.edges.map((edge) => {
        const from = at.get(edge.from);
        const to = at.get(edge.to);
        if (!from || !to) return null;
        return (
          <line
            class="edge"
            x1={from.x + BOX_WIDTH / 2}
            y1={from.y + BOX_HEIGHT}
            x2={to.x + BOX_WIDTH / 2}
            y2={to.y}
            marker-end="url(#arrow)"
            data-edge={`${edge.from}->${edge.to}`}
          />
        );
      })}
      {nodes.map((node) => (
        <g class={`node node-${node.type}`} data-node={node.id}>
          <rect x={node.x} y={node.y} width={BOX_WIDTH} height={BOX_HEIGHT} rx="6" />
          <text x={node.x + BOX_WIDTH / 2} y={node.y + 20} text-anchor="middle" class="node-id">
            {truncate(node.id, 20)}
          </text>
          <text x={node.x + BOX_WIDTH / 2} y={node.y + 38} text-anchor="middle" class="node-type">
            {node.type}
          </text>
        </g>
      ))}
    </svg>
  );
}
