import { ON_NEW_LEADER_METADATA } from '../leader-election.constants.js';
import { createHandlerDecorator } from './handler.decorator-factory.js';

/**
 * Calls the method with the new holder's identity whenever the observed holder of `election`
 * changes (this replica included). A lease left free by a release is not reported (see
 * `leadership$` for that). Errors are logged and never stop the elector.
 *
 * @param election the election's name. @default the first registered election
 * @publicApi
 */
export function OnNewLeader(election?: string): MethodDecorator {
  return createHandlerDecorator(ON_NEW_LEADER_METADATA, 'OnNewLeader', election);
}
