import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { judgeJobRuns, type JobRun } from '../../scripts/demo-verdict.js';

const run = (
  replica: string,
  start: number,
  end: number,
  fencingToken: number | null = 1,
): JobRun => ({
  replica,
  identity: `${replica}_id`,
  run: start,
  fencingToken,
  start,
  end,
  endInferred: false,
});

describe('judgeJobRuns', () => {
  it('passes back-to-back runs on different replicas', () => {
    const v = judgeJobRuns([run('a', 0, 100, 0), run('a', 1000, 1100, 0), run('b', 1100, 1200, 1)]);
    assert.equal(v.ok, true);
    assert.equal(v.runs, 3);
    assert.deepEqual(v.runners, ['a', 'b']);
  });

  it('flags two replicas running at once, with the overlap length', () => {
    const v = judgeJobRuns([run('a', 0, 500, 0), run('b', 400, 900, 1), run('c', 2000, 2100, 2)]);
    assert.equal(v.ok, false);
    assert.equal(v.overlaps.length, 1);
    assert.equal(v.overlaps[0]!.a.replica, 'a');
    assert.equal(v.overlaps[0]!.b.replica, 'b');
    assert.equal(v.overlaps[0]!.overlapMs, 100);
  });

  it('flags a run contained in another one and a run that never ended', () => {
    const v = judgeJobRuns([run('a', 0, Number.POSITIVE_INFINITY), run('b', 5000, 5100, 2)]);
    assert.equal(v.ok, false);
    assert.equal(v.overlaps.length, 1);
  });

  it('does not count overlapping runs of the same replica', () => {
    const v = judgeJobRuns([run('a', 0, 1500, 0), run('a', 1000, 1200, 0)]);
    assert.equal(v.ok, true);
  });

  it('flags a fencing token going backwards', () => {
    const v = judgeJobRuns([run('a', 0, 100, 2), run('b', 200, 300, 1)]);
    assert.equal(v.ok, false);
    assert.equal(v.fencingRegressions.length, 1);
    assert.equal(v.fencingRegressions[0]!.later.replica, 'b');
  });
});
