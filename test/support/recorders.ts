import type { LeaderElectionLogger } from '../../lib/core/logger.js';
import type { LeaderElectionMetrics } from '../../lib/core/metrics.js';

export type Level = 'log' | 'warn' | 'error' | 'debug' | 'verbose';

/** A logger that keeps every line, for asserting levels and texts. */
export class CapturingLogger implements LeaderElectionLogger {
  readonly lines: { level: Level; message: string }[] = [];

  log(message: string): void {
    this.lines.push({ level: 'log', message });
  }
  warn(message: string): void {
    this.lines.push({ level: 'warn', message });
  }
  error(message: string): void {
    this.lines.push({ level: 'error', message });
  }
  debug(message: string): void {
    this.lines.push({ level: 'debug', message });
  }
  verbose(message: string): void {
    this.lines.push({ level: 'verbose', message });
  }

  at(level: Level): string[] {
    return this.lines.filter((l) => l.level === level).map((l) => l.message);
  }
}

/** Metrics hooks that count calls per hook. */
export class RecordingMetrics implements Required<LeaderElectionMetrics> {
  readonly calls: string[] = [];
  readonly latencies: number[] = [];
  gauge = -1;

  on(): void {
    this.gauge = 1;
    this.calls.push('on');
  }
  off(): void {
    this.gauge = 0;
    this.calls.push('off');
  }
  slowpathExercised(): void {
    this.calls.push('slowpath');
  }
  transition(): void {
    this.calls.push('transition');
  }
  renewLatency(_name: string, ms: number): void {
    this.latencies.push(ms);
  }
  conflict(): void {
    this.calls.push('conflict');
  }
  renewed(): void {
    this.calls.push('renewed');
  }

  count(hook: string): number {
    return this.calls.filter((c) => c === hook).length;
  }
}
