/** @internal One lifecycle-handler registration on a method. */
export interface HandlerMetadata {
  election?: string;
}

/**
 * @internal
 * Builds the metadata-only lifecycle decorators. The metadata is a list, so one method can
 * handle several elections (`@OnStartedLeading('a') @OnStartedLeading('b')`).
 */
export function createHandlerDecorator(
  metadataKey: string,
  decorator: string,
  election: string | undefined,
): MethodDecorator {
  return (target, key, descriptor: PropertyDescriptor) => {
    const fn: unknown = descriptor.value;
    if (typeof fn !== 'function') {
      const className = typeof target === 'function' ? target.name : target.constructor?.name;
      throw new TypeError(
        `@${decorator}() can only decorate methods; ${className}.${String(key)} is not one.`,
      );
    }
    const existing =
      (Reflect.getOwnMetadata(metadataKey, fn) as HandlerMetadata[] | undefined) ?? [];
    Reflect.defineMetadata(metadataKey, [...existing, { election }], fn);
    return descriptor;
  };
}
