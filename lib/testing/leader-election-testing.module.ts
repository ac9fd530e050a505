import { type DynamicModule, Module } from '@nestjs/common';
import {
  DEFAULT_LEASE_DURATION_MS,
  DEFAULT_RENEW_DEADLINE_MS,
  DEFAULT_RETRY_PERIOD_MS,
} from '../core/leader-elector.config.js';
import {
  DEFAULT_DRAIN_TIMEOUT_MS,
  DEFAULT_HEALTH_TOLERANCE_MS,
} from '../leader-election.constants.js';
import { LeaderElectionCoreModule } from '../leader-election-core.module.js';
import { LeaderElectionService } from '../leader-election.service.js';
import { LeaderElectionTestingService } from './leader-election-testing.service.js';

export { LeaderElectionTestingService } from './leader-election-testing.service.js';

/** Options of `LeaderElectionTestingModule.forRoot()`. @publicApi */
export interface LeaderElectionTestingOptions {
  /** Lead from bootstrap on. @default false */
  leader?: boolean;
  /** This replica's identity. @default 'test-replica' */
  identity?: string;
  /** The election name(s); the first is the default. @default 'leader-election-test' */
  name?: string | string[];
}

/**
 * A drop-in for `LeaderElectionModule` in unit tests: the same `LeaderElectionService`,
 * decorators, `LeaderGuard` and `LeaderElectionHealthIndicator`, backed by an election the test
 * controls through `LeaderElectionTestingService` (no API server, no timers).
 *
 * @example
 * const moduleRef = await Test.createTestingModule({
 *   imports: [LeaderElectionTestingModule.forRoot({ leader: false })],
 *   providers: [ReportService],
 * }).compile();
 * const app = await moduleRef.createNestApplication().init();
 * await app.get(LeaderElectionTestingService).becomeLeader();
 *
 * @publicApi
 */
@Module({})
// oxlint-disable-next-line typescript/no-extraneous-class -- Nest modules are classes (the static method builds its dynamic module)
export class LeaderElectionTestingModule {
  static forRoot(options: LeaderElectionTestingOptions = {}): DynamicModule {
    const names =
      options.name === undefined
        ? ['leader-election-test']
        : Array.isArray(options.name)
          ? options.name
          : [options.name];
    const identity = options.identity ?? 'test-replica';
    const leader = options.leader ?? false;
    return {
      module: LeaderElectionTestingModule,
      global: true,
      imports: [LeaderElectionCoreModule],
      providers: [
        LeaderElectionTestingService,
        {
          provide: Symbol(`LEADER_ELECTION:TESTING_REGISTRATION(${names.join(',')})`),
          useFactory: (service: LeaderElectionService, testing: LeaderElectionTestingService) => {
            names.forEach((name, order) =>
              service.register({
                order,
                resolveName: () => name,
                createElector: (callbacks) => ({
                  elector: testing.createElector(name, identity, leader, callbacks),
                  settings: {
                    name,
                    identity,
                    lock: `memory/${name}`,
                    leaseDuration: DEFAULT_LEASE_DURATION_MS,
                    renewDeadline: DEFAULT_RENEW_DEADLINE_MS,
                    retryPeriod: DEFAULT_RETRY_PERIOD_MS,
                    healthTolerance: DEFAULT_HEALTH_TOLERANCE_MS,
                    releaseOnShutdown: true,
                    autoStart: true,
                    drainTimeout: DEFAULT_DRAIN_TIMEOUT_MS,
                  },
                }),
              }),
            );
            return names;
          },
          inject: [LeaderElectionService, LeaderElectionTestingService],
        },
      ],
      exports: [LeaderElectionCoreModule, LeaderElectionTestingService],
    };
  }
}
