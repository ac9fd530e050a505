/**
 * Hand-written SVG (no dependency): the empirical CDF of graceful-handover latency for both
 * modes on a log-scale time axis, with p50/p95 marked.
 */

export interface ChartSeries {
  label: string;
  color: string;
  samplesMs: readonly number[];
}

export interface ChartText {
  title: string;
  subtitle: string;
}

/** A vertical reference line, e.g. a target. */
export interface ChartMarker {
  ms: number;
  label: string;
}

const WIDTH = 800;
const HEIGHT = 460;
const MARGIN = { top: 100, right: 24, bottom: 56, left: 64 };
const PLOT_W = WIDTH - MARGIN.left - MARGIN.right;
const PLOT_H = HEIGHT - MARGIN.top - MARGIN.bottom;
/** Times below this are drawn at it (a log axis has no zero). */
const FLOOR_MS = 0.1;

const escapeXml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const fmt = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1));

function tickLabel(ms: number): string {
  if (ms >= 1000) return `${fmt(ms / 1000)} s`;
  return `${ms >= 1 ? fmt(ms) : ms.toPrecision(1)} ms`;
}

export function renderHandoverChart(
  series: readonly ChartSeries[],
  text: ChartText,
  markers: readonly ChartMarker[] = [],
): string {
  const all = series.flatMap((s) => s.samplesMs).map((x) => Math.max(FLOOR_MS, x));
  const loExp = Math.floor(Math.log10(all.length ? Math.min(...all) : 1));
  const hiExp = Math.max(loExp + 1, Math.ceil(Math.log10(all.length ? Math.max(...all) : 10)));
  const x = (ms: number) =>
    MARGIN.left + ((Math.log10(Math.max(FLOOR_MS, ms)) - loExp) / (hiExp - loExp)) * PLOT_W;
  const y = (fraction: number) => MARGIN.top + (1 - fraction) * PLOT_H;

  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="system-ui, -apple-system, Segoe UI, sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    `<text x="${MARGIN.left}" y="24" font-size="16" font-weight="600">${escapeXml(text.title)}</text>`,
    `<text x="${MARGIN.left}" y="44" fill="#555">${escapeXml(text.subtitle)}</text>`,
  );

  // Decade gridlines with labels, and unlabelled 2× / 5× minor lines.
  for (let e = loExp; e <= hiExp; e++) {
    const decade = 10 ** e;
    parts.push(
      `<line x1="${x(decade).toFixed(1)}" y1="${MARGIN.top}" x2="${x(decade).toFixed(1)}" y2="${MARGIN.top + PLOT_H}" stroke="#ccc"/>`,
      `<text x="${x(decade).toFixed(1)}" y="${MARGIN.top + PLOT_H + 18}" text-anchor="middle">${tickLabel(decade)}</text>`,
    );
    if (e < hiExp) {
      for (const m of [2, 5]) {
        const xm = x(decade * m).toFixed(1);
        parts.push(
          `<line x1="${xm}" y1="${MARGIN.top}" x2="${xm}" y2="${MARGIN.top + PLOT_H}" stroke="#eee"/>`,
        );
      }
    }
  }
  for (const f of [0, 0.25, 0.5, 0.75, 1]) {
    parts.push(
      `<line x1="${MARGIN.left}" y1="${y(f).toFixed(1)}" x2="${MARGIN.left + PLOT_W}" y2="${y(f).toFixed(1)}" stroke="#e4e4e4"/>`,
      `<text x="${MARGIN.left - 6}" y="${(y(f) + 4).toFixed(1)}" text-anchor="end">${f.toFixed(2)}</text>`,
    );
  }
  for (const [f, label] of [
    [0.5, 'p50'],
    [0.95, 'p95'],
  ] as const) {
    parts.push(
      `<line x1="${MARGIN.left}" y1="${y(f).toFixed(1)}" x2="${MARGIN.left + PLOT_W}" y2="${y(f).toFixed(1)}" stroke="#999" stroke-dasharray="4 3"/>`,
      `<text x="${MARGIN.left + PLOT_W - 4}" y="${(y(f) - 4).toFixed(1)}" text-anchor="end" fill="#777">${label}</text>`,
    );
  }
  parts.push(
    `<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${PLOT_W}" height="${PLOT_H}" fill="none" stroke="#333"/>`,
    `<text x="${MARGIN.left + PLOT_W / 2}" y="${HEIGHT - 12}" text-anchor="middle">latency (log scale)</text>`,
    `<text transform="translate(16 ${MARGIN.top + PLOT_H / 2}) rotate(-90)" text-anchor="middle">fraction of trials ≤ latency</text>`,
  );

  for (const marker of markers) {
    const xm = x(marker.ms);
    if (xm < MARGIN.left || xm > MARGIN.left + PLOT_W) continue;
    parts.push(
      `<line x1="${xm.toFixed(1)}" y1="${MARGIN.top}" x2="${xm.toFixed(1)}" y2="${MARGIN.top + PLOT_H}" stroke="#2ca02c" stroke-dasharray="2 3"/>`,
      `<text transform="translate(${(xm + 12).toFixed(1)} ${MARGIN.top + 6}) rotate(90)" fill="#2ca02c">${escapeXml(marker.label)}</text>`,
    );
  }

  series.forEach((s, index) => {
    const sorted = [...s.samplesMs].sort((a, b) => a - b);
    if (sorted.length === 0) return;
    let d = `M ${x(sorted[0]).toFixed(1)} ${y(0).toFixed(1)}`;
    sorted.forEach((ms, i) => {
      d += ` V ${y((i + 1) / sorted.length).toFixed(1)}`;
      const next = sorted[i + 1];
      if (next !== undefined) d += ` H ${x(next).toFixed(1)}`;
    });
    parts.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2"/>`);
    for (const ms of sorted) {
      parts.push(
        `<circle cx="${x(ms).toFixed(1)}" cy="${(MARGIN.top + PLOT_H - 6).toFixed(1)}" r="2.5" fill="${s.color}" fill-opacity="0.5"/>`,
      );
    }
    // Above the plot, so it never hides a curve.
    const legendX = MARGIN.left;
    const legendY = 66 + index * 18;
    parts.push(
      `<line x1="${legendX}" y1="${legendY - 4}" x2="${legendX + 24}" y2="${legendY - 4}" stroke="${s.color}" stroke-width="3"/>`,
      `<text x="${legendX + 30}" y="${legendY}">${escapeXml(s.label)}</text>`,
    );
  });

  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
