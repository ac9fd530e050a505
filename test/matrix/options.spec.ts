/**
 * Matrix: every invalid option, one row each, through the public API.
 * - LeaderElectionModule.forRoot() in a real Nest app: app.init() rejects with the exact message
 *   (naming the option, its value and the rule), and no request reaches the API server.
 * - The core's `new LeaderElector()` and `createLock()`: a LeaderElectionConfigError naming the
 *   option, with the exact message, and nothing sent to the lock.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { Test } from '@nestjs/testing';
import {
  LOCK_TYPES,
  LeaderElectionConfigError,
  LeaderElectionModule,
  LeaderElector,
  MemoryLockStore,
  createLock,
  type CreateLockOptions,
  type LeaderElectionModuleOptions,
  type LeaderElectorConfig,
} from '../../lib/index.js';
import { KubeApiTestServer } from '../../lib/testing/index.js';
import * as core from '../../lib/core/messages.js';
import {
  IDENTITY_MISMATCH,
  INVALID_BOOLEAN,
  INVALID_ELECTION_OPTIONS,
  INVALID_HEALTH_TOLERANCE,
  INVALID_KUBECONFIG,
  INVALID_DRAIN_TIMEOUT,
  INVALID_LABEL_VALUE,
  INVALID_LABELS,
  INVALID_METRICS,
  INVALID_NON_EMPTY_STRING,
  INVALID_RESOURCE_LOCK,
  OPTIONS_NOT_OBJECT,
} from '../../lib/leader-election.messages.js';
import { CaptureLogger } from '../nest/fixtures/capture-logger.js';
import { TIMING } from './matrix.helpers.js';

const { lockMessages, kubeConfigMessages } = core;
const NAME = 'matrix-opts';
/** The Nest message for an option of election `NAME`. */
const bad = (detail: string) => INVALID_ELECTION_OPTIONS(NAME, detail);

interface NestRow {
  what: string;
  /** Overrides of the valid base options, or a whole replacement (for non-object options). */
  options: (base: Record<string, unknown>) => unknown;
  option: string;
  message: () => string;
}

// Files for the kubeconfig rows (made in before()).
let dir = '';
const file = (name: string) => join(dir, name);

const memory = new MemoryLockStore();

const nestRows: NestRow[] = [
  // -- the options object itself
  ...[undefined, null, 'billing', 42, ['billing']].map((value): NestRow => ({
    what: `options = ${JSON.stringify(value)}`,
    options: () => value,
    option: 'options',
    message: () => OPTIONS_NOT_OBJECT(value),
  })),
  // -- name: required, non-empty, a DNS-1123 subdomain
  ...[undefined, '', '   ', 42, null].map((value): NestRow => ({
    what: `name = ${JSON.stringify(value)}`,
    options: (base) => ({ ...base, name: value }),
    option: 'name',
    message: () => INVALID_ELECTION_OPTIONS(undefined, INVALID_NON_EMPTY_STRING('name', value)),
  })),
  ...['Billing_Jobs', 'UPPER', 'has space', '-billing', 'billing-', 'a..b', 'a'.repeat(254)].map(
    (value): NestRow => ({
      what: `name ${JSON.stringify(value.length > 20 ? `${value.slice(0, 8)}…(${value.length})` : value)} is not a DNS subdomain`,
      options: (base) => ({ ...base, name: value }),
      option: 'name',
      message: () => INVALID_ELECTION_OPTIONS(value, lockMessages.invalidLockName(value)),
    }),
  ),
  // -- namespace: a non-empty DNS-1123 label
  ...['', '   ', 42, null].map((value): NestRow => ({
    what: `namespace = ${JSON.stringify(value)}`,
    options: (base) => ({ ...base, namespace: value }),
    option: 'namespace',
    message: () => bad(INVALID_NON_EMPTY_STRING('namespace', value)),
  })),
  ...['Default', 'my_ns', 'ns.with.dots', '-ns', 'n'.repeat(64)].map((value): NestRow => ({
    what: `namespace ${JSON.stringify(value.length > 20 ? `n…(${value.length})` : value)} is not a DNS label`,
    options: (base) => ({ ...base, namespace: value }),
    option: 'namespace',
    message: () => bad(lockMessages.invalidNamespace(value)),
  })),
  // -- identity: non-empty
  ...['', '   ', 42, null].map((value): NestRow => ({
    what: `identity = ${JSON.stringify(value)}`,
    options: (base) => ({ ...base, identity: value }),
    option: 'identity',
    message: () => bad(lockMessages.emptyIdentity(value)),
  })),
  // -- lock: a known type
  ...['lease', 'Leases', 'configmap', '', 42, {}].map((value): NestRow => ({
    what: `lock = ${JSON.stringify(value)}`,
    options: (base) => ({ ...base, lock: value }),
    option: 'lock',
    message: () => bad(lockMessages.unknownLockType(value, LOCK_TYPES)),
  })),
  // -- durations: finite numbers first, then client-go's rules in client-go's order
  ...(['leaseDuration', 'renewDeadline', 'retryPeriod'] as const).flatMap((option) =>
    ['15000', NaN, Infinity, -Infinity, null, true].map((value): NestRow => ({
      what: `${option} = ${String(value === '15000' ? '"15000"' : value)}`,
      options: (base) => ({ ...base, [option]: value }),
      option,
      message: () => bad(core.durationNotFinite(option, value)),
    })),
  ),
  {
    what: 'leaseDuration equal to renewDeadline',
    options: (base) => ({ ...base, leaseDuration: 10_000, renewDeadline: 10_000 }),
    option: 'leaseDuration',
    message: () => bad(core.leaseDurationNotGreaterThanRenewDeadline(10_000, 10_000)),
  },
  {
    what: 'renewDeadline above the default leaseDuration',
    options: (base) => ({ ...base, leaseDuration: undefined, renewDeadline: 20_000 }),
    option: 'leaseDuration',
    message: () => bad(core.leaseDurationNotGreaterThanRenewDeadline(15_000, 20_000)),
  },
  {
    what: 'leaseDuration 0 (all-zero config reports the first rule)',
    options: (base) => ({ ...base, leaseDuration: 0, renewDeadline: 0, retryPeriod: 0 }),
    option: 'leaseDuration',
    message: () => bad(core.leaseDurationNotGreaterThanRenewDeadline(0, 0)),
  },
  {
    what: 'negative leaseDuration',
    options: (base) => ({ ...base, leaseDuration: -1 }),
    option: 'leaseDuration',
    message: () => bad(core.leaseDurationNotGreaterThanRenewDeadline(-1, TIMING.renewDeadline)),
  },
  {
    what: 'renewDeadline equal to retryPeriod × 1.2',
    options: (base) => ({ ...base, renewDeadline: 2400, retryPeriod: 2000 }),
    option: 'renewDeadline',
    message: () => bad(core.renewDeadlineNotGreaterThanJitteredRetryPeriod(2400, 2000, 1.2)),
  },
  {
    what: 'renewDeadline 0 with the default retryPeriod',
    options: (base) => ({ ...base, renewDeadline: 0, retryPeriod: undefined }),
    option: 'renewDeadline',
    message: () => bad(core.renewDeadlineNotGreaterThanJitteredRetryPeriod(0, 2000, 1.2)),
  },
  {
    what: 'retryPeriod 0',
    options: (base) => ({ ...base, retryPeriod: 0 }),
    option: 'retryPeriod',
    message: () => bad(core.durationNotPositive('retryPeriod', 0)),
  },
  {
    what: 'negative retryPeriod',
    options: (base) => ({ ...base, retryPeriod: -500 }),
    option: 'retryPeriod',
    message: () => bad(core.durationNotPositive('retryPeriod', -500)),
  },
  {
    what: 'leaseDuration below one second (the record holds whole seconds)',
    options: (base) => ({ ...base, leaseDuration: 800, renewDeadline: 600, retryPeriod: 100 }),
    option: 'leaseDuration',
    message: () => bad(core.leaseDurationBelowOneSecond(800)),
  },
  // -- booleans
  ...(['releaseOnShutdown', 'watch', 'recordEvents', 'autoStart', 'preflight'] as const).flatMap(
    (option) =>
      ['yes', 1, null].map((value): NestRow => ({
        what: `${option} = ${JSON.stringify(value)}`,
        options: (base) => ({ ...base, [option]: value }),
        option,
        message: () => bad(INVALID_BOOLEAN(option, value)),
      })),
  ),
  // -- kubeConfig: a KubeConfig or the path of a readable kubeconfig with a current cluster
  ...[42, {}, [], true].map((value): NestRow => ({
    what: `kubeConfig = ${JSON.stringify(value)}`,
    options: (base) => ({ ...base, kubeConfig: value }),
    option: 'kubeConfig',
    message: () => bad(INVALID_KUBECONFIG(value)),
  })),
  {
    what: 'kubeConfig = "" (empty path)',
    options: (base) => ({ ...base, kubeConfig: '' }),
    option: 'kubeConfig',
    message: () => bad(kubeConfigMessages.emptyPath()),
  },
  {
    what: 'kubeConfig path that does not exist',
    options: (base) => ({ ...base, kubeConfig: file('missing.yaml') }),
    option: 'kubeConfig',
    message: () =>
      bad(kubeConfigMessages.fileMissing(file('missing.yaml'), 'the kubeConfig option')),
  },
  {
    what: 'kubeConfig file that is not YAML',
    options: (base) => ({ ...base, kubeConfig: file('broken.yaml') }),
    option: 'kubeConfig',
    message: () =>
      bad(
        kubeConfigMessages.fileInvalid(
          file('broken.yaml'),
          'the kubeConfig option',
          'YAMLException at line 4',
        ),
      ),
  },
  {
    what: 'kubeConfig file whose current context has no cluster',
    options: (base) => ({ ...base, kubeConfig: file('no-cluster.yaml') }),
    option: 'kubeConfig',
    message: () =>
      bad(
        kubeConfigMessages.noCurrentCluster(
          `the kubeConfig option (${file('no-cluster.yaml')})`,
          'ghost',
        ),
      ),
  },
  // -- healthTolerance: finite, >= 0
  ...[-1, NaN, Infinity, '100', true].map((value): NestRow => ({
    what: `healthTolerance = ${String(value === '100' ? '"100"' : value)}`,
    options: (base) => ({ ...base, healthTolerance: value }),
    option: 'healthTolerance',
    message: () => bad(INVALID_HEALTH_TOLERANCE(value)),
  })),
  // -- drainTimeout: finite, >= 0 (capped at renewDeadline)
  ...[-1, NaN, Infinity, '100', true].map((value): NestRow => ({
    what: `drainTimeout = ${String(value === '100' ? '"100"' : value)}`,
    options: (base) => ({ ...base, drainTimeout: value }),
    option: 'drainTimeout',
    message: () => bad(INVALID_DRAIN_TIMEOUT(value)),
  })),
  // -- metrics: false, or hooks with on/off/slowpathExercised (optional hooks must be functions)
  ...[
    ['"prometheus"', 'prometheus'],
    ['true', true],
    ['null', null],
    ['{}', {}],
    ['hooks without slowpathExercised', { on: () => undefined, off: () => undefined }],
    [
      'hooks with a non-function renewed',
      {
        on: () => undefined,
        off: () => undefined,
        slowpathExercised: () => undefined,
        renewed: 'yes',
      },
    ],
  ].map(([label, value]): NestRow => ({
    what: `metrics = ${String(label)}`,
    options: (base) => ({ ...base, metrics: value }),
    option: 'metrics',
    message: () => bad(INVALID_METRICS(value)),
  })),
  // -- labels: an object of strings that Kubernetes accepts as label keys and values
  ...['app=x', 42, null, ['app']].map((value): NestRow => ({
    what: `labels = ${JSON.stringify(value)}`,
    options: (base) => ({ ...base, labels: value }),
    option: 'labels',
    message: () => bad(INVALID_LABELS(value)),
  })),
  {
    what: 'labels with a non-string value',
    options: (base) => ({ ...base, labels: { app: 1 } }),
    option: 'labels',
    message: () => bad(INVALID_LABEL_VALUE('app', 1)),
  },
  ...['Bad Key!', '', '/app', 'Example.com/app', 'example.com/', 'k'.repeat(64), '-app'].map(
    (key): NestRow => ({
      what: `label key ${JSON.stringify(key.length > 20 ? `k…(${key.length})` : key)}`,
      options: (base) => ({ ...base, labels: { ok: 'fine', [key]: 'v' } }),
      option: 'labels',
      message: () => bad(lockMessages.invalidLabelKey(key)),
    }),
  ),
  ...['has space', 'v'.repeat(64), '-v', 'v_', 'a/b'].map((value): NestRow => ({
    what: `label value ${JSON.stringify(value.length > 20 ? `v…(${value.length})` : value)}`,
    options: (base) => ({ ...base, labels: { app: value } }),
    option: 'labels',
    message: () => bad(lockMessages.invalidLabelValue('app', value)),
  })),
  // -- resourceLock: a ResourceLock whose identity agrees with `identity`
  ...[{}, 'lock', { get: () => undefined }].map((value): NestRow => ({
    what: `resourceLock = ${typeof value === 'string' ? '"lock"' : `object with ${Object.keys(value).length} method(s)`}`,
    options: (base) => ({ ...base, resourceLock: value }),
    option: 'resourceLock',
    message: () => bad(INVALID_RESOURCE_LOCK(value)),
  })),
  {
    what: 'identity that differs from resourceLock.identity()',
    options: (base) => ({
      ...base,
      identity: 'other',
      resourceLock: memory.createLock({ name: NAME, identity: 'mem-1' }),
    }),
    option: 'identity',
    message: () => bad(IDENTITY_MISMATCH('other', 'mem-1')),
  },
];

describe('matrix: invalid LeaderElectionModule options fail app.init() with the exact message', () => {
  const server = new KubeApiTestServer();
  let kubeConfig: KubeConfig;
  before(async () => {
    await server.start();
    kubeConfig = server.kubeConfig('opts-token');
    dir = mkdtempSync(join(tmpdir(), 'matrix-opts-'));
    writeFileSync(file('broken.yaml'), 'apiVersion: v1\nkind: Config\nclusters: [\n  - x: }\n');
    writeFileSync(
      file('no-cluster.yaml'),
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters: []',
        'users: [{name: u, user: {token: t}}]',
        'contexts: [{name: ghost, context: {cluster: nowhere, user: u}}]',
        'current-context: ghost',
        '',
      ].join('\n'),
    );
  });
  after(async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const base = (): Record<string, unknown> => ({
    name: NAME,
    namespace: 'default',
    identity: 'opts-1',
    kubeConfig,
    ...TIMING,
  });

  async function initRejects(
    imports: Parameters<typeof Test.createTestingModule>[0]['imports'],
    row: NestRow,
  ) {
    const logger = new CaptureLogger();
    const moduleRef = await Test.createTestingModule({ imports }).setLogger(logger).compile();
    const app = moduleRef.createNestApplication({ logger });
    try {
      await assert.rejects(app.init(), (err: unknown) => {
        assert.ok(err instanceof LeaderElectionConfigError, `not a config error: ${String(err)}`);
        assert.equal(err.message, row.message());
        assert.equal(err.option, row.option);
        return true;
      });
    } finally {
      await app.close();
    }
  }

  for (const row of nestRows) {
    it(`forRoot: ${row.what}`, async () => {
      const options = row.options(base()) as LeaderElectionModuleOptions;
      await initRejects([LeaderElectionModule.forRoot(options)], row);
    });
  }

  // forRootAsync runs the same validation; a sample of rows (one per kind of rule) proves it.
  const asyncSample = [
    'name "Billing_Jobs" is not a DNS subdomain',
    'leaseDuration equal to renewDeadline',
    'lock = "lease"',
    'kubeConfig path that does not exist',
    'label key "Bad Key!"',
    'healthTolerance = -1',
  ];
  for (const what of asyncSample) {
    const row = nestRows.find((r) => r.what === what);
    it(`forRootAsync: ${what}`, async () => {
      assert.ok(row, `no row named ${what}`);
      await initRejects(
        [
          LeaderElectionModule.forRootAsync({
            useFactory: async () => row.options(base()) as LeaderElectionModuleOptions,
          }),
        ],
        row,
      );
    });
  }

  it('no invalid option ever reached the API server', () => {
    assert.equal(server.counters().byToken['opts-token'], undefined);
    assert.deepEqual(server.writeLog(), []);
    assert.equal(memory.count(), 0, 'the MemoryLock of the identity row was never called');
  });
});

// -------------------------------------------------------------------------------------------
// Core: new LeaderElector(config) and createLock(options)
// -------------------------------------------------------------------------------------------

interface CoreRow {
  what: string;
  config: (base: LeaderElectorConfig) => unknown;
  option: string;
  message: () => string;
}

const coreStore = new MemoryLockStore();
const coreLock = coreStore.createLock({ name: 'matrix-core', identity: 'core-1' });
const withoutIdentity = { ...methodsOf(coreLock), identity: () => '' };

function methodsOf(lock: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of ['get', 'create', 'update', 'recordEvent', 'identity', 'describe'])
    out[key] = (lock as Record<string, (...a: unknown[]) => unknown>)[key]!.bind(lock);
  return out;
}

const coreRows: CoreRow[] = [
  ...[undefined, null, 'config'].map((value): CoreRow => ({
    what: `config = ${JSON.stringify(value)}`,
    config: () => value,
    option: 'lock',
    message: () => core.lockMissing(),
  })),
  {
    what: 'no lock',
    config: (base) => ({ ...base, lock: undefined }),
    option: 'lock',
    message: () => core.lockMissing(),
  },
  {
    what: 'lock is not an object',
    config: (base) => ({ ...base, lock: 'leases' }),
    option: 'lock',
    message: () => core.lockMissing(),
  },
  {
    what: 'lock without any ResourceLock method',
    config: (base) => ({ ...base, lock: {} }),
    option: 'lock',
    message: () =>
      core.lockNotResourceLock(['get', 'create', 'update', 'recordEvent', 'identity', 'describe']),
  },
  {
    what: 'lock with only get and create',
    config: (base) => ({ ...base, lock: { get: () => undefined, create: () => undefined } }),
    option: 'lock',
    message: () => core.lockNotResourceLock(['update', 'recordEvent', 'identity', 'describe']),
  },
  {
    what: "lock whose identity() is ''",
    config: (base) => ({ ...base, lock: withoutIdentity }),
    option: 'identity',
    message: () => core.lockIdentityEmpty(),
  },
  ...['', 42].map((value): CoreRow => ({
    what: `name = ${JSON.stringify(value)}`,
    config: (base) => ({ ...base, name: value }),
    option: 'name',
    message: () => core.electionNameInvalid(value),
  })),
  ...(['leaseDuration', 'renewDeadline', 'retryPeriod'] as const).flatMap((option) =>
    ['15000', NaN, Infinity, null].map((value): CoreRow => ({
      what: `${option} = ${String(value === '15000' ? '"15000"' : value)}`,
      config: (base) => ({ ...base, [option]: value }),
      option,
      message: () => core.durationNotFinite(option, value),
    })),
  ),
  {
    what: 'leaseDuration equal to renewDeadline',
    config: (base) => ({ ...base, leaseDuration: 3000, renewDeadline: 3000 }),
    option: 'leaseDuration',
    message: () => core.leaseDurationNotGreaterThanRenewDeadline(3000, 3000),
  },
  {
    what: 'renewDeadline not above retryPeriod × 1.2',
    config: (base) => ({ ...base, renewDeadline: 600, retryPeriod: 500 }),
    option: 'renewDeadline',
    message: () => core.renewDeadlineNotGreaterThanJitteredRetryPeriod(600, 500, 1.2),
  },
  {
    what: 'negative retryPeriod',
    config: (base) => ({ ...base, retryPeriod: -1 }),
    option: 'retryPeriod',
    message: () => core.durationNotPositive('retryPeriod', -1),
  },
  {
    what: 'leaseDuration below one second',
    config: (base) => ({ ...base, leaseDuration: 999, renewDeadline: 500, retryPeriod: 100 }),
    option: 'leaseDuration',
    message: () => core.leaseDurationBelowOneSecond(999),
  },
  ...[0, -1, NaN, Infinity, '1000'].map((value): CoreRow => ({
    what: `requestTimeout = ${String(value === '1000' ? '"1000"' : value)}`,
    config: (base) => ({ ...base, requestTimeout: value }),
    option: 'requestTimeout',
    message: () => core.requestTimeoutInvalid(value),
  })),
  ...(['releaseOnCancel', 'watch'] as const).flatMap((option) =>
    ['yes', 1, null].map((value): CoreRow => ({
      what: `${option} = ${JSON.stringify(value)}`,
      config: (base) => ({ ...base, [option]: value }),
      option,
      message: () => core.optionNotBoolean(option, value),
    })),
  ),
  ...(['onStartedLeading', 'onStoppedLeading', 'onNewLeader'] as const).map((key): CoreRow => ({
    what: `callbacks.${key} is not a function`,
    config: (base) => ({ ...base, callbacks: { [key]: 'run' } }),
    option: `callbacks.${key}`,
    message: () => core.optionNotFunction(`callbacks.${key}`, 'run'),
  })),
  ...(
    [
      ['clock', {}, ['now', 'wallNow', 'setTimer']],
      ['clock', 'system', ['now', 'wallNow', 'setTimer']],
      ['logger', { log: () => undefined }, ['warn', 'error']],
      ['logger', 'console', ['log', 'warn', 'error']],
      ['metrics', { on: () => undefined }, ['off', 'slowpathExercised']],
      ['metrics', null, ['on', 'off', 'slowpathExercised']],
    ] as const
  ).map(([option, value, missing]): CoreRow => ({
    what: `${option} = ${typeof value === 'string' ? JSON.stringify(value) : value === null ? 'null' : `object with ${Object.keys(value).length} method(s)`}`,
    config: (base) => ({ ...base, [option]: value }),
    option,
    message: () => core.optionLacksMethods(option, missing),
  })),
  ...(['beforeRelease', 'random'] as const).map((key): CoreRow => ({
    what: `${key} is not a function`,
    config: (base) => ({ ...base, [key]: 1 }),
    option: key,
    message: () => core.optionNotFunction(key, 1),
  })),
];

describe('matrix: invalid LeaderElector config throws a LeaderElectionConfigError', () => {
  const base = (): LeaderElectorConfig => ({ lock: coreLock, ...TIMING });
  for (const row of coreRows) {
    it(`new LeaderElector: ${row.what}`, () => {
      assert.throws(
        () => new LeaderElector(row.config(base()) as LeaderElectorConfig),
        (err: unknown) => {
          assert.ok(err instanceof LeaderElectionConfigError, `not a config error: ${String(err)}`);
          assert.equal(err.message, row.message());
          assert.equal(err.option, row.option);
          return true;
        },
      );
    });
  }

  for (const value of [-1, NaN, -Infinity, '0', undefined]) {
    it(`check(maxTolerableExpiredLease = ${String(value)}) throws naming the value`, () => {
      const elector = new LeaderElector(base());
      assert.throws(
        () => elector.check(value as number),
        (err: unknown) =>
          err instanceof LeaderElectionConfigError &&
          err.option === 'maxTolerableExpiredLease' &&
          err.message === core.toleranceInvalid(value),
      );
    });
  }

  it('a rejected config sends nothing to the lock', () => {
    assert.equal(coreStore.count(), 0);
  });
});

describe('matrix: invalid createLock() options throw a LeaderElectionConfigError', () => {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [{ name: 'c', server: 'https://127.0.0.1:1', skipTLSVerify: false }],
    users: [{ name: 'u', token: 'unused' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  const base = (): CreateLockOptions => ({
    name: 'matrix-lock',
    namespace: 'default',
    identity: 'lock-1',
    kubeConfig,
  });
  const rows: Array<[string, Partial<Record<keyof CreateLockOptions, unknown>>, string, string]> = [
    ['type "lease"', { type: 'lease' }, 'lock', lockMessages.unknownLockType('lease', LOCK_TYPES)],
    [
      'type "LEASES"',
      { type: 'LEASES' },
      'lock',
      lockMessages.unknownLockType('LEASES', LOCK_TYPES),
    ],
    ['name "Jobs"', { name: 'Jobs' }, 'name', lockMessages.invalidLockName('Jobs')],
    ['name 42', { name: 42 }, 'name', lockMessages.invalidLockName(42)],
    ['name ""', { name: '' }, 'name', lockMessages.invalidLockName('')],
    ['namespace "a.b"', { namespace: 'a.b' }, 'namespace', lockMessages.invalidNamespace('a.b')],
    ['namespace ""', { namespace: '' }, 'namespace', lockMessages.invalidNamespace('')],
    ['identity "  "', { identity: '  ' }, 'identity', lockMessages.emptyIdentity('  ')],
    [
      'identity undefined',
      { identity: undefined },
      'identity',
      lockMessages.emptyIdentity(undefined),
    ],
    [
      'kubeConfig missing',
      { kubeConfig: undefined },
      'kubeConfig',
      lockMessages.missingKubeConfig(),
    ],
    ['kubeConfig a path', { kubeConfig: '/k' }, 'kubeConfig', lockMessages.missingKubeConfig()],
    ['label key "a b"', { labels: { 'a b': 'x' } }, 'labels', lockMessages.invalidLabelKey('a b')],
    [
      'label value "-x"',
      { labels: { app: '-x' } },
      'labels',
      lockMessages.invalidLabelValue('app', '-x'),
    ],
  ];
  for (const [what, override, option, message] of rows) {
    it(`createLock: ${what}`, () => {
      assert.throws(
        () => createLock({ ...base(), ...override } as CreateLockOptions),
        (err: unknown) =>
          err instanceof LeaderElectionConfigError &&
          err.option === option &&
          err.message === message,
      );
    });
  }

  it('valid labels (prefixed keys, empty values, 63 characters) are accepted', () => {
    const lock = createLock({
      ...base(),
      labels: {
        'app.kubernetes.io/name': 'billing',
        'example.com/empty': '',
        tier: 'v'.repeat(63),
        ['k'.repeat(63)]: 'A_b.c-1',
      },
    });
    assert.equal(lock.describe(), 'default/matrix-lock');
  });
});
