import type { LeadershipContext } from '../../lib/core/leader-elector.config.js';
import type { LeaderElectionRecord } from '../../lib/core/leader-election-record.js';
import type { StoredLease } from './sim-lease-store.js';
import type { SimProcess } from './sim-process.js';
import type { InvariantName, TermLog } from './simulation.types.js';

/**
 * How long (virtual ms) a term's signal may stay open after leadership lapsed. The elector ends
 * a term with a timer at exactly the instant isLeader() turns false; the tolerance only absorbs
 * float rounding and same-instant ordering.
 */
const TERM_END_TOLERANCE_MS = 1;

export interface CheckerHost {
  readonly now: number;
  violation(invariant: InvariantName, message: string): void;
  trace(text: string): void;
}

/**
 * The invariants, checked after every event of the simulation:
 * - safety: at most one live, running process with isLeader() === true at any virtual instant
 *   (a paused process cannot act; it is checked the instant it resumes);
 * - isLeader() === true only inside a term (onStartedLeading called, its signal not aborted) and
 *   with fencingToken() equal to the term's token; the master-status gauge on;
 * - a term's signal aborts no later than isLeader() turns false, and no two running processes
 *   have an open term signal at the end of the same instant (no overlapping leader-only work);
 * - onStartedLeading / onStoppedLeading strictly alternate per process, onStoppedLeading only
 *   after the signal aborted, beforeRelease only after the term ended;
 * - fencing: a term's token is the leaderTransitions this process's own acquiring write stored;
 *   tokens of effective terms never decrease and grow whenever the holder identity changes;
 * - the stored leaderTransitions never decreases and changes exactly as client-go's rules say;
 * - liveness and stability are driven by the simulation (deadline events) through `leaderNow`.
 */
export class InvariantChecker {
  readonly terms: TermLog[] = [];
  private lastEffective: { identity: string; token: number; process: string } | undefined;
  /** The term that must stay in force from the liveness deadline until shutdown. */
  private stableTerm: TermLog | undefined;
  firstLeaderAt: number | undefined;

  constructor(
    private readonly host: CheckerHost,
    private readonly processes: () => Iterable<SimProcess>,
    private readonly renewDeadline: number,
    /** The object as the server holds it now. */
    private readonly store: () => StoredLease | undefined,
  ) {}

  /** Called from the process's onStartedLeading callback. */
  termStarted(proc: SimProcess, ctx: LeadershipContext): void {
    const now = this.host.now;
    if (proc.term) {
      this.host.violation(
        'callbacks',
        `${proc.label} onStartedLeading called again (token ${ctx.fencingToken}) before onStoppedLeading of its term with token ${proc.term.token}`,
      );
    }
    if (ctx.identity !== proc.identity) {
      this.host.violation(
        'callbacks',
        `${proc.label} onStartedLeading got identity "${ctx.identity}", expected "${proc.identity}"`,
      );
    }
    const w = proc.lock.lastWrite;
    if (!w || w.holderIdentity !== proc.identity || w.leaderTransitions !== ctx.fencingToken) {
      this.host.violation(
        'fencing',
        `${proc.label} started a term with fencingToken ${ctx.fencingToken}, but its last successful write was ` +
          (w ? `holder "${w.holderIdentity}" leaderTransitions ${w.leaderTransitions}` : 'none'),
      );
    }
    const stored = this.store()?.record;
    if (
      stored &&
      stored.holderIdentity === proc.identity &&
      stored.leaderTransitions !== ctx.fencingToken
    ) {
      this.host.violation(
        'fencing',
        `${proc.label} started a term with fencingToken ${ctx.fencingToken}, but the lease it holds says leaderTransitions ${stored.leaderTransitions}`,
      );
    }
    const log: TermLog = {
      slot: proc.slot,
      process: proc.label,
      identity: proc.identity,
      token: ctx.fencingToken,
      startedAt: now,
    };
    this.terms.push(log);
    proc.term = { token: ctx.fencingToken, signal: ctx.signal, log };
    this.host.trace(`${proc.label} onStartedLeading token=${ctx.fencingToken}`);
  }

  /** Called from the process's onStoppedLeading callback. */
  termStopped(proc: SimProcess): void {
    const term = proc.term;
    if (!term) {
      this.host.violation(
        'callbacks',
        `${proc.label} onStoppedLeading called without a term in force (never started, or called twice)`,
      );
      return;
    }
    if (!term.signal.aborted) {
      this.host.violation(
        'callbacks',
        `${proc.label} onStoppedLeading called before the term's signal aborted`,
      );
    }
    if (proc.elector.isLeader()) {
      this.host.violation(
        'callbacks',
        `${proc.label} onStoppedLeading called while isLeader() is still true`,
      );
    }
    term.log.endedAt ??= this.host.now;
    proc.term = undefined;
    this.host.trace(`${proc.label} onStoppedLeading token=${term.token}`);
  }

  /** Called from the process's beforeRelease hook: leader-only work must have been told to stop. */
  beforeRelease(proc: SimProcess): void {
    if (proc.elector.isLeader()) {
      this.host.violation(
        'callbacks',
        `${proc.label} beforeRelease called while isLeader() is still true`,
      );
    }
    if (proc.term && !proc.term.signal.aborted) {
      this.host.violation(
        'callbacks',
        `${proc.label} beforeRelease called before the term's signal aborted`,
      );
    }
  }

  /** Every write the store applied, with the identity of the process that sent it. */
  storeWrite(before: LeaderElectionRecord | undefined, after: StoredLease, writer: string): void {
    const a = after.record;
    // Nobody writes another's identity, and a release ('') only hands back one's own lease
    // (client-go's release checks a possibly stale record; this elector re-reads it first).
    if (a.holderIdentity !== '' && a.holderIdentity !== writer) {
      this.host.violation('records', `${writer} wrote holder "${a.holderIdentity}"`);
    }
    if (a.holderIdentity === '' && before && before.holderIdentity !== writer) {
      this.host.violation(
        'records',
        `${writer} released a lease held by "${before.holderIdentity}" (transitions ${before.leaderTransitions})`,
      );
    }
    if (!before) return;
    if (a.leaderTransitions < before.leaderTransitions) {
      this.host.violation(
        'transitions',
        `leaderTransitions decreased from ${before.leaderTransitions} to ${a.leaderTransitions} (holder "${before.holderIdentity}" -> "${a.holderIdentity}")`,
      );
      return;
    }
    const holderChanged = a.holderIdentity !== before.holderIdentity;
    const expected =
      holderChanged && a.holderIdentity !== ''
        ? before.leaderTransitions + 1
        : before.leaderTransitions;
    if (a.leaderTransitions !== expected) {
      this.host.violation(
        'transitions',
        `holder "${before.holderIdentity}" -> "${a.holderIdentity}" changed leaderTransitions ${before.leaderTransitions} -> ${a.leaderTransitions}; expected ${expected}`,
      );
    }
  }

  /**
   * After every event. `resumed` is a process that resumed at this instant and has not yet
   * processed what arrived while it was paused: it is held to the safety check all the same.
   */
  afterEvent(): SimProcess | undefined {
    const now = this.host.now;
    let leader: SimProcess | undefined;
    for (const p of this.processes()) {
      if (p.state === 'crashed') continue;
      if (p.state === 'paused') continue;
      // isLeader() may itself end a term whose deadline passed (the elector judges at call
      // time), so look at the signal first: an open signal with isLeader() false means the
      // term outlived its deadline until this call, unless the deadline passed a moment ago
      // or while the process was paused.
      const term = p.term;
      const openBefore = term !== undefined && !term.signal.aborted;
      const isLeader = p.elector.isLeader();
      if (isLeader) {
        if (leader) {
          this.host.violation(
            'safety',
            `two leaders at the same instant: ${leader.describe()} token ${leader.term?.token} and ${p.describe()} token ${term?.token}`,
          );
        }
        leader = p;
        if (!term) {
          this.host.violation(
            'callbacks',
            `${p.label} isLeader() is true but onStartedLeading was not called`,
          );
          continue;
        }
        if (term.signal.aborted) {
          this.host.violation(
            'callbacks',
            `${p.label} isLeader() is true but its term's signal is aborted`,
          );
        }
        const token = p.elector.fencingToken();
        if (token !== term.token) {
          this.host.violation(
            'fencing',
            `${p.label} fencingToken() is ${token} but its term's token is ${term.token}`,
          );
        }
        if (p.gauge !== 1) {
          this.host.violation(
            'metrics',
            `${p.label} isLeader() is true but metrics.on() was not called (gauge ${p.gauge})`,
          );
        }
        if (term.log.effectiveAt === undefined) this.becameEffective(p, term.log);
      } else if (openBefore) {
        const renewedAt = p.elector.lastRenewAt?.();
        if (renewedAt !== undefined) {
          const lapsedAt = Math.max(
            p.clock.virtualTimeOf(renewedAt + this.renewDeadline),
            p.resumedAt ?? -Infinity,
          );
          if (now - lapsedAt > TERM_END_TOLERANCE_MS) {
            this.host.violation(
              'term-end-lag',
              `${p.label} leadership lapsed at t=${lapsedAt.toFixed(3)} (renewDeadline after its last successful request) but its term's signal was still open at t=${now.toFixed(3)}`,
            );
          }
        }
      }
    }
    if (leader && this.firstLeaderAt === undefined) this.firstLeaderAt = now;
    if (this.stableTerm && leader?.term?.log !== this.stableTerm) {
      this.host.violation(
        'stability',
        `leadership changed without any fault: the term of ${this.stableTerm.process} (token ${this.stableTerm.token}) ` +
          `is no longer in force; leader now: ${leader ? leader.describe() : 'none'}`,
      );
      this.stableTerm = undefined;
    }
    return leader;
  }

  /** At the end of an instant (before virtual time moves on): no overlapping leader-only work. */
  endOfInstant(): void {
    let open: SimProcess | undefined;
    for (const p of this.processes()) {
      if (p.state === 'crashed' || p.state === 'paused') continue;
      if (p.term && !p.term.signal.aborted) {
        if (open) {
          this.host.violation(
            'work-overlap',
            `two processes have a term signal open at the end of the same instant: ${open.describe()} token ${open.term?.token} and ${p.describe()} token ${p.term.token}`,
          );
        }
        open = p;
      }
    }
  }

  /** From now until `releaseStability()`, the current leader's term must stay in force. */
  requireStability(leader: SimProcess): void {
    this.stableTerm = leader.term?.log;
  }

  releaseStability(): void {
    this.stableTerm = undefined;
  }

  private becameEffective(p: SimProcess, log: TermLog): void {
    log.effectiveAt = this.host.now;
    const last = this.lastEffective;
    if (last) {
      if (log.token < last.token) {
        this.host.violation(
          'fencing',
          `${p.label} leads with fencing token ${log.token}, below the previous term's ${last.token} (${last.process})`,
        );
      } else if (log.token === last.token && log.identity !== last.identity) {
        this.host.violation(
          'fencing',
          `${p.label} (${log.identity}) leads with fencing token ${log.token}, the same as the previous holder ${last.identity} (${last.process})`,
        );
      }
    }
    this.lastEffective = { identity: log.identity, token: log.token, process: p.label };
    this.host.trace(`${p.label} leads (token ${log.token})`);
  }
}
