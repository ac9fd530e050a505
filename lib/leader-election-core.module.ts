import { Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { LeaderElectionExplorer } from './leader-election.explorer.js';
import { LeaderElectionMetadataAccessor } from './leader-election-metadata.accessor.js';
import { LeaderElectionRegistry } from './leader-election.registry.js';
import { LeaderElectionService } from './leader-election.service.js';
import { LeaderElectionHealthIndicator } from './health/leader-election.health.js';

/**
 * @internal
 * The part shared by every registration of one application: one service, one explorer.
 * `LeaderElectionModule.forRoot()` (any number of times) and `LeaderElectionTestingModule`
 * import it; being a static module, Nest instantiates it once per application.
 */
@Global()
@Module({
  imports: [DiscoveryModule],
  providers: [
    LeaderElectionService,
    LeaderElectionExplorer,
    LeaderElectionMetadataAccessor,
    LeaderElectionRegistry,
    LeaderElectionHealthIndicator,
  ],
  exports: [LeaderElectionService, LeaderElectionHealthIndicator],
})
// oxlint-disable-next-line typescript/no-extraneous-class -- a Nest module is a decorated class
export class LeaderElectionCoreModule {}
