import { registerSeedRange } from './seed-suite.js';

// The other half of the seeds `npm test` runs (see simulation-seeds-1.spec.ts).
registerSeedRange(1001, 1000);
