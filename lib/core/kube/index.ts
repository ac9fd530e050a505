export { loadKubeConfig, type KubeConfigSources } from './kube-config.js';
export { resolveNamespace, type NamespaceSource, type ResolvedNamespace } from './namespace.js';
export { defaultIdentity } from './identity.js';
export { EventRecorder, type EventRecorderOptions, type EventSubject } from './event-recorder.js';
