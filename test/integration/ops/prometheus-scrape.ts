/**
 * Test helper (not a spec): an OpenTelemetry SDK `MeterProvider` whose Prometheus exporter is
 * served by our own HTTP server on 127.0.0.1:0, plus a small parser of the exposition text. The
 * Nest-app scrape test reuses it: register `provider` globally (or pass `meter`), then `scrape()`.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { metrics, type Meter } from '@opentelemetry/api';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';

export interface PrometheusScrapeTarget {
  provider: MeterProvider;
  exporter: PrometheusExporter;
  /** A meter of `provider` (for code that takes an explicit meter). */
  meter: Meter;
  /** `http://127.0.0.1:<port>/metrics` */
  url: string;
  /** GET the exposition text over HTTP, as Prometheus would. */
  scrape(): Promise<string>;
  /** Stops the server, shuts the provider down and, if it was registered, unregisters it. */
  close(): Promise<void>;
}

export async function startPrometheusScrape(
  options: { registerGlobal?: boolean } = {},
): Promise<PrometheusScrapeTarget> {
  const exporter = new PrometheusExporter({ preventServerStart: true, withoutTargetInfo: true });
  const provider = new MeterProvider({ readers: [exporter] });
  if (options.registerGlobal) {
    if (!metrics.setGlobalMeterProvider(provider)) {
      await provider.shutdown();
      throw new Error('a global MeterProvider is already registered; call metrics.disable() first');
    }
  }
  const server: Server = createServer((req, res) => exporter.getMetricsRequestHandler(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}/metrics`;
  return {
    provider,
    exporter,
    meter: provider.getMeter('test'),
    url,
    async scrape() {
      const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
      if (response.status !== 200) throw new Error(`scrape ${url} answered ${response.status}`);
      return response.text();
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (options.registerGlobal) metrics.disable();
      await provider.shutdown();
    },
  };
}

export interface PrometheusSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses sample lines of the Prometheus text format (enough for the exporter's output). */
export function parsePrometheus(text: string): PrometheusSample[] {
  const samples: PrometheusSample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)/.exec(line);
    if (!match) throw new Error(`unparsable Prometheus line: ${line}`);
    const labels: Record<string, string> = {};
    for (const pair of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[pair[1]!] = pair[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    }
    const raw = match[3]!;
    const value = raw === '+Inf' ? Infinity : raw === '-Inf' ? -Infinity : Number(raw);
    samples.push({ name: match[1]!, labels, value });
  }
  return samples;
}

/** The value of the one sample with this name whose labels include `labels`, or undefined. */
export function sampleValue(
  text: string,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  const found = parsePrometheus(text).filter(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
  if (found.length > 1) {
    throw new Error(`${found.length} samples of ${name} match ${JSON.stringify(labels)}`);
  }
  return found[0]?.value;
}

/** The `# HELP` text of a metric family, or undefined. */
export function helpText(text: string, name: string): string | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`# HELP ${name} `));
  return line?.slice(`# HELP ${name} `.length);
}

/** The `# TYPE` of a metric family, or undefined. */
export function typeOf(text: string, name: string): string | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`# TYPE ${name} `));
  return line?.slice(`# TYPE ${name} `.length);
}
