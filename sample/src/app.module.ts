import { Module, type DynamicModule } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { TerminusModule } from '@nestjs/terminus';
import { LeaderElectionModule } from '../../lib/index.js';
import { HealthController } from './health.controller.js';
import { JobsController } from './jobs.controller.js';
import { LeaderController } from './leader.controller.js';
import { LeaderJobsService } from './leader-jobs.service.js';
import { SampleConfig } from './sample.config.js';
import { SampleEventsService } from './sample-events.service.js';

@Module({})
// oxlint-disable-next-line typescript/no-extraneous-class -- Nest modules are classes by design
export class AppModule {
  static forRoot(config: SampleConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ScheduleModule.forRoot(),
        TerminusModule,
        // In your app: import { LeaderElectionModule } from 'nestjs-leader-election'.
        LeaderElectionModule.forRoot({
          name: config.leaseName,
          namespace: config.namespace,
          identity: config.identity,
          leaseDuration: config.leaseDuration,
          renewDeadline: config.renewDeadline,
          retryPeriod: config.retryPeriod,
          kubeConfig: config.kubeConfig,
        }),
      ],
      controllers: [LeaderController, JobsController, HealthController],
      providers: [
        { provide: SampleConfig, useValue: config },
        SampleEventsService,
        LeaderJobsService,
      ],
    };
  }
}
