import { ON_STARTED_LEADING_METADATA } from '../leader-election.constants.js';
import { createHandlerDecorator } from './handler.decorator-factory.js';

/**
 * Calls the method when this replica becomes leader of `election`, with
 * `{ signal, identity, fencingToken }` (`LeadershipContext`). `signal` aborts when the term
 * ends: pass it to long-running leader work. The method is not awaited by the elector; errors
 * (and rejections) are logged and never stop it. Discovered on singleton providers and
 * controllers at startup.
 *
 * @param election the election's name. @default the first registered election
 * @publicApi
 */
export function OnStartedLeading(election?: string): MethodDecorator {
  return createHandlerDecorator(ON_STARTED_LEADING_METADATA, 'OnStartedLeading', election);
}
