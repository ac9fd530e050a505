import type { NamedScenario } from './named-scenarios.js';
import type { SimulationConfig } from './simulation.types.js';

/** A generated configuration frozen as data, so later changes to the generator keep it. */
type FrozenConfig = Omit<SimulationConfig, 'verbose' | 'traceLimit' | 'electorFactory'>;

const frozen = (c: FrozenConfig): FrozenConfig => c;

/**
 * Random-seed failures the simulation found, frozen (the generator's seed → schedule mapping
 * may change; these schedules must not). Each names its finding in the simulation findings
 * notes and FAILS until the elector is fixed. Replay: `npm run test:sim -- --scenario <name> --verbose`.
 */
export const REGRESSION_SCENARIOS: readonly NamedScenario[] = [
  {
    name: 'regression-seed-819',
    regression: 'sim-findings #1',
    description:
      'a renewal applied with its response lost, re-sent unchanged by the slow path (1000/800/200 ms, 5 electors, watch)',
    build: (o) => ({
      ...frozen({
        seed: 819,
        name: 'seed 819',
        electors: 5,
        durations: { leaseDuration: 1000, renewDeadline: 800, retryPeriod: 200 },
        watch: true,
        lockWatch: true,
        rates: [
          1.0394380454029017, 1.006524871416916, 1.0716054664406411, 0.9331792635600488,
          0.9449690892790277,
        ],
        wallSkews: [
          -1649479.1323319077, -1044696.6201066971, -185991.9436275959, 2431300.0140711665,
          1220911.6889163852,
        ],
        startAt: [0, 0, 0, 0, 0],
        faults: [
          {
            kind: 'lost-responses',
            from: 1921.7097470697026,
            to: 3404.7001837447297,
            target: 'all',
            probability: 0.32080617565661673,
          },
          {
            kind: 'stop',
            at: 803.2987608611783,
            downtime: 965.8363279886544,
            target: 'leader',
            release: false,
            newIdentity: false,
          },
          { kind: 'partition', from: 2205.3353270807725, to: 2719.8399085843425, target: 4 },
        ],
        faultsEnd: 4724.835722707212,
        settle: 2000,
        normalLatency: { min: 0.1, max: 2 },
        hostileCallbacks: false,
        beforeRelease: 'slow',
        checkLiveness: true,
      }),
      name: 'regression-seed-819',
      verbose: o.verbose ?? false,
      traceLimit: 200,
    }),
  },
  {
    name: 'regression-seed-1511',
    regression: 'sim-findings #1 (pause variant)',
    description:
      'a lost renewal, then the process is paused 11.8 s; on resume the unchanged slow-path write counts as a fresh renewal (defaults, 7 electors, polling)',
    build: (o) => ({
      ...frozen({
        seed: 1511,
        name: 'seed 1511',
        electors: 7,
        durations: { leaseDuration: 15000, renewDeadline: 10000, retryPeriod: 2000 },
        watch: false,
        lockWatch: false,
        rates: [
          1.0503744006737699, 1.1639180077281976, 0.87952383850883, 1.0892415615587978,
          1.0498178526430104, 0.8758983830925279, 0.859167049019078,
        ],
        wallSkews: [
          -3515480.7759448886, 1277846.7552736402, -965087.397582829, 2851145.31442523,
          2495830.937102437, -2290551.282092929, 360285.41419655085,
        ],
        startAt: [0, 0, 0, 0, 0, 0, 0],
        faults: [
          {
            kind: 'errors',
            from: 27230.27943998556,
            to: 35623.44457923416,
            target: 6,
            probability: 0.5646250325022265,
            status: 504,
          },
          { kind: 'pause', at: 13988.58478246378, duration: 11780.040968209505, target: 'leader' },
          {
            kind: 'lost-responses',
            from: 37834.20125705084,
            to: 47727.49772993848,
            target: 'leader',
            probability: 0.3500749453902245,
          },
          { kind: 'pause', at: 1339.9467874884376, duration: 4907.89870172739, target: 3 },
          {
            kind: 'lost-responses',
            from: 8302.990457731414,
            to: 10890.82465482794,
            target: 0,
            probability: 0.4688522033393383,
          },
          {
            kind: 'lost-responses',
            from: 1632.030800391679,
            to: 18267.71926385047,
            target: 'leader',
            probability: 0.5432884393259882,
          },
        ],
        faultsEnd: 47727.49772993848,
        settle: 30000,
        normalLatency: { min: 0.1, max: 2 },
        hostileCallbacks: false,
        beforeRelease: 'none',
        checkLiveness: true,
      }),
      name: 'regression-seed-1511',
      verbose: o.verbose ?? false,
      traceLimit: 200,
    }),
  },
];
