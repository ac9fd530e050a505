import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import { LEADER_ELECTION_OPTIONS_PREFIX } from './leader-election.constants.js';
import {
  ASYNC_OPTIONS_FACTORY_MISSING,
  ASYNC_OPTIONS_MISSING,
} from './leader-election.messages.js';
import { LeaderElectionCoreModule } from './leader-election-core.module.js';
import { createElectionRegistration } from './leader-election-registration.factory.js';
import { LeaderElectionService } from './leader-election.service.js';
import type { LeaderElectionModuleOptions } from './interfaces/leader-election-module-options.interface.js';
import type {
  LeaderElectionModuleAsyncOptions,
  LeaderElectionOptionsFactory,
} from './interfaces/leader-election-module-async-options.interface.js';

/*
 * Each registration gets its own tokens, numbered in call order: several elections can live in
 * one application (the first registered is the default), and Nest must not merge two
 * registrations into one module. The number also keeps the tokens distinct in Nest's module
 * hash, which stringifies symbols by description.
 */
let registrations = 0;

/**
 * Kubernetes leader election for Nest. The module is global: register it once per election
 * (in the root module), then use `LeaderElectionService`, `@OnLeader()`, `@OnFollower()`,
 * `@OnStartedLeading()`, `@OnStoppedLeading()`, `@OnNewLeader()`, `@LeaderOnly()` /
 * `LeaderGuard` and `LeaderElectionHealthIndicator` anywhere.
 *
 * Options are validated when the application initialises: `app.init()` rejects with a message
 * naming the option, its value and the rule. Call `app.enableShutdownHooks()` so that SIGTERM
 * releases the lease; the library installs no signal handler itself.
 *
 * @publicApi
 */
@Module({})
// oxlint-disable-next-line typescript/no-extraneous-class -- Nest modules are classes (the static methods build its dynamic modules)
export class LeaderElectionModule {
  /**
   * Registers one election.
   * @example LeaderElectionModule.forRoot({ name: 'billing-jobs' })
   */
  static forRoot(options: LeaderElectionModuleOptions): DynamicModule {
    const tokens = nextTokens();
    return {
      module: LeaderElectionModule,
      global: true,
      imports: [LeaderElectionCoreModule],
      // A factory rather than useValue keeps the options (and a KubeConfig's credentials) out
      // of the module hash Nest computes from the dynamic metadata.
      providers: [
        { provide: tokens.options, useFactory: () => options },
        registrationProvider(tokens),
      ],
      exports: [LeaderElectionCoreModule],
    };
  }

  /**
   * Registers one election whose options come from other providers.
   * @example
   * LeaderElectionModule.forRootAsync({
   *   imports: [ConfigModule],
   *   inject: [ConfigService],
   *   useFactory: (config: ConfigService) => ({ name: config.get('LEASE_NAME') }),
   * })
   */
  static forRootAsync(options: LeaderElectionModuleAsyncOptions): DynamicModule {
    const tokens = nextTokens();
    return {
      module: LeaderElectionModule,
      global: true,
      imports: [LeaderElectionCoreModule, ...(options.imports ?? [])],
      providers: [
        ...asyncOptionsProviders(options, tokens.options),
        ...(options.extraProviders ?? []),
        registrationProvider(tokens),
      ],
      exports: [LeaderElectionCoreModule],
    };
  }
}

interface RegistrationTokens {
  order: number;
  options: symbol;
  registration: symbol;
}

function nextTokens(): RegistrationTokens {
  const order = ++registrations;
  return {
    order,
    options: Symbol(`${LEADER_ELECTION_OPTIONS_PREFIX}#${order}`),
    registration: Symbol(`LEADER_ELECTION:REGISTRATION#${order}`),
  };
}

function registrationProvider(tokens: RegistrationTokens): Provider {
  return {
    provide: tokens.registration,
    useFactory: (service: LeaderElectionService, options: unknown) => {
      service.register(createElectionRegistration(options, tokens.order));
      return tokens.order;
    },
    inject: [LeaderElectionService, tokens.options],
  };
}

function asyncOptionsProviders(
  options: LeaderElectionModuleAsyncOptions,
  token: symbol,
): Provider[] {
  if (options.useFactory) {
    return [{ provide: token, useFactory: options.useFactory, inject: options.inject ?? [] }];
  }
  const factoryClass = options.useClass ?? options.useExisting;
  if (!factoryClass) throw new Error(ASYNC_OPTIONS_MISSING());
  const fromFactory = {
    provide: token,
    useFactory: (factory: LeaderElectionOptionsFactory) => {
      if (typeof factory?.createLeaderElectionOptions !== 'function') {
        throw new Error(ASYNC_OPTIONS_FACTORY_MISSING(factoryClass.name));
      }
      return factory.createLeaderElectionOptions();
    },
    inject: [factoryClass],
  };
  return options.useClass
    ? [{ provide: factoryClass, useClass: factoryClass }, fromFactory]
    : [fromFactory];
}
