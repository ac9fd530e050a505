import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NAMED_SCENARIOS, brokenElectorFactory } from './named-scenarios.js';
import { REGRESSION_SCENARIOS } from './regression-cases.js';
import { findScenario } from './scenario-catalog.js';
import { generateSimulationConfig } from './schedule-generator.js';
import { formatFailure, replayCommand, runSeed, runSimulation } from './sim-runner.js';
import type { SimulationResult } from './simulation.types.js';

/** Scenario runs use a few jitter/latency seeds each; the schedule itself is scripted. */
const SCENARIO_SEEDS = [1, 2, 3];

function assertClean(result: SimulationResult): void {
  assert.ok(result.ok, formatFailure(result));
}

describe('simulation: named scenarios', () => {
  for (const scenario of NAMED_SCENARIOS.filter((s) => !s.regression)) {
    for (const watch of [true, false]) {
      it(`${scenario.name} (${watch ? 'watch' : 'polling'}): ${scenario.description}`, async () => {
        for (const seed of SCENARIO_SEEDS) {
          const result = await runSimulation(scenario.build({ seed, watch }));
          if (scenario.expectViolation) {
            // A negative control: the harness must catch it, and say how to replay it.
            assert.equal(
              result.ok,
              false,
              `seed ${seed}: the harness did not catch "${scenario.name}"`,
            );
            assert.ok(
              scenario.expectViolation.includes(result.violations[0]!.invariant),
              `seed ${seed}: expected one of ${scenario.expectViolation.join('/')}\n${formatFailure(result)}`,
            );
            const text = formatFailure(result);
            assert.match(text, new RegExp(`seed=${seed}\\b`));
            assert.ok(text.includes(replayCommand(result)), text);
            continue;
          }
          assertClean(result);
          const problem = scenario.expect?.(result);
          assert.equal(problem, undefined, `seed ${seed}: ${problem}\n${formatFailure(result)}`);
        }
      });
    }
  }
});

describe('simulation: regressions (reproductions of elector bugs the simulation found)', () => {
  // These fail until the elector is fixed (see the simulation findings notes, #1: a renewal
  // applied with its response lost is re-sent unchanged by the slow path, and the elector counts
  // its term from that no-op write).
  for (const scenario of [...NAMED_SCENARIOS, ...REGRESSION_SCENARIOS].filter(
    (s) => s.regression,
  )) {
    it(`${scenario.regression}: ${scenario.name}: ${scenario.description}`, async () => {
      assertClean(await runSimulation(scenario.build({ seed: 1, watch: true })));
    });
  }
});

describe('simulation: determinism', () => {
  it('replays a seed exactly: same trace hash, events and terms', async () => {
    for (const seed of [7, 1234, 4242]) {
      const a = await runSeed(seed);
      const b = await runSeed(seed);
      assert.equal(a.traceHash, b.traceHash, `seed ${seed}`);
      assert.equal(a.stats.events, b.stats.events);
      assert.deepEqual(a.terms, b.terms);
    }
  });

  it('replays a named scenario exactly, and different seeds give different traces', async () => {
    const scenario = findScenario('leader-partition');
    const a = await runSimulation(scenario.build({ seed: 5, watch: true }));
    const b = await runSimulation(scenario.build({ seed: 5, watch: true }));
    const c = await runSimulation(scenario.build({ seed: 6, watch: true }));
    assert.equal(a.traceHash, b.traceHash);
    assert.notEqual(a.traceHash, c.traceHash);
    const d = await runSeed(11);
    const e = await runSeed(12);
    assert.notEqual(d.traceHash, e.traceHash);
  });
});

describe('simulation: the harness has teeth', () => {
  it('catches a broken elector (isLeader() ignoring renewDeadline) on random fault schedules', async () => {
    const caught: SimulationResult[] = [];
    const seeds = 40;
    for (let seed = 1; seed <= seeds; seed++) {
      const config = {
        ...generateSimulationConfig(seed),
        electorFactory: brokenElectorFactory,
        checkLiveness: false,
      };
      const result = await runSimulation(config);
      if (!result.ok) caught.push(result);
    }
    assert.ok(
      caught.length >= seeds / 4,
      `only ${caught.length} of ${seeds} seeds caught the broken elector`,
    );
    const first = caught[0]!;
    const text = formatFailure(first);
    assert.match(text, new RegExp(`seed=${first.seed}\\b`));
    assert.ok(text.includes(`npm run test:sim -- --seed ${first.seed} --verbose`), text);
    assert.ok(text.split('\n').length > 20, 'the failure shows the last trace lines');
    // The same schedules with the real elector are part of the seed ranges (simulation-seeds-*).
  });
});
