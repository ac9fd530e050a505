import { registerSeedRange } from './seed-suite.js';

// Half of the seeds `npm test` runs (the other half is in simulation-seeds-2.spec.ts, so the two
// files run in parallel); `npm run test:sim -- --seeds N` runs more.
registerSeedRange(1, 1000);
