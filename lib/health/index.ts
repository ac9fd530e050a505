export * from './leader-election.health.js';
