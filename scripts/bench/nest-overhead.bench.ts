import type { AddressInfo } from 'node:net';
import { Controller, Get, Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  LeaderElectionModule,
  LeaderElectionService,
  LeaderOnly,
  OnLeader,
} from '../../lib/index.js';
import { KubeApiTestServer } from '../../lib/testing/index.js';
import { BENCH_SERVER_OPTIONS, type NestConfig } from './bench-config.js';
import type { NestResult } from './bench-results.types.js';
import { withTimeout } from './bench-timing.js';
import { median, summarize } from './stats.js';

@Injectable()
class BenchJobs {
  calls = 0;

  @OnLeader()
  gated(): number {
    return ++this.calls;
  }

  plain(): number {
    return ++this.calls;
  }
}

@Controller()
class BenchController {
  @Get('plain')
  plain(): { ok: boolean } {
    return { ok: true };
  }

  @Get('guarded')
  @LeaderOnly()
  guarded(): { ok: boolean } {
    return { ok: true };
  }
}

// Two separate loops (not one loop over a callback) so each call site stays monomorphic.
function timePlain(jobs: BenchJobs, calls: number): number {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) jobs.plain();
  return Number(process.hrtime.bigint() - t0) / calls;
}

function timeGated(jobs: BenchJobs, calls: number): number {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) jobs.gated();
  return Number(process.hrtime.bigint() - t0) / calls;
}

/**
 * The Nest layer's per-call cost on the leader: a real Nest app (express, LeaderElectionModule
 * against KubeApiTestServer) that leads; `@OnLeader()` method vs the same body undecorated, and
 * a route behind `@LeaderOnly()` vs a plain route over keep-alive HTTP.
 */
export async function runNestOverheadBench(config: NestConfig): Promise<NestResult> {
  const server = new KubeApiTestServer(BENCH_SERVER_OPTIONS);
  await server.start();

  @Module({
    imports: [
      LeaderElectionModule.forRoot({
        name: 'bench-nest',
        namespace: 'default',
        identity: 'bench-nest-0',
        kubeConfig: server.kubeConfig('bench-nest'),
      }),
    ],
    providers: [BenchJobs],
    controllers: [BenchController],
  })
  // oxlint-disable-next-line typescript/no-extraneous-class -- a Nest module is an empty decorated class
  class BenchAppModule {}

  const app = await NestFactory.create(BenchAppModule, { logger: false });
  try {
    await app.listen(0, '127.0.0.1');
    await withTimeout(app.get(LeaderElectionService).whenLeader(), 30_000, 'the Nest app to lead');
    const jobs = app.get(BenchJobs);

    timePlain(jobs, config.calls);
    timeGated(jobs, config.calls);
    const plain: number[] = [];
    const gated: number[] = [];
    const overhead: number[] = [];
    for (let round = 0; round < config.rounds; round++) {
      const callsBefore = jobs.calls;
      const g = timeGated(jobs, config.calls);
      if (jobs.calls - callsBefore !== config.calls) {
        throw new Error('@OnLeader skipped calls during the measurement: the app lost leadership');
      }
      const p = timePlain(jobs, config.calls);
      plain.push(p);
      gated.push(g);
      overhead.push(g - p);
    }

    const port = (app.getHttpServer().address() as AddressInfo).port;
    const plainUs: number[] = [];
    const guardedUs: number[] = [];
    const request = async (path: string, into: number[]) => {
      const t0 = performance.now();
      const response = await fetch(`http://127.0.0.1:${port}/${path}`);
      await response.text();
      into.push((performance.now() - t0) * 1000);
      if (response.status !== 200)
        throw new Error(`GET /${path} answered ${response.status} on the leader`);
    };
    for (let i = 0; i < 20; i++) {
      await request('plain', []);
      await request('guarded', []);
    }
    const block = 50;
    for (let done = 0; done < config.requests; done += block) {
      const n = Math.min(block, config.requests - done);
      for (let i = 0; i < n; i++) await request('plain', plainUs);
      for (let i = 0; i < n; i++) await request('guarded', guardedUs);
    }
    const plainRoute = summarize(plainUs);
    const guardedRoute = summarize(guardedUs);
    return {
      config,
      plainNsPerCall: median(plain),
      onLeaderNsPerCall: median(gated),
      onLeaderOverheadNs: median(overhead),
      plainRoute,
      guardedRoute,
      guardOverheadUs: guardedRoute.mean - plainRoute.mean,
    };
  } finally {
    await app.close();
    await server.stop();
  }
}
