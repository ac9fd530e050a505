import type {
  InjectionToken,
  ModuleMetadata,
  OptionalFactoryDependency,
  Provider,
  Type,
} from '@nestjs/common';
import type { LeaderElectionModuleOptions } from './leader-election-module-options.interface.js';

/**
 * A class that builds the options, for `forRootAsync({ useClass })` / `{ useExisting }`.
 *
 * @publicApi
 */
export interface LeaderElectionOptionsFactory {
  createLeaderElectionOptions(): Promise<LeaderElectionModuleOptions> | LeaderElectionModuleOptions;
}

/**
 * Options of `LeaderElectionModule.forRootAsync()`: exactly one of `useFactory`, `useClass` or
 * `useExisting`.
 *
 * @publicApi
 */
export interface LeaderElectionModuleAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  /** Builds the options; its parameters are resolved from `inject`. */
  useFactory?: (
    ...args: never[]
  ) => Promise<LeaderElectionModuleOptions> | LeaderElectionModuleOptions;
  /** Providers passed to `useFactory`, in order. @default [] */
  inject?: Array<InjectionToken | OptionalFactoryDependency>;
  /** A class instantiated in this module whose `createLeaderElectionOptions()` builds the options. */
  useClass?: Type<LeaderElectionOptionsFactory>;
  /** An existing provider (from `imports`) whose `createLeaderElectionOptions()` builds the options. */
  useExisting?: Type<LeaderElectionOptionsFactory>;
  /** More providers for this registration's scope (e.g. what `useClass` needs). @default [] */
  extraProviders?: Provider[];
}
