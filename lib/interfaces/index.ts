export * from './leader-election-health.interface.js';
export * from './leader-election-module-async-options.interface.js';
export * from './leader-election-module-options.interface.js';
export * from './leadership-state.interface.js';
export * from './leader-election-settings.interface.js';
