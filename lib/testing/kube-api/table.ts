/**
 * Server-side printing (`Accept: application/json;as=Table;g=meta.k8s.io;v=v1`), which
 * `kubectl get` asks for: Name, the resource's own columns, and Age.
 */
import type { ResourceDefinition } from './resource-definitions.js';

type Obj = Record<string, unknown>;

/** apimachinery `duration.HumanDuration`, as kubectl shows ages. */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  const days = Math.floor(hours / 24);
  if (hours < 192) return hours % 24 === 0 ? `${days}d` : `${days}d${hours % 24}h`;
  if (days < 365 * 2) return `${days}d`;
  const years = Math.floor(days / 365);
  if (days < 365 * 8) return days % 365 === 0 ? `${years}y` : `${years}y${days % 365}d`;
  return `${years}y`;
}

export function wantsTable(accept: string | undefined): boolean {
  return !!accept && /as=Table/.test(accept) && /g=meta\.k8s\.io/.test(accept);
}

export function toTable(
  def: ResourceDefinition,
  objects: Obj[],
  resourceVersion: string,
  now = Date.now(),
): Obj {
  const column = (name: string, description: string, format = '') => ({
    name,
    type: 'string',
    format,
    description,
    priority: 0,
  });
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion },
    columnDefinitions: [
      column('Name', 'Name must be unique within a namespace.', 'name'),
      ...def.columns.map((c) => column(c.name, c.description)),
      column(
        'Age',
        'CreationTimestamp is a timestamp representing the server time when this object was created.',
      ),
    ],
    rows: objects.map((o) => {
      const metadata = (o.metadata ?? {}) as Obj;
      const created = Date.parse(String(metadata.creationTimestamp ?? ''));
      return {
        cells: [
          metadata.name,
          ...def.columns.map((c) => c.cell(o)),
          Number.isNaN(created) ? '<unknown>' : humanDuration(now - created),
        ],
        object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata },
      };
    }),
  };
}
