export { LeaderOnly } from './leader-only.decorator.js';
export * from './on-follower.decorator.js';
export * from './on-leader.decorator.js';
export * from './on-new-leader.decorator.js';
export * from './on-started-leading.decorator.js';
export * from './on-stopped-leading.decorator.js';
