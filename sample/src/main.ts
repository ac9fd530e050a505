// Loaded first so decorator metadata exists before any decorated class is evaluated.
// oxlint-disable-next-line import/no-unassigned-import
import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { LeaderElectionService } from '../../lib/index.js';
import { AppModule } from './app.module.js';
import { SampleConfig } from './sample.config.js';
import { sampleMessages } from './sample.messages.js';
import { SampleEventsService } from './sample-events.service.js';

async function bootstrap(): Promise<void> {
  const config = SampleConfig.fromEnv(process.env);
  const app = await NestFactory.create(AppModule.forRoot(config), {
    logger: config.logLevels(),
  });
  // SIGTERM (kubectl delete pod, a rollout) → app.close() → the lease is released before exit.
  // The library installs no signal handlers of its own; this line is what wires them.
  app.enableShutdownHooks();
  try {
    await app.listen(config.port, config.host);
  } catch (err) {
    // Stop the elector too, or its timers would keep a process that serves nothing alive.
    await app.close();
    throw err;
  }

  const { port } = app.getHttpServer().address() as AddressInfo;
  const identity = app.get(LeaderElectionService).identity;
  new Logger('Sample').log(`${identity} listening on http://${config.host}:${port}`);
  app
    .get(SampleEventsService)
    .emit({ event: 'listening', identity, pid: process.pid, port, host: config.host });
}

bootstrap().catch((err: unknown) => {
  const reason = err instanceof Error ? err.message : String(err);
  new Logger('Sample').error(sampleMessages.startupFailed(reason));
  process.exitCode = 1;
});
