import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { jitter } from '../../../lib/core/jitter.js';
import { JITTER_FACTOR } from '../../../lib/core/leader-elector.config.js';

describe('jitter (client-go wait.Jitter)', () => {
  it('is duration + U[0,1) × factor × duration', () => {
    assert.equal(
      jitter(2000, JITTER_FACTOR, () => 0),
      2000,
    );
    assert.equal(
      jitter(2000, JITTER_FACTOR, () => 0.5),
      3200,
    );
    assert.ok(Math.abs(jitter(2000, JITTER_FACTOR, () => 0.999999) - 4399.9976) < 1e-6);
  });

  it('stays within [2 s, 4.4 s) for the default retry period over many draws', () => {
    let seed = 42;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < 10_000; i++) {
      const value = jitter(2000, JITTER_FACTOR, random);
      min = Math.min(min, value);
      max = Math.max(max, value);
    }
    assert.ok(min >= 2000, `min ${min}`);
    assert.ok(max < 4400, `max ${max}`);
    assert.ok(max - min > 2000, 'the draws actually spread over the range');
  });

  it('treats a non-positive factor as 1.0, as client-go does', () => {
    assert.equal(
      jitter(1000, 0, () => 0.5),
      1500,
    );
    assert.equal(
      jitter(1000, -3, () => 0.5),
      1500,
    );
  });

  it('clamps a misbehaving random source into [0, 1)', () => {
    assert.equal(
      jitter(1000, 1.2, () => -5),
      1000,
    );
    assert.equal(
      jitter(1000, 1.2, () => Number.NaN),
      1000,
    );
    const high = jitter(1000, 1.2, () => 7);
    assert.ok(high < 2200 && high > 2199.99);
  });

  it('uses Math.random by default and stays in bounds', () => {
    for (let i = 0; i < 100; i++) {
      const value = jitter(100, 1.2);
      assert.ok(value >= 100 && value < 220);
    }
  });
});
