export * from './core/index.js';
export * from './decorators/index.js';
export * from './exceptions/index.js';
export * from './guards/index.js';
export * from './health/index.js';
export * from './interfaces/index.js';
export {
  DEFAULT_DRAIN_TIMEOUT_MS,
  DEFAULT_HEALTH_TOLERANCE_MS,
  NOT_LEADER_MESSAGE,
} from './leader-election.constants.js';
export { LeaderElectionModule } from './leader-election.module.js';
export { LeaderElectionService } from './leader-election.service.js';
