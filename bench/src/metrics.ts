/**
 * Where the time goes, from the peers' Prometheus metrics (operations endpoint /metrics): the
 * counters are scraped from every peer before and after a workload and their differences summed,
 * then divided by the operations that ended (warm-up included, as the counters saw them). Endorsement time and chaincode-to-peer
 * requests (shim GET_STATE, PUT_STATE, range queries...) are filtered by chaincode name; block
 * validation and commit are channel-wide (other traffic on the machine counts too).
 */

/** Metric samples: `name{labels}` -> value. */
export type Scrape = ReadonlyMap<string, number>;

const WANTED =
  /^(endorser_proposal_duration|chaincode_shim_request_duration|gossip_privdata_validation_duration|ledger_block_processing_time|ledger_statedb_commit_time)_(sum|count)(\{[^}]*\})? ([0-9.eE+-]+)$/;

/** Parses the metrics this module uses out of a Prometheus text exposition. */
export function parseMetrics(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = WANTED.exec(line.trim());
    if (match === null) continue;
    const [, name = '', kind = '', labels = '', value = '0'] = match;
    const key = `${name}_${kind}${labels}`;
    samples.set(key, (samples.get(key) ?? 0) + Number(value));
  }
  return samples;
}

/**
 * Scrapes every URL and sums the samples (missing peers are skipped). The sums are taken in the
 * URLs' order, not as the answers arrive: floating-point addition depends on its order, and two
 * scrapes of unchanged counters must give the same total (else a workload that validated no block
 * shows a validation time of -0.00).
 */
export async function scrapeAll(urls: readonly string[]): Promise<Scrape> {
  const scrapes = await Promise.all(
    urls.map(async (url) => {
      try {
        const response = await fetch(url, { signal: AbortSignal.timeout(3_000) });
        return parseMetrics(await response.text());
      } catch {
        // A peer restarting (fault injection) only leaves its share out.
        return new Map<string, number>();
      }
    }),
  );
  const total = new Map<string, number>();
  for (const scrape of scrapes) {
    for (const [key, value] of scrape) total.set(key, (total.get(key) ?? 0) + value);
  }
  return total;
}

/** Time and requests per operation, summed over the peers. */
export interface PeerBreakdown {
  /** Endorsement (proposal) time on the endorsing peers, ms per operation. */
  readonly endorseMs: number;
  /** Chaincode-to-peer requests per operation, by type (GET_STATE, PUT_STATE, ...). */
  readonly shimRequests: Readonly<Record<string, number>>;
  /** Time the peers spent answering those requests, ms per operation. */
  readonly shimMs: number;
  /** Block validation on all peers, ms per operation (channel-wide). */
  readonly validateMs: number;
  /** Block commit (block storage and state database) on all peers, ms per operation. */
  readonly commitMs: number;
}

function delta(
  before: Scrape,
  after: Scrape,
  select: (key: string) => boolean,
): { sum: number; count: number } {
  let sum = 0;
  let count = 0;
  for (const [key, value] of after) {
    if (!select(key)) continue;
    const diff = value - (before.get(key) ?? 0);
    if (key.includes('_sum')) sum += diff;
    else count += diff;
  }
  return { sum, count };
}

/** The breakdown between two scrapes for a chaincode's `operations` successful operations. */
export function breakdown(
  options: Readonly<{ before: Scrape; after: Scrape; chaincode: string; operations: number }>,
): PeerBreakdown {
  const { before, after, chaincode } = options;
  const per = Math.max(1, options.operations);
  // The endorser labels by chaincode name, the shim by package ID (`name_hash:sha256`).
  const ofChaincode = (key: string): boolean => key.includes(`chaincode="${chaincode}_`);
  const endorse = delta(
    before,
    after,
    (key) =>
      key.startsWith('endorser_proposal_duration') && key.includes(`chaincode="${chaincode}"`),
  );
  const shim = delta(
    before,
    after,
    (key) => key.startsWith('chaincode_shim_request_duration') && ofChaincode(key),
  );
  const shimRequests: Record<string, number> = {};
  for (const [key, value] of after) {
    if (!key.startsWith('chaincode_shim_request_duration_count') || !ofChaincode(key)) continue;
    const type = /type="([A-Z_]+)"/.exec(key)?.[1] ?? 'OTHER';
    const diff = value - (before.get(key) ?? 0);
    if (diff > 0) shimRequests[type] = (shimRequests[type] ?? 0) + diff / per;
  }
  const validate = delta(before, after, (key) =>
    key.startsWith('gossip_privdata_validation_duration'),
  );
  const commit = delta(before, after, (key) => key.startsWith('ledger_block_processing_time'));
  return {
    endorseMs: (endorse.sum * 1000) / per,
    shimRequests,
    shimMs: (shim.sum * 1000) / per,
    validateMs: (validate.sum * 1000) / per,
    commitMs: (commit.sum * 1000) / per,
  };
}
