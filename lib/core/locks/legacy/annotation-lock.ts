import type { V1ObjectMeta } from '@kubernetes/client-node';
import type { LeaderElectionRecord } from '../../leader-election-record.js';
import { KubeObjectLock, type KubeObject } from '../kube-object-lock.js';
import {
  LEADER_ANNOTATION_KEY,
  formatAnnotationRecord,
  parseAnnotationRecord,
} from './annotation-record.js';

/**
 * LEGACY: what client-go's `ConfigMapLock` and `EndpointsLock` share: the record is JSON in the
 * annotation `control-plane.alpha.kubernetes.io/leader`, and every other part of the object is
 * left as it is. Subclasses name only their object kind and API calls.
 */
export abstract class AnnotationLock<T extends KubeObject> extends KubeObjectLock<T> {
  protected newObject(record: LeaderElectionRecord, metadata: V1ObjectMeta): T {
    // Sound for V1ConfigMap and V1Endpoints: all their fields are optional.
    const object: KubeObject = {
      apiVersion: this.apiVersion,
      kind: this.kind,
      metadata: {
        ...metadata,
        annotations: { [LEADER_ANNOTATION_KEY]: formatAnnotationRecord(record) },
      },
    };
    return object as T;
  }

  protected withRecord(cached: T, record: LeaderElectionRecord): T {
    return {
      ...cached,
      metadata: {
        ...cached.metadata,
        annotations: {
          ...cached.metadata?.annotations,
          [LEADER_ANNOTATION_KEY]: formatAnnotationRecord(record),
        },
      },
    };
  }

  protected readRecord(object: T, problems: string[]): LeaderElectionRecord {
    return parseAnnotationRecord(object.metadata?.annotations?.[LEADER_ANNOTATION_KEY], problems);
  }

  /** client-go's raw record for annotation locks is the annotation itself ('' when absent). */
  protected rawOf(object: T): string {
    return object.metadata?.annotations?.[LEADER_ANNOTATION_KEY] ?? '';
  }
}
