import { Injectable } from '@nestjs/common';
import { SampleConfig } from './sample.config.js';
import { SAMPLE_EVENT_PREFIX, type SampleEventInput } from './sample-event.types.js';

/** Prints `SAMPLE_EVENT {json}` lines for `npm run demo` when `SAMPLE_EVENTS=1`; silent otherwise. */
@Injectable()
export class SampleEventsService {
  constructor(private readonly config: SampleConfig) {}

  emit(event: SampleEventInput): void {
    if (!this.config.emitEvents) return;
    const line = JSON.stringify({ ...event, at: performance.timeOrigin + performance.now() });
    // One synchronous write per line, so lines from a process that is killed are whole or absent.
    process.stdout.write(`${SAMPLE_EVENT_PREFIX}${line}\n`);
  }
}
