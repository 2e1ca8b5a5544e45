import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { breakdown, parseMetrics, scrapeAll } from './metrics.ts';

const scrape = (n: number): string =>
  [
    '# HELP endorser_proposal_duration The time to complete a proposal.',
    `endorser_proposal_duration_sum{chaincode="consent-ledger-bench",channel="health",success="true"} ${String(0.5 * n)}`,
    `endorser_proposal_duration_count{chaincode="consent-ledger-bench",channel="health",success="true"} ${String(100 * n)}`,
    `endorser_proposal_duration_sum{chaincode="consent-ledger",channel="health",success="true"} ${String(9 * n)}`,
    `chaincode_shim_request_duration_count{chaincode="consent-ledger-bench_ab:cd",channel="health",success="true",type="GET_STATE"} ${String(300 * n)}`,
    `chaincode_shim_request_duration_sum{chaincode="consent-ledger-bench_ab:cd",channel="health",success="true",type="GET_STATE"} ${String(0.3 * n)}`,
    `chaincode_shim_request_duration_count{chaincode="consent-ledger_ef:01",channel="health",success="true",type="PUT_STATE"} ${String(50 * n)}`,
    `ledger_block_processing_time_sum{channel="health"} ${String(2 * n)}`,
    `gossip_privdata_validation_duration_sum{channel="health"} ${String(n)}`,
    'go_gc_duration_seconds_sum 1',
  ].join('\n');

describe('peer metrics breakdown', () => {
  it('parses the metrics it uses and nothing else', () => {
    const samples = parseMetrics(scrape(1));
    expect(samples.size).toBe(8);
    expect([...samples.keys()].some((key) => key.startsWith('go_'))).toBe(false);
  });

  it('divides the differences by the operations, per chaincode', () => {
    const result = breakdown({
      before: parseMetrics(scrape(1)),
      after: parseMetrics(scrape(2)),
      chaincode: 'consent-ledger-bench',
      operations: 100,
    });
    expect(result.endorseMs).toBeCloseTo(5, 6);
    expect(result.shimRequests).toEqual({ GET_STATE: 3 });
    expect(result.shimMs).toBeCloseTo(3, 6);
    expect(result.commitMs).toBeCloseTo(20, 6);
    expect(result.validateMs).toBeCloseTo(10, 6);
  });

  it('sums the peers in their order, so unchanged counters differ by exactly zero', async () => {
    // 0.1 + 0.2 + 0.3 is 0.6000000000000001 in this order and 0.6 in the reverse one.
    const values = [0.1, 0.2, 0.3];
    let delays = [0, 40, 80];
    const server = createServer((request, response) => {
      const peer = Number(request.url?.slice(1));
      setTimeout(() => {
        response.end(
          `gossip_privdata_validation_duration_sum{channel="health"} ${String(values[peer])}\n`,
        );
      }, delays[peer]);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const urls = [0, 1, 2].map((peer) => `http://127.0.0.1:${String(port)}/${String(peer)}`);
      const before = await scrapeAll(urls);
      delays = [80, 40, 0];
      const after = await scrapeAll(urls);
      expect(after).toEqual(before);
      const result = breakdown({
        before,
        after,
        chaincode: 'consent-ledger-bench',
        operations: 10,
      });
      expect(Object.is(result.validateMs, 0)).toBe(true);
    } finally {
      server.close();
    }
  });
});
