import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ApiException, type CoreV1Event } from '@kubernetes/client-node';
import type { Clock } from '../../../lib/core/clock.js';
import { EventRecorder, type EventSubject } from '../../../lib/core/kube/event-recorder.js';

const subject: EventSubject = {
  kind: 'Lease',
  apiVersion: 'coordination.k8s.io/v1',
  namespace: 'ns',
  name: 'jobs',
  uid: 'uid-1',
  resourceVersion: '42',
};

function fakeClock(wall: string): Clock & { timers: number } {
  const clock = {
    timers: 0,
    now: () => 0,
    wallNow: () => new Date(wall),
    setTimer: () => {
      clock.timers++;
      return () => {
        clock.timers--;
      };
    },
  };
  return clock;
}

function recordingLogger() {
  const lines: { level: string; text: string }[] = [];
  const push = (level: string) => (text: string) => lines.push({ level, text });
  return {
    lines,
    log: push('log'),
    warn: push('warn'),
    error: push('error'),
    debug: push('debug'),
  };
}

describe('EventRecorder', () => {
  it('posts a core/v1 Event shaped like client-go records it', async () => {
    const posted: { namespace: string; body: CoreV1Event }[] = [];
    const clock = fakeClock('2026-08-17T12:34:56.789Z');
    const recorder = new EventRecorder({
      coreApi: {
        createNamespacedEvent: async (param) => {
          posted.push(param);
          return param.body;
        },
      },
      context: { server: 'https://k', secrets: [] },
      component: 'billing',
      host: 'node-1',
      clock,
    });
    recorder.record(subject, 'pod-a became leader');
    await recorder.settled();
    assert.equal(posted.length, 1);
    const { namespace, body } = posted[0]!;
    assert.equal(namespace, 'ns');
    const nanos = (BigInt(Date.parse('2026-08-17T12:34:56.789Z')) * 1_000_000n).toString(16);
    assert.deepEqual(JSON.parse(JSON.stringify(body)), {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `jobs.${nanos}`, namespace: 'ns' },
      involvedObject: {
        kind: 'Lease',
        apiVersion: 'coordination.k8s.io/v1',
        namespace: 'ns',
        name: 'jobs',
        uid: 'uid-1',
        resourceVersion: '42',
      },
      reason: 'LeaderElection',
      message: 'pod-a became leader',
      type: 'Normal',
      firstTimestamp: '2026-08-17T12:34:56Z',
      lastTimestamp: '2026-08-17T12:34:56Z',
      count: 1,
      source: { component: 'billing', host: 'node-1' },
      reportingComponent: 'billing',
      reportingInstance: 'node-1',
    });
    assert.equal(clock.timers, 0, 'the request timeout timer is cancelled');
  });

  it('gives two events in the same millisecond distinct names', () => {
    const recorder = new EventRecorder({
      coreApi: { createNamespacedEvent: async (p) => p.body },
      context: { server: 'https://k', secrets: [] },
      clock: fakeClock('2026-08-17T12:34:56.789Z'),
    });
    const a = recorder.buildEvent(subject, 'a').metadata?.name;
    const b = recorder.buildEvent(subject, 'b').metadata?.name;
    assert.notEqual(a, b);
  });

  it('logs failures at debug level only and never throws', async () => {
    const logger = recordingLogger();
    const recorder = new EventRecorder({
      coreApi: {
        createNamespacedEvent: async () => {
          throw new ApiException(409, 'x', '{"reason":"AlreadyExists","message":"exists"}', {});
        },
      },
      context: { server: 'https://k', secrets: [] },
      clock: fakeClock('2026-08-17T12:34:56Z'),
      logger,
    });
    assert.doesNotThrow(() => recorder.record(subject, 'pod-a stopped leading'));
    await recorder.settled();
    assert.equal(logger.lines.length, 1);
    assert.equal(logger.lines[0]?.level, 'debug');
    assert.match(logger.lines[0]?.text ?? '', /pod-a stopped leading.*409/);
  });

  it('bounds the events in flight and drops the rest', async () => {
    const logger = recordingLogger();
    const releases: (() => void)[] = [];
    let calls = 0;
    const recorder = new EventRecorder({
      coreApi: {
        createNamespacedEvent: (p) => {
          calls++;
          return new Promise((resolve) => releases.push(() => resolve(p.body)));
        },
      },
      context: { server: 'https://k', secrets: [] },
      clock: fakeClock('2026-08-17T12:34:56Z'),
      logger,
      maxInFlight: 2,
    });
    for (let i = 0; i < 5; i++) recorder.record(subject, `m${i}`);
    await new Promise((r) => setImmediate(r));
    assert.equal(calls, 2);
    assert.equal(
      logger.lines.filter((l) => l.level === 'debug' && /dropped/.test(l.text)).length,
      3,
    );
    for (const release of releases) release();
    await recorder.settled();
  });

  it('aborts a request that takes longer than its timeout', async () => {
    let fire: (() => void) | undefined;
    const clock: Clock = {
      now: () => 0,
      wallNow: () => new Date('2026-08-17T12:34:56Z'),
      setTimer: (fn) => {
        fire = fn;
        return () => undefined;
      },
    };
    const logger = recordingLogger();
    const recorder = new EventRecorder({
      coreApi: {
        createNamespacedEvent: (_p, options) =>
          new Promise((_resolve, reject) => {
            const ctx = {
              setSignal: (s: AbortSignal) =>
                s.addEventListener('abort', () =>
                  reject(Object.assign(new Error('aborted'), { name: 'AbortError' })),
                ),
            };
            void options?.middleware?.[0]?.pre(ctx as never).toPromise();
          }),
      },
      context: { server: 'https://k', secrets: [] },
      clock,
      logger,
    });
    recorder.record(subject, 'x');
    await new Promise((r) => setImmediate(r));
    assert.ok(fire, 'a timeout timer was set');
    fire();
    await recorder.settled();
    assert.match(logger.lines[0]?.text ?? '', /no answer/);
  });
});
