import { registerSeedRange } from './seed-suite.js';

// npm test runs seeds 1..2000 in four files of 500 (simulation-seeds-1..4.spec.ts), so they
// spread over the test runner's workers; `npm run test:sim -- --seeds N` runs more.
registerSeedRange(501, 500);
