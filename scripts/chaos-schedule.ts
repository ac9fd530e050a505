/**
 * The fault schedule of `npm run chaos`: a fixed list of events drawn from a seeded generator, so
 * the same `--seed` replays the same faults with the same durations in the same order. Only which
 * replica "the leader" or "a random replica" turns out to be is decided while the run happens.
 */

/** What one chaos event does. */
export type FaultKind =
  /** SIGKILL a replica, start a fresh process (same or new identity) in its place a little later. */
  | 'sigkill'
  /** SIGSTOP a replica for longer than leaseDuration, then SIGCONT. */
  | 'sigstop'
  /** Delay every API response of one replica by more than renewDeadline, for a while. */
  | 'latency'
  /** Answer the API requests of every replica, or of one, with a 5xx status, for a while. */
  | '5xx'
  /** Never answer one replica's API requests (a partition), for a while, then release them. */
  | 'hang'
  /** Apply one replica's Lease updates but drop the responses (lost acks), for a while. */
  | 'drop-response';

export const FAULT_KINDS: readonly FaultKind[] = [
  'sigkill',
  'sigstop',
  'latency',
  '5xx',
  'hang',
  'drop-response',
];

/** Whom an event hits: the replica leading when it starts, any running replica, or all of them. */
export type FaultTarget = 'leader' | 'random' | 'all';

export interface ChaosEvent {
  /** 1-based position in the schedule. */
  index: number;
  kind: FaultKind;
  target: FaultTarget;
  /** In [0, 1): picks the replica when `target` is 'random' (or no leader is known). */
  pick: number;
  /** Quiet time before the fault, with a leader in place, ms. */
  settleMs: number;
  /** How long the fault lasts (SIGSTOP → SIGCONT, or until the API fault is cleared), ms. 0 for sigkill. */
  durationMs: number;
  /** sigkill: the replacement process starts this long after the kill, ms. */
  restartAfterMs?: number;
  /**
   * sigkill: the replacement reuses the killed process's identity (a pod restarted under the same
   * name), so it finds itself as the Lease holder; otherwise it comes up with a new identity.
   */
  sameIdentity?: boolean;
  /** latency: added to every response, ms. */
  latencyMs?: number;
  /** 5xx: the status code answered. */
  code?: number;
}

export interface ChaosPlanOptions {
  events: number;
  seed: number;
  /** Kinds to draw from (default: all of FAULT_KINDS). */
  kinds?: readonly FaultKind[];
  leaseDuration: number;
  renewDeadline: number;
  retryPeriod: number;
}

/** mulberry32: a tiny, well-mixed 32-bit generator; enough for a replayable schedule. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Builds the schedule. Kinds are dealt in shuffled rounds (every kind once per round), so a
 * 20-event run meets each of the six kinds at least three times whatever the seed.
 */
export function planChaos(options: ChaosPlanOptions): ChaosEvent[] {
  const { leaseDuration: lease, renewDeadline: deadline, retryPeriod: retry } = options;
  const kinds = options.kinds && options.kinds.length > 0 ? [...options.kinds] : [...FAULT_KINDS];
  const random = seededRandom(options.seed);
  const between = (min: number, max: number) => Math.round(min + random() * (max - min));
  const leaderOr = (other: FaultTarget, leaderShare: number): FaultTarget =>
    random() < leaderShare ? 'leader' : other;

  const order: FaultKind[] = [];
  while (order.length < options.events) {
    const round = [...kinds];
    for (let i = round.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [round[i], round[j]] = [round[j]!, round[i]!];
    }
    order.push(...round);
  }

  return order.slice(0, options.events).map((kind, i): ChaosEvent => {
    const base = { index: i + 1, kind, pick: random(), settleMs: between(400, 1200) };
    switch (kind) {
      case 'sigkill':
        return {
          ...base,
          target: leaderOr('random', 0.7),
          durationMs: 0,
          restartAfterMs: between(300, 2500),
          sameIdentity: random() < 0.5,
        };
      case 'sigstop':
        // Longer than leaseDuration: the others must take over while this one is frozen.
        return {
          ...base,
          target: leaderOr('random', 0.7),
          durationMs: between(lease + 300, lease + 2000),
        };
      case 'latency':
        // Above renewDeadline: every renewal of the target times out while it lasts.
        return {
          ...base,
          target: leaderOr('random', 0.7),
          durationMs: between(2 * retry + deadline, lease + 2500),
          latencyMs: between(deadline + 100, deadline + 1000),
        };
      case '5xx':
        return {
          ...base,
          target: leaderOr('all', 0.5),
          durationMs: between(3 * retry, lease + 1000),
          code: [500, 502, 503, 504][Math.floor(random() * 4)]!,
        };
      case 'hang':
        return {
          ...base,
          target: leaderOr('random', 0.7),
          durationMs: between(deadline, lease + 2500),
        };
      case 'drop-response':
        return { ...base, target: 'leader', durationMs: between(deadline / 2, lease + 1500) };
    }
  });
}

/** One line per event, e.g. `SIGSTOP the leader for 3100 ms`. */
export function describeEvent(event: ChaosEvent): string {
  const who =
    event.target === 'leader'
      ? 'the leader'
      : event.target === 'all'
        ? 'every replica'
        : 'a random replica';
  switch (event.kind) {
    case 'sigkill':
      return `SIGKILL ${who}, restart it after ${event.restartAfterMs} ms with ${event.sameIdentity ? 'the same' : 'a new'} identity`;
    case 'sigstop':
      return `SIGSTOP ${who} for ${event.durationMs} ms, then SIGCONT`;
    case 'latency':
      return `${event.latencyMs} ms latency on ${who}'s API requests for ${event.durationMs} ms`;
    case '5xx':
      return `HTTP ${event.code} for ${who}'s API requests for ${event.durationMs} ms`;
    case 'hang':
      return `hang ${who}'s API requests (partition) for ${event.durationMs} ms`;
    case 'drop-response':
      return `drop the responses to ${who}'s Lease updates for ${event.durationMs} ms`;
  }
}
