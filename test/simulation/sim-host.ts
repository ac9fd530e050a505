import type { EventQueue, QueuedEvent } from './event-queue.js';
import type { Prng } from './prng.js';
import type { SimLeaseStore } from './sim-lease-store.js';
import type { SimNetwork } from './sim-network.js';
import type { ElectionDurations, InvariantName } from './simulation.types.js';
import type { SimProcess } from './sim-process.js';

/** What the parts of the simulated world (clocks, locks, network) need from the simulation. */
export interface SimHost {
  /** Virtual ms. */
  readonly now: number;
  readonly queue: EventQueue;
  readonly store: SimLeaseStore;
  readonly network: SimNetwork;
  readonly durations: ElectionDurations;
  /** Share of requests whose lock ignores the abort signal. */
  readonly ignoreSignalProbability: number;
  /** Runtime choices of the world (partition modes, watch timeouts), seeded. */
  readonly worldRng: Prng;
  schedule(time: number, run: () => void): QueuedEvent;
  trace(text: string): void;
  violation(invariant: InvariantName, message: string): void;
  /** Runs `fn` as code of `proc` (a synchronous throw is an uncaught exception of that process). */
  runInProcess(proc: SimProcess, fn: () => void): void;
}
