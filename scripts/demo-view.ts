/** One row of the live table. */
export interface ReplicaRow {
  replica: string;
  pid: string;
  state: string;
  role: string;
  seesLeader: string;
  fencingToken: string;
  leaderJobs: string;
  followerJobs: string;
  apiRequests: string;
}

export interface ViewSnapshot {
  phase: string;
  lease: string;
  lastJob: string;
  rows: ReplicaRow[];
}

const COLUMNS: Array<[keyof ReplicaRow, string]> = [
  ['replica', 'replica'],
  ['pid', 'pid'],
  ['state', 'state'],
  ['role', 'role'],
  ['seesLeader', 'sees leader'],
  ['fencingToken', 'token'],
  ['leaderJobs', 'leader jobs'],
  ['followerJobs', 'follower jobs'],
  ['apiRequests', 'API requests'],
];

type Output = NodeJS.WritableStream & { isTTY?: boolean; columns?: number };

/**
 * The demo's terminal output. Every call to `line()` prints a timestamped line. On a TTY a small
 * table is kept under those lines and redrawn in place (ANSI cursor moves); elsewhere (CI logs,
 * pipes) there is no table, only the lines, which the demo prints on changes.
 */
export class DemoView {
  private drawn = 0;
  private snapshot: ViewSnapshot | undefined;
  private readonly startedAt = performance.now();
  readonly live: boolean;
  private readonly color: boolean;

  constructor(
    private readonly out: Output,
    env: NodeJS.ProcessEnv,
  ) {
    this.live = out.isTTY === true && env.TERM !== 'dumb';
    this.color = this.live && !env.NO_COLOR;
  }

  elapsed(): string {
    return `+${((performance.now() - this.startedAt) / 1000).toFixed(3)}s`;
  }

  line(text: string): void {
    this.write(`${this.dim(`[${this.elapsed()}]`)} ${text}`);
  }

  /** Text printed as is (banner, summary). */
  raw(text: string): void {
    this.write(text);
  }

  bold(text: string): string {
    return this.color ? `\x1b[1m${text}\x1b[22m` : text;
  }

  green(text: string): string {
    return this.color ? `\x1b[32m${text}\x1b[39m` : text;
  }

  red(text: string): string {
    return this.color ? `\x1b[31m${text}\x1b[39m` : text;
  }

  private dim(text: string): string {
    return this.color ? `\x1b[2m${text}\x1b[22m` : text;
  }

  /** Redraws the table (TTY only). */
  render(snapshot: ViewSnapshot): void {
    this.snapshot = snapshot;
    if (!this.live) return;
    this.erase();
    this.draw();
  }

  /** Leaves the last table on screen and stops redrawing. */
  finish(): void {
    this.drawn = 0;
    this.snapshot = undefined;
  }

  private write(text: string): void {
    if (!this.live) {
      this.out.write(`${text}\n`);
      return;
    }
    this.erase();
    this.out.write(`${text}\n`);
    this.draw();
  }

  private erase(): void {
    if (this.drawn > 0) this.out.write(`\x1b[${this.drawn}A\x1b[0J`);
    this.drawn = 0;
  }

  private draw(): void {
    if (!this.snapshot) return;
    const s = this.snapshot;
    // columns is 0 or undefined when the size is unknown (e.g. under `script`).
    const width = Math.max(40, (this.out.columns || 120) - 1);
    const widths = COLUMNS.map(([key, title]) =>
      Math.max(title.length, ...s.rows.map((r) => r[key].length)),
    );
    const row = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
    const lines = [
      '',
      `${this.bold('phase')} ${s.phase}   ${this.bold('lease')} ${s.lease}`,
      this.dim(row(COLUMNS.map(([, title]) => title))),
      ...s.rows.map((r) => {
        const text = row(COLUMNS.map(([key]) => r[key]));
        return r.role === 'LEADER' ? this.green(text) : text;
      }),
      `${this.bold('last leader job')} ${s.lastJob}`,
    ];
    // Lines wider than the terminal would wrap and break the cursor arithmetic: cut them.
    const cut = lines.map((l) => (visibleLength(l) > width ? truncate(l, width) : l));
    this.out.write(`${cut.join('\n')}\n`);
    this.drawn = cut.length;
  }
}

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*[A-Za-z]/g;

function visibleLength(text: string): number {
  return text.replace(ANSI, '').length;
}

function truncate(text: string, width: number): string {
  return `${text.replace(ANSI, '').slice(0, width - 1)}…`;
}
