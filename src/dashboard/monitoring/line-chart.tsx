/**
 * A server-rendered SVG line chart over time: one line per series, vertical
 * markers for events on the time axis, and the same figures as a table for
 * anyone who cannot see the picture. No script and no `style=` attribute
 * (the CSP forbids them): series draw with presentation attributes, the rest
 * with classes of styles.ts.
 */

/** A stretch of time one value describes (a metrics bucket), ms since the epoch. */
export interface ChartPeriod {
  start: number;
  end: number;
}

export interface ChartSeries {
  label: string;
  /** One value per period; null where there is nothing to show (no executions), and the line breaks there. */
  values: (number | null)[];
}

/** An event on the time axis: a release or a revert. */
export interface ChartMarker {
  at: number;
  label: string;
  revert: boolean;
}

export interface AxisTick {
  at: number;
  label: string;
}

type Shape = "circle" | "square" | "triangle" | "diamond" | "cross" | "ring" | "plus" | "triangle-down";

/**
 * How series are told apart: colour, dash pattern and point shape all differ,
 * so no series depends on colour alone. The colours keep a contrast of at
 * least 3:1 on white.
 */
export const SERIES_STYLES: readonly { colour: string; dash: string | undefined; shape: Shape }[] = [
  { colour: "#0b57d0", dash: undefined, shape: "circle" },
  { colour: "#c2410c", dash: "7 4", shape: "square" },
  { colour: "#047857", dash: "2 3", shape: "triangle" },
  { colour: "#a21caf", dash: "10 3 2 3", shape: "diamond" },
  { colour: "#1b1f24", dash: "12 5", shape: "cross" },
  { colour: "#8a4b00", dash: "4 2 1 2", shape: "ring" },
  { colour: "#0e7490", dash: "1 3", shape: "plus" },
  { colour: "#6d28d9", dash: "8 2 2 2 2 2", shape: "triangle-down" },
];

export const seriesStyle = (index: number) => SERIES_STYLES[index % SERIES_STYLES.length]!;

const WIDTH = 480;
const HEIGHT = 250;
const MARGIN = { left: 56, right: 16, bottom: 30 };
/** Marker labels stack in rows above the plot when they would overlap. */
const MARKER_ROW_HEIGHT = 15;
const MAX_MARKER_ROWS = 5;
/** A generous width of one character of a marker label, in user units (the labels are at most 14 units high). */
const LABEL_CHAR_WIDTH = 8;

type Anchor = "start" | "middle" | "end";

/** Labels near an edge of the plot grow inward, so none is cut off. */
function anchorAt(x: number, width: number): Anchor {
  if (x + width / 2 > WIDTH - 2) return "end";
  if (x - width / 2 < MARGIN.left - 20) return "start";
  return "middle";
}

/** A point shape at (x, y), drawn with the series' colour. */
export function PointShape(props: { shape: Shape; x: number; y: number; colour: string }) {
  const { x, y, colour } = props;
  const r = 3.5;
  switch (props.shape) {
    case "circle":
      return <circle cx={x} cy={y} r={r} fill={colour} />;
    case "ring":
      return <circle cx={x} cy={y} r={r} fill="#fff" stroke={colour} stroke-width="1.5" />;
    case "square":
      return <rect x={x - r} y={y - r} width={2 * r} height={2 * r} fill={colour} />;
    case "diamond":
      return <polygon points={`${x},${y - r - 1} ${x + r + 1},${y} ${x},${y + r + 1} ${x - r - 1},${y}`} fill={colour} />;
    case "triangle":
      return <polygon points={`${x},${y - r - 1} ${x + r + 1},${y + r} ${x - r - 1},${y + r}`} fill={colour} />;
    case "triangle-down":
      return <polygon points={`${x},${y + r + 1} ${x + r + 1},${y - r} ${x - r - 1},${y - r}`} fill={colour} />;
    case "cross":
      return <path d={`M${x - r},${y - r}L${x + r},${y + r}M${x - r},${y + r}L${x + r},${y - r}`} stroke={colour} stroke-width="2" />;
    case "plus":
      return <path d={`M${x - r - 1},${y}L${x + r + 1},${y}M${x},${y - r - 1}L${x},${y + r + 1}`} stroke={colour} stroke-width="2" />;
  }
}

/** A legend swatch: a short stretch of the series' line with its point shape. */
export function SeriesSwatch(props: { index: number }) {
  const style = seriesStyle(props.index);
  return (
    <svg class="mon-swatch" width="36" height="14" viewBox="0 0 36 14" aria-hidden="true" focusable="false">
      <line x1="2" y1="7" x2="34" y2="7" stroke={style.colour} stroke-width="2" stroke-dasharray={style.dash} />
      <PointShape shape={style.shape} x={18} y={7} colour={style.colour} />
    </svg>
  );
}

/** A legend swatch of a marker: a release (solid) or a revert (dashed). */
export function MarkerSwatch(props: { revert: boolean }) {
  return (
    <svg class="mon-swatch" width="14" height="14" viewBox="0 0 14 14" aria-hidden="true" focusable="false">
      <line x1="7" y1="0" x2="7" y2="14" class={props.revert ? "marker-line revert" : "marker-line"} />
    </svg>
  );
}

/**
 * The top of the value axis and its ticks: 0 and three or four round steps
 * (1, 2 or 5 times a power of ten) up to at least `max`.
 *
 * @example
 * valueTicks(7);    // [0, 2, 4, 6, 8]
 * valueTicks(9);    // [0, 5, 10]
 * valueTicks(0.03); // [0, 0.01, 0.02, 0.03]
 */
export function valueTicks(max: number): number[] {
  const top = max > 0 ? max : 1;
  const rough = top / 4;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = ([1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough) ?? 10 * power) as number;
  const count = Math.ceil(top / step - 1e-9);
  // Rounded so that 3 × 0.1 prints as 0.3.
  return Array.from({ length: count + 1 }, (_, i) => Number((i * step).toPrecision(12)));
}

/** Where each marker's label goes: its anchor, and the first row (from the plot up) where it overlaps no other label. */
function placeMarkerLabels(labels: { x: number; text: string }[]): { anchor: Anchor; row: number }[] {
  const endOfRow: number[] = [];
  return labels.map(({ x, text }) => {
    const width = text.length * LABEL_CHAR_WIDTH;
    const anchor = anchorAt(x, width);
    const start = anchor === "start" ? x : anchor === "end" ? x - width : x - width / 2;
    let row = endOfRow.findIndex((end) => start >= end + 4);
    if (row === -1) row = endOfRow.length < MAX_MARKER_ROWS ? endOfRow.length : MAX_MARKER_ROWS - 1;
    endOfRow[row] = start + width;
    return { anchor, row };
  });
}

/** Runs of consecutive points that have a value: each becomes one polyline. */
function runs(points: { x: number; y: number | null }[]): { x: number; y: number }[][] {
  const result: { x: number; y: number }[][] = [];
  let current: { x: number; y: number }[] = [];
  for (const p of points) {
    if (p.y === null) {
      if (current.length > 0) result.push(current);
      current = [];
    } else current.push({ x: p.x, y: p.y });
  }
  if (current.length > 0) result.push(current);
  return result;
}

export interface LineChartProps {
  /** A unique id on the page, for the elements the chart's parts refer to. */
  id: string;
  title: string;
  /** What the chart covers, after the title: "per release, last 24 hours". */
  description: string;
  from: number;
  to: number;
  periods: ChartPeriod[];
  xTicks: AxisTick[];
  series: ChartSeries[];
  markers: ChartMarker[];
  format: (value: number) => string;
  /** The value axis reaches at least this high (1 for a score), even when every value is lower. */
  minTop?: number;
}

/** One chart: the SVG (role="img", labelled) and, in a <details>, its figures as a table. */
export function LineChart(props: LineChartProps) {
  const markers = props.markers.filter((m) => m.at >= props.from && m.at <= props.to).sort((a, b) => a.at - b.at);
  const span = Math.max(1, props.to - props.from);
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const xOf = (at: number) => MARGIN.left + ((at - props.from) / span) * plotWidth;
  const labels = placeMarkerLabels(markers.map((m) => ({ x: xOf(m.at), text: m.label })));
  const top = 12 + MARKER_ROW_HEIGHT * Math.max(1, ...labels.map((l) => l.row + 1));
  const bottom = HEIGHT - MARGIN.bottom;
  const values = props.series.flatMap((s) => s.values).filter((v): v is number => v !== null);
  const ticks = valueTicks(Math.max(props.minTop ?? 0, ...values));
  const yTop = ticks.at(-1) ?? 1;
  const yOf = (value: number) => bottom - (value / yTop) * (bottom - top);
  const middles = props.periods.map((p) => (p.start + p.end) / 2);
  const hasData = values.length > 0;
  const label =
    `${props.title}, ${props.description}. ` +
    (hasData ? `${props.series.length === 1 ? "One line" : `${props.series.length} lines`}: ${props.series.map((s) => s.label).join(", ")}. ` : "No data in this window. ") +
    (markers.length > 0 ? `Marked on the time axis: ${markers.map((m) => m.label).join(", ")}. ` : "") +
    "The figures are in the table below the chart.";

  return (
    <figure class="mon-chart" id={props.id}>
      <figcaption>
        <h3>{props.title}</h3>
      </figcaption>
      <svg class="mon-plot" viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={label} focusable="false">
        {ticks.map((tick) => (
          <g>
            <line class="grid" x1={MARGIN.left} x2={WIDTH - MARGIN.right} y1={yOf(tick)} y2={yOf(tick)} />
            <text class="tick-label" x={MARGIN.left - 6} y={yOf(tick) + 4} text-anchor="end">
              {props.format(tick)}
            </text>
          </g>
        ))}
        {props.xTicks.map((tick) => (
          <g>
            <line class="axis" x1={xOf(tick.at)} x2={xOf(tick.at)} y1={bottom} y2={bottom + 4} />
            <text class="tick-label" x={xOf(tick.at)} y={bottom + 19} text-anchor={anchorAt(xOf(tick.at), 40)}>
              {tick.label}
            </text>
          </g>
        ))}
        <line class="axis" x1={MARGIN.left} x2={WIDTH - MARGIN.right} y1={bottom} y2={bottom} />
        <line class="axis" x1={MARGIN.left} x2={MARGIN.left} y1={top} y2={bottom} />
        {markers.map((marker, i) => (
          <g class="marker" data-marker={marker.label}>
            <line class={marker.revert ? "marker-line revert" : "marker-line"} x1={xOf(marker.at)} x2={xOf(marker.at)} y1={top} y2={bottom} />
            <text
              class={marker.revert ? "marker-label revert" : "marker-label"}
              x={xOf(marker.at)}
              y={top - 4 - MARKER_ROW_HEIGHT * (labels[i]?.row ?? 0)}
              text-anchor={labels[i]?.anchor ?? "middle"}
            >
              {marker.label}
            </text>
          </g>
        ))}
        {props.series.map((series, index) => {
          const style = seriesStyle(index);
          const points = middles.map((at, i) => {
            const value = series.values[i] ?? null;
            return { x: xOf(at), y: value === null ? null : yOf(value) };
          });
          return (
            <g class="series" data-series={series.label}>
              {runs(points).map((run) =>
                run.length > 1 ? (
                  <polyline
                    points={run.map((p) => `${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(" ")}
                    fill="none"
                    stroke={style.colour}
                    stroke-width="2"
                    stroke-dasharray={style.dash}
                    stroke-linejoin="round"
                  />
                ) : null,
              )}
              {points.map((p) => (p.y === null ? null : <PointShape shape={style.shape} x={p.x} y={p.y} colour={style.colour} />))}
            </g>
          );
        })}
        {hasData ? null : (
          <text class="empty-label" x={MARGIN.left + plotWidth / 2} y={(top + bottom) / 2} text-anchor="middle">
            No data in this window
          </text>
        )}
      </svg>
      <details>
        <summary>{`${props.title} as a table`}</summary>
        <section class="table-scroll" tabindex={0} aria-label={`${props.title} figures`}>
          <table>
            <caption class="hint">{`${props.title}, ${props.description}`}</caption>
            <thead>
              <tr>
                <th scope="col">Period starting</th>
                {props.series.map((s) => (
                  <th scope="col">{s.label}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {props.periods.map((period, row) => (
                <tr>
                  <th scope="row">{`${new Date(period.start).toISOString().slice(0, 16).replace("T", " ")} UTC`}</th>
                  {props.series.map((s) => {
                    const value = s.values[row] ?? null;
                    return <td>{value === null ? "–" : props.format(value)}</td>;
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      </details>
    </figure>
  );
}
