import { ON_STOPPED_LEADING_METADATA } from '../leader-election.constants.js';
import { createHandlerDecorator } from './handler.decorator-factory.js';

/**
 * Calls the method when a term of `election` ends (lost, released or shut down), after the
 * term's signal aborted; once per term. Errors are logged and never stop the elector.
 *
 * @param election the election's name. @default the first registered election
 * @publicApi
 */
export function OnStoppedLeading(election?: string): MethodDecorator {
  return createHandlerDecorator(ON_STOPPED_LEADING_METADATA, 'OnStoppedLeading', election);
}
