/**
 * The machine-readable lines the sample prints with `SAMPLE_EVENTS=1`, one JSON object per line
 * after `SAMPLE_EVENT_PREFIX`. `npm run demo` reads them to draw its view and to check that leader
 * job runs never overlap. `at` is wall-clock milliseconds with sub-ms precision
 * (`performance.timeOrigin + performance.now()`), comparable between processes on one machine.
 */
export const SAMPLE_EVENT_PREFIX = 'SAMPLE_EVENT ';

export type SampleEvent =
  | { event: 'listening'; at: number; identity: string; pid: number; port: number; host: string }
  | { event: 'job-start'; at: number; identity: string; run: number; fencingToken: number | null }
  | {
      event: 'job-end';
      at: number;
      identity: string;
      run: number;
      fencingToken: number | null;
      aborted: boolean;
      /** Slices of work done, each after a successful leadership check. */
      steps?: number;
      /**
       * Wall ms read just before the last successful check (null: no slice ran). The run's
       * leader work ended then, even when this line comes much later (the process was frozen).
       */
      lastStepAt?: number | null;
    }
  | { event: 'follower-job'; at: number; identity: string; leader: string | null }
  | { event: 'started-leading'; at: number; identity: string; fencingToken: number }
  | { event: 'stopped-leading'; at: number; identity: string }
  | { event: 'new-leader'; at: number; identity: string; leader: string };

/** Distributes `Omit` over the union, so each event keeps its own fields. */
export type SampleEventInput = SampleEvent extends infer E
  ? E extends SampleEvent
    ? Omit<E, 'at'>
    : never
  : never;

/** Parses one output line; undefined for ordinary log lines or malformed ones. */
export function parseSampleEvent(line: string): SampleEvent | undefined {
  const start = line.indexOf(SAMPLE_EVENT_PREFIX);
  if (start < 0) return undefined;
  try {
    const value = JSON.parse(line.slice(start + SAMPLE_EVENT_PREFIX.length)) as unknown;
    if (typeof value === 'object' && value !== null && 'event' in value && 'at' in value) {
      return value as SampleEvent;
    }
  } catch {
    // A line cut by a crash (SIGKILL mid-write) is not an event.
  }
  return undefined;
}
