import type {
  ColdStartConfig,
  CrashConfig,
  HandoverConfig,
  IdleConfig,
  LoadConfig,
  NestConfig,
} from './bench-config.js';
import type { SampleSummary } from './stats.js';

export type Mode = 'watch' | 'poll';

export interface HandoverModeResult {
  mode: Mode;
  /** `stop({release:true})` called → another elector's onStartedLeading, per trial (ms). */
  latenciesMs: number[];
  summary: SampleSummary;
  /** Server write log: release write → takeover write (ms). */
  serverGap: SampleSummary;
  /** `stop()` called → release write applied by the server (ms). */
  releaseWrite: SampleSummary;
  failures: number;
}

export interface HandoverResult {
  config: HandoverConfig;
  watch: HandoverModeResult;
  poll: HandoverModeResult;
  /** poll / watch at p50 and p95. */
  ratioP50: number;
  ratioP95: number;
}

export interface CrashModeResult {
  mode: Mode;
  /** Takeover write − SIGKILL − leaseDuration (ms); negative when the last renew predates the kill. */
  overKillMs: number[];
  overKill: SampleSummary;
  /** Takeover write − the dead leader's last renew write − leaseDuration (ms). */
  overLastRenew: SampleSummary;
  failures: number;
}

export interface CrashResult {
  config: CrashConfig;
  watch: CrashModeResult;
  poll: CrashModeResult;
}

export interface ColdStartModeResult {
  mode: Mode;
  /**
   * elector.start() → onStartedLeading in a freshly forked `node` process, started once the
   * start-up garbage is collected (as after an app's bootstrap) (ms).
   */
  freshProcess: SampleSummary;
  /** The same, started right after the modules are loaded (ms). */
  freshProcessAtLoad: SampleSummary;
  /** Started right after loading, under `node --enable-source-maps` (bigger heap) (ms). */
  freshProcessSourceMaps: SampleSummary;
  /** Fresh process: elector.start() → its first request reached the server (ms). */
  freshFirstRequest: SampleSummary;
  /** Fresh process: first request (GET) reached the server → the create reached it (ms). */
  freshGetToCreate: SampleSummary;
  /** The same inside the warm bench process, new lease and connection each time (ms). */
  inProcess: SampleSummary;
}

export interface ColdStartResult {
  config: ColdStartConfig;
  watch: ColdStartModeResult;
  poll: ColdStartModeResult;
}

export interface LoadRow {
  mode: Mode;
  candidates: number;
  /** False if the holder changed during the window (the figures then mix roles). */
  stable: boolean;
  leaderWritesPerMin: number;
  /** Mean gap between the leader's writes in the window, from the server's write log (ms). */
  leaderRenewIntervalMs: number;
  leaderGetsPerMin: number;
  leaderOtherPerMin: number;
  followerMeanPerMin: number;
  followerMaxPerMin: number;
  /** Mean per follower per minute, by verb. */
  followerByVerb: Record<string, number>;
}

export interface LoadResult {
  config: LoadConfig;
  windowMs: number;
  rows: LoadRow[];
}

export interface IdleRow {
  elections: number;
  /** `floor`: the leaders' API traffic made with no elector (the control). */
  role: 'leader' | 'follower' | 'baseline' | 'floor';
  /** CPU in the second window, the steady state (what the target judges). */
  cpuPercent: number;
  /** CPU in the first window, right after start-up (JIT and heap still warming up). */
  firstWindowCpuPercent: number;
  cpuUserMs: number;
  cpuSystemMs: number;
  wallMs: number;
  rssMiB: number;
  heapUsedMiB: number;
  leading: number;
  requestsPerMin: number;
  /** CPU time per API request the process made in the window (ms); NaN without requests. */
  cpuMsPerRequest: number;
}

export interface IdleResult {
  config: IdleConfig;
  rows: IdleRow[];
}

export interface NestResult {
  config: NestConfig;
  plainNsPerCall: number;
  onLeaderNsPerCall: number;
  /** Median over rounds of (decorated − plain) ns per call. */
  onLeaderOverheadNs: number;
  plainRoute: SampleSummary;
  guardedRoute: SampleSummary;
  /** Mean difference guarded − plain, µs per request. */
  guardOverheadUs: number;
}

export interface TargetRow {
  what: string;
  target: string;
  measured: string;
  met: boolean;
}

export interface BenchMeta {
  command: string;
  date: string;
  node: string;
  cpuModel: string;
  cpuCount: number;
  platform: string;
  quick: boolean;
  sections: string[];
  /** Wall time per section (sections in one phase overlap). */
  sectionMs: Record<string, number>;
  /** 1-minute load average at the start and the end of the run (the machine may be shared). */
  loadAverage: [number, number];
  totalMs: number;
}

export interface BenchResults {
  meta: BenchMeta;
  handover?: HandoverResult;
  crash?: CrashResult;
  coldStart?: ColdStartResult;
  load?: LoadResult;
  idle?: IdleResult;
  nest?: NestResult;
  targets: TargetRow[];
  errors: string[];
}
