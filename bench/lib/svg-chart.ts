/**
 * A tiny SVG chart writer for bench results (no dependency): grouped bars per category, or lines over a
 * numeric x axis. Enough for "p50/p99 per case" and "ms per call at rising concurrency".
 */
export interface Series {
  name: string;
  values: Array<number | null>;
}

export interface ChartInput {
  title: string;
  /** Category labels (bar chart) or x values (line chart), one per value in every series. */
  x: Array<string | number>;
  series: Series[];
  yLabel: string;
  xLabel?: string;
}

const WIDTH = 760;
const HEIGHT = 460;
const MARGIN = { top: 48, right: 170, bottom: 130, left: 150 };
const MAX_LABEL = 26;
const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f'];

export function barChart(input: ChartInput): string {
  const { plotW, plotH, yMax, frame } = axes(input);
  const groupW = plotW / Math.max(1, input.x.length);
  const barW = (groupW * 0.8) / Math.max(1, input.series.length);
  const bars: string[] = [];
  input.series.forEach((series, s) => {
    series.values.forEach((value, i) => {
      if (value === null) return;
      const h = (value / yMax) * plotH;
      const x = MARGIN.left + i * groupW + groupW * 0.1 + s * barW;
      bars.push(`<rect x="${x.toFixed(1)}" y="${(MARGIN.top + plotH - h).toFixed(1)}" width="${(barW - 1).toFixed(1)}" height="${h.toFixed(1)}" fill="${colour(s)}"><title>${escape(series.name)} ${escape(String(input.x[i]))}: ${value}</title></rect>`);
    });
  });
  const labels = input.x.map((label, i) => {
    const x = MARGIN.left + i * groupW + groupW / 2;
    const text = String(label).length > MAX_LABEL ? `${String(label).slice(0, MAX_LABEL - 1)}…` : String(label);
    return `<text x="${x.toFixed(1)}" y="${MARGIN.top + plotH + 14}" font-size="10" text-anchor="end" transform="rotate(-35 ${x.toFixed(1)} ${MARGIN.top + plotH + 14})"><title>${escape(String(label))}</title>${escape(text)}</text>`;
  });
  return svg(input, [...frame, ...bars, ...labels]);
}

export function lineChart(input: ChartInput): string {
  const { plotW, plotH, yMax, frame } = axes(input);
  const xs = input.x.map(Number);
  const xMin = Math.min(...xs);
  const xMax = Math.max(...xs);
  const px = (x: number) => MARGIN.left + (xMax === xMin ? plotW / 2 : ((x - xMin) / (xMax - xMin)) * plotW);
  const py = (y: number) => MARGIN.top + plotH - (y / yMax) * plotH;
  const lines: string[] = [];
  input.series.forEach((series, s) => {
    const points = series.values.map((value, i) => (value === null ? null : [px(xs[i]!), py(value)] as const)).filter((point): point is readonly [number, number] => point !== null);
    if (points.length > 1) lines.push(`<polyline fill="none" stroke="${colour(s)}" stroke-width="2" points="${points.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(' ')}"/>`);
    for (const [x, y] of points) lines.push(`<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="3" fill="${colour(s)}"/>`);
  });
  const labels = xs.map((x) => `<text x="${px(x).toFixed(1)}" y="${MARGIN.top + plotH + 16}" font-size="11" text-anchor="middle">${x}</text>`);
  return svg(input, [...frame, ...lines, ...labels]);
}

function axes(input: ChartInput): { plotW: number; plotH: number; yMax: number; frame: string[] } {
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const values = input.series.flatMap((series) => series.values).filter((value): value is number => value !== null);
  const yMax = niceCeiling(Math.max(1e-9, ...values));
  const frame: string[] = [
    `<line x1="${MARGIN.left}" y1="${MARGIN.top}" x2="${MARGIN.left}" y2="${MARGIN.top + plotH}" stroke="#333"/>`,
    `<line x1="${MARGIN.left}" y1="${MARGIN.top + plotH}" x2="${MARGIN.left + plotW}" y2="${MARGIN.top + plotH}" stroke="#333"/>`,
  ];
  for (let i = 0; i <= 5; i += 1) {
    const value = (yMax * i) / 5;
    const y = MARGIN.top + plotH - (plotH * i) / 5;
    frame.push(`<line x1="${MARGIN.left}" y1="${y.toFixed(1)}" x2="${MARGIN.left + plotW}" y2="${y.toFixed(1)}" stroke="#ddd"/>`);
    frame.push(`<text x="${MARGIN.left - 6}" y="${(y + 4).toFixed(1)}" font-size="11" text-anchor="end">${formatTick(value)}</text>`);
  }
  frame.push(`<text x="${MARGIN.left - 44}" y="${MARGIN.top + plotH / 2}" font-size="12" text-anchor="middle" transform="rotate(-90 ${MARGIN.left - 44} ${MARGIN.top + plotH / 2})">${escape(input.yLabel)}</text>`);
  if (input.xLabel) frame.push(`<text x="${MARGIN.left + plotW / 2}" y="${HEIGHT - 8}" font-size="12" text-anchor="middle">${escape(input.xLabel)}</text>`);
  input.series.forEach((series, s) => {
    const y = MARGIN.top + 10 + s * 18;
    frame.push(`<rect x="${WIDTH - MARGIN.right + 14}" y="${y - 9}" width="12" height="12" fill="${colour(s)}"/>`);
    frame.push(`<text x="${WIDTH - MARGIN.right + 32}" y="${y + 1}" font-size="11">${escape(series.name)}</text>`);
  });
  return { plotW, plotH, yMax, frame };
}

function svg(input: ChartInput, body: string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${WIDTH / 2}" y="24" font-size="15" text-anchor="middle">${escape(input.title)}</text>`,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}

/** 1, 2, 2.5, 5 × 10^n at or above the value: round axis ticks. */
export function niceCeiling(value: number): number {
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) if (value <= step * power) return step * power;
  return 10 * power;
}

function formatTick(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toPrecision(3).replace(/\.?0+$/, '');
}

function colour(index: number): string {
  return COLOURS[index % COLOURS.length]!;
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
