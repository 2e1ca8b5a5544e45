import * as vega from 'vega';
import * as vegaLite from 'vega-lite';
import type { BenchReport } from './report.ts';

/**
 * The run's charts as SVG, drawn by Vega-Lite in Node (vega's headless View renders SVG without
 * a canvas): throughput against concurrency per workload, and audit page latency against the
 * number of access events on the ledger.
 */

async function toSvg(spec: vegaLite.TopLevelSpec): Promise<string> {
  const compiled = vegaLite.compile(spec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Throughput (log scale) against concurrency, one line per workload of the core group. */
export function throughputChart(report: BenchReport): Promise<string> {
  const values = report.results
    .filter((r) => r.group === 'core' && r.succeeded > 0)
    .map((r) => ({ workload: r.workload, concurrency: r.concurrency, throughput: r.throughput }));
  return toSvg({
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: `Throughput against concurrency (${String(report.meta.cores)} cores, ${report.meta.date.slice(0, 10)})`,
    width: 560,
    height: 320,
    data: { values },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'concurrency', type: 'quantitative', scale: { type: 'log', base: 2 } },
      y: {
        field: 'throughput',
        type: 'quantitative',
        title: 'transactions per second',
        scale: { type: 'log' },
      },
      color: { field: 'workload', type: 'nominal' },
    },
  });
}

/** Audit page latency (p50 and p95) against ledger size, log-scaled x. */
export function auditLatencyChart(report: BenchReport): Promise<string> {
  const values = report.results
    .filter((r) => r.group === 'audit' && r.succeeded > 0 && r.ledgerEvents !== undefined)
    .flatMap((r) => [
      { series: `${r.workload} p50`, events: r.ledgerEvents, ms: r.latency.p50 },
      { series: `${r.workload} p95`, events: r.ledgerEvents, ms: r.latency.p95 },
    ]);
  return toSvg({
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Audit page of 100: latency against access events on the ledger',
    width: 560,
    height: 320,
    data: { values },
    mark: { type: 'line', point: true },
    encoding: {
      x: {
        field: 'events',
        type: 'quantitative',
        title: 'access events',
        scale: { type: 'log' },
      },
      y: { field: 'ms', type: 'quantitative', title: 'latency (ms)' },
      color: { field: 'series', type: 'nominal' },
    },
  });
}
