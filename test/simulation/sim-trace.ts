/**
 * The simulation's log: every line is hashed (FNV-1a, 32 bit) so two runs of a seed can be
 * compared cheaply, but only the last `limit` lines are kept unless `keepAll`.
 */
export class SimTrace {
  private readonly lines: string[] = [];
  private start = 0;
  private hash = 0x811c9dc5;
  private count = 0;

  constructor(
    private readonly limit: number,
    private readonly keepAll: boolean,
  ) {}

  add(time: number, text: string): void {
    const line = `${formatTime(time)} ${text}`;
    let h = this.hash;
    for (let i = 0; i < line.length; i++) {
      h ^= line.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
    this.hash = h ^ 0x0a;
    this.count++;
    if (this.keepAll || this.lines.length < this.limit) {
      this.lines.push(line);
    } else {
      this.lines[this.start] = line;
      this.start = (this.start + 1) % this.limit;
    }
  }

  get lineCount(): number {
    return this.count;
  }

  digest(): string {
    return `${(this.hash >>> 0).toString(16).padStart(8, '0')}:${this.count}`;
  }

  /** Kept lines, oldest first. */
  tail(n = Infinity): string[] {
    const ordered = this.lines.slice(this.start).concat(this.lines.slice(0, this.start));
    return n >= ordered.length ? ordered : ordered.slice(ordered.length - n);
  }
}

/** Virtual ms as `t=12345.678`; fixed decimals keep the trace (and its hash) stable. */
export function formatTime(ms: number): string {
  return `t=${ms.toFixed(3)}`;
}
