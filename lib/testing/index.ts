export * from './leader-election-testing.module.js';
