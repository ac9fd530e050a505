import type { BenchResults, TargetRow } from './bench-results.types.js';
import { formatMs, formatNumber } from './stats.js';

/** Issue 5 / SPEC §7 targets, judged from the measured numbers (never asserted in tests). */
export function evaluateTargets(results: Omit<BenchResults, 'targets'>): TargetRow[] {
  const rows: TargetRow[] = [];
  const { handover, crash, coldStart, load, idle, nest } = results;

  if (handover) {
    const w = handover.watch.summary;
    rows.push({
      what: 'Graceful handover p50 (watch)',
      target: '≤ 50 ms',
      measured: `${formatMs(w.p50)} ms`,
      met: w.p50 <= 50 && handover.watch.failures === 0,
    });
    rows.push({
      what: 'Graceful handover p95 (watch)',
      target: '≤ 150 ms',
      measured: `${formatMs(w.p95)} ms`,
      met: w.p95 <= 150 && handover.watch.failures === 0,
    });
    rows.push({
      what: 'Graceful handover vs polling (watch: false)',
      target: '≥ 10× faster',
      measured: `${formatNumber(handover.ratioP50, 1)}× at p50, ${formatNumber(handover.ratioP95, 1)}× at p95`,
      met: handover.ratioP50 >= 10 && handover.ratioP95 >= 10,
    });
  }
  if (crash) {
    const c = crash.watch.overKill;
    rows.push({
      what: 'Crash takeover − leaseDuration, p95 (watch)',
      target: '≤ 250 ms',
      measured: `${formatMs(c.p95)} ms after the kill; ${formatMs(crash.watch.overLastRenew.p95)} ms after the last renew (leaseDuration ${crash.config.leaseDuration} ms)`,
      met: c.p95 <= 250 && crash.watch.failures === 0,
    });
  }
  if (coldStart) {
    const f = coldStart.watch.freshProcess;
    rows.push({
      what: 'First leader after start, fresh process (settled), p95 (watch)',
      target: '≤ 30 ms',
      measured: `${formatMs(f.p95)} ms (p50 ${formatMs(f.p50)} ms; at load: p95 ${formatMs(coldStart.watch.freshProcessAtLoad.p95)} ms)`,
      met: f.p95 <= 30,
    });
  }
  if (load) {
    const watchRows = load.rows.filter((r) => r.mode === 'watch');
    const worst = Math.max(...watchRows.map((r) => r.followerMaxPerMin));
    rows.push({
      what: 'Follower API load at steady state (watch), worst follower',
      target: '≤ 1 request/min',
      measured: `${formatNumber(worst)} requests/min`,
      met: worst <= 1 && watchRows.every((r) => r.stable),
    });
    const period = load.config.retryPeriod;
    for (const mode of ['watch', 'poll'] as const) {
      const modeRows = load.rows.filter((r) => r.mode === mode);
      const intervals = modeRows.map((r) => r.leaderRenewIntervalMs);
      const gets = Math.max(...modeRows.map((r) => r.leaderGetsPerMin));
      rows.push({
        what: `Leader API load (${mode === 'watch' ? 'watch' : 'watch: false'}), ${modeRows.map((r) => r.candidates).join(' / ')} candidates`,
        target: `1 write per retryPeriod (${period} ms ± 5%), no GET`,
        measured: `a write every ${intervals.map((i) => formatMs(i)).join(' / ')} ms, ${formatNumber(gets)} GET/min`,
        met:
          gets === 0 &&
          modeRows.every((r) => r.stable) &&
          intervals.every((i) => Math.abs(i - period) <= period * 0.05),
      });
    }
  }
  if (nest) {
    rows.push({
      what: '@OnLeader overhead per call',
      target: '< 1 µs',
      measured: `${formatNumber(nest.onLeaderOverheadNs, 1)} ns`,
      met: nest.onLeaderOverheadNs < 1000,
    });
  }
  if (idle) {
    const largest = Math.max(...idle.rows.map((r) => r.elections));
    const floor = idle.rows.find((r) => r.elections === largest && r.role === 'floor');
    const judged = idle.rows.filter(
      (r) => r.elections === largest && (r.role === 'leader' || r.role === 'follower'),
    );
    for (const row of judged) {
      const control =
        row.role === 'leader' && floor
          ? ` (the same traffic with no elector: ${formatNumber(floor.cpuPercent)}%)`
          : '';
      rows.push({
        what: `${largest} idle elections in one process, all ${row.role}s`,
        target: '< 2% of one core',
        measured: `${formatNumber(row.cpuPercent)}%${control}`,
        met: row.cpuPercent < 2 && (row.role !== 'leader' || row.leading === largest),
      });
    }
  }
  return rows;
}
