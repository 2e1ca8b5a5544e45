import { describe, expect, it } from 'vitest';
import { breakdown, parseMetrics } from './metrics.ts';

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
});
