/**
 * The API server's defaulting for the app kinds, limited to the top-level fields `kubectl get`
 * and readers of the stored object look at (pod template defaults are left out). Defaulting runs
 * on every write, as it does on every decode in kube-apiserver.
 */

type Obj = Record<string, unknown>;

const objectAt = (o: Obj, key: string): Obj => {
  const value = o[key];
  if (value && typeof value === 'object' && !Array.isArray(value)) return value as Obj;
  const created: Obj = {};
  o[key] = created;
  return created;
};

/** apps/v1 `SetDefaults_Deployment`, without the pod template's defaults. */
export function defaultDeployment(o: Obj): void {
  const spec = objectAt(o, 'spec');
  spec.replicas ??= 1;
  const strategy = objectAt(spec, 'strategy');
  strategy.type ??= 'RollingUpdate';
  if (strategy.type === 'RollingUpdate') {
    const rolling = objectAt(strategy, 'rollingUpdate');
    rolling.maxUnavailable ??= '25%';
    rolling.maxSurge ??= '25%';
  }
  spec.revisionHistoryLimit ??= 10;
  spec.progressDeadlineSeconds ??= 600;
}

/** core/v1 `SetDefaults_Service` (no ClusterIP is allocated: nothing routes here). */
export function defaultService(o: Obj): void {
  const spec = objectAt(o, 'spec');
  spec.type ??= 'ClusterIP';
  spec.sessionAffinity ??= 'None';
  if (!Array.isArray(spec.ports)) return;
  for (const port of spec.ports as Obj[]) {
    if (!port || typeof port !== 'object') continue;
    port.protocol ??= 'TCP';
    port.targetPort ??= port.port;
  }
}
