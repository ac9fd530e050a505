/**
 * `nestjs-leader-election/testing`: a test double of the Kubernetes API server, and (below) the
 * testing module that forces leadership in unit tests.
 */
export { KubeApiTestServer } from './kube-api-test-server.js';
export type {
  Fault,
  FaultHandle,
  FaultMatch,
  FaultOptions,
  KubeApiTestServerOptions,
  RequestCounters,
  RequestLogEntry,
  TestPolicyRule,
  TestTokenOptions,
  WriteLogEntry,
} from './kube-api-test-server.types.js';
export * from './leader-election-testing.module.js';
