import { createCipheriv, generateKeyPairSync } from 'node:crypto';
import { EndorseError, type ConnectOptions, type Gateway } from '@hyperledger/fabric-gateway';
import { status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';
import {
  SALT_PATTERN,
  TRANSIENT_REQUEST_KEY,
  resultIv,
  resultKey,
  type AccessRequest,
  type LedgerRequest,
  type RecordItem,
  type SignedAction,
} from '@consent-ledger/ledger-api';
import { describe, expect, it, vi } from 'vitest';
import { LedgerError, UnauthenticatedError } from '../common/errors.js';
import { testBlock } from '../testing/blocks.js';
import { testProfile } from '../testing/test-app.js';
import {
  blockWithPrivateData,
  createLedgerClient,
  type Endorsement,
  type LedgerClientOptions,
} from './ledger.client.js';
import type { IdentityWallet, LedgerCredentials } from './wallet.js';

const MVCC = 11;
const PHANTOM = 12;
const POLICY = 10;

const key = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  .privateKey.export({ type: 'pkcs8', format: 'pem' })
  .toString();

function fakeWallet(labels: string[]): IdentityWallet {
  const credentials: LedgerCredentials = {
    mspId: 'TertiaryHospitalMSP',
    certificate: 'cert',
    privateKey: key,
  };
  return {
    get: (label) => Promise.resolve(labels.includes(label) ? credentials : undefined),
    put: () => Promise.resolve(),
    remove: () => Promise.resolve(),
    list: () => Promise.resolve(labels),
  };
}

/** What Fabric's gateway throws when the endorsers' results differ (or its own chaincode's refusal). */
function endorseError(message: string): EndorseError {
  return new EndorseError({
    code: GrpcStatus.ABORTED,
    details: [],
    cause: new Error(message) as ServiceError,
    transactionId: 'tx-endorse',
    message: `10 ABORTED: ${message}`,
  });
}
const MISMATCH = endorseError(
  'failed to collect enough transaction endorsements, see attached details for more info',
);
const REFUSED = endorseError('failed to endorse transaction, see attached details for more info');
/** What Fabric's gateway throws when a named organization has no peer it can reach. */
const UNREACHABLE = new EndorseError({
  code: GrpcStatus.UNAVAILABLE,
  details: [],
  cause: new Error('unavailable') as ServiceError,
  transactionId: 'tx-endorse',
  message: '14 UNAVAILABLE: failed to find any endorsing peers for org(s): TertiaryHospitalMSP',
});

const ACTION: SignedAction<'consent:GrantConsent'> = { statement: '{}', signature: 's'.repeat(86) };
const ENDORSERS: Endorsement = {
  collections: ['pair_CommunityHospitalMSP_TertiaryHospitalMSP'],
  organizations: ['CommunityHospitalMSP', 'TertiaryHospitalMSP'],
  fallback: ['CommunityHospitalMSP', 'GovMSP'],
};

/** A proposal's transient request, decoded. */
function requestOf(transientData: Record<string, Uint8Array> | undefined): LedgerRequest {
  const bytes = transientData?.[TRANSIENT_REQUEST_KEY];
  if (bytes === undefined) throw new Error('no transient request');
  return JSON.parse(new TextDecoder().decode(bytes)) as LedgerRequest;
}

/** A submit's result as the chaincode returns it: sealed for the request's salt and the txId. */
function sealed(result: string, opening: Readonly<{ salt: string; txId: string }>): Uint8Array {
  const cipher = createCipheriv('aes-256-gcm', resultKey(opening.salt), resultIv(opening.txId));
  return Buffer.concat([cipher.update(result, 'utf8'), cipher.final(), cipher.getAuthTag()]);
}

const ACCESS_REQUEST: AccessRequest = {
  patientId: 'pid-abcdefghijklmnop',
  purpose: 'treatment',
  categories: ['imaging'],
};
const RECORD: RecordItem = {
  recordId: 'rec-1',
  patientId: 'pid-abcdefghijklmnop',
  category: 'imaging',
  sha256: 'a'.repeat(64),
};

/**
 * A fake fabric-gateway whose commits answer the given status codes in turn (0 = valid); its
 * endorsements throw the given errors in turn first.
 */
function fakeConnect(statuses: number[], endorseErrors: Error[] = []) {
  const proposals: {
    name: string;
    args: string[] | undefined;
    request?: LedgerRequest;
    endorsingOrganizations?: string[];
  }[] = [];
  const connects: ConnectOptions[] = [];
  const contracts: { channel: string; chaincode: string; contract?: string }[] = [];
  const deadlines: number[] = [];
  const blockRequests: { startBlock?: bigint }[] = [];
  let closedStreams = 0;
  let txCount = 0;
  const connect = vi.fn((options: ConnectOptions): Gateway => {
    connects.push(options);
    const contract = {
      newProposal: (
        name: string,
        proposal: {
          arguments?: string[];
          transientData?: Record<string, Uint8Array>;
          endorsingOrganizations?: string[];
        },
      ) => {
        proposals.push({
          name,
          args: proposal.arguments,
          ...(proposal.transientData === undefined
            ? {}
            : { request: requestOf(proposal.transientData) }),
          ...(proposal.endorsingOrganizations === undefined
            ? {}
            : { endorsingOrganizations: proposal.endorsingOrganizations }),
        });
        const txId = `tx-${String(++txCount)}`;
        const salt =
          proposal.transientData === undefined ? undefined : requestOf(proposal.transientData).salt;
        return {
          evaluate: (options?: { deadline?: number }) => {
            deadlines.push(Number(options?.deadline));
            return Promise.resolve(new TextEncoder().encode('{"ok":true}'));
          },
          endorse: () => {
            const failure = endorseErrors.shift();
            if (failure !== undefined) return Promise.reject(failure);
            return Promise.resolve({
              submit: () =>
                Promise.resolve({
                  getStatus: () => {
                    const code = statuses.shift() ?? 0;
                    return Promise.resolve({
                      code,
                      successful: code === 0,
                      transactionId: txId,
                      blockNumber: 1n,
                    });
                  },
                  getResult: () =>
                    salt === undefined
                      ? new TextEncoder().encode(`{"tx":"${txId}"}`)
                      : sealed(`{"tx":"${txId}"}`, { salt, txId }),
                  getTransactionId: () => txId,
                }),
            });
          },
        };
      },
    };
    return {
      getNetwork: (channel: string) => ({
        getContract: (chaincode: string, name?: string) => {
          contracts.push({ channel, chaincode, ...(name === undefined ? {} : { contract: name }) });
          return contract;
        },
        getBlockAndPrivateDataEvents: (options: { startBlock?: bigint }) => {
          blockRequests.push(options);
          const blocks = [testBlock(Number(options.startBlock ?? 0n), [])];
          return Promise.resolve({
            [Symbol.asyncIterator]: () => ({
              next: () => {
                const value = blocks.shift();
                return Promise.resolve(
                  value === undefined ? { done: true, value: undefined } : { done: false, value },
                );
              },
            }),
            close: () => {
              closedStreams += 1;
            },
          });
        },
      }),
      close: vi.fn(),
    } as unknown as Gateway;
  });
  return {
    connect,
    proposals,
    connects,
    contracts,
    deadlines,
    blockRequests,
    closed: () => closedStreams,
  };
}

function client(
  statuses: number[],
  overrides: Partial<LedgerClientOptions> = {},
  endorseErrors: Error[] = [],
) {
  const fake = fakeConnect(statuses, endorseErrors);
  const metrics = { observeLedgerCall: vi.fn(), countRetry: vi.fn() };
  const backoff = vi.fn(() => Promise.resolve());
  const ledger = createLedgerClient({
    profile: testProfile(),
    config: {
      LEDGER_EVALUATE_TIMEOUT_MS: 1000,
      LEDGER_ENDORSE_TIMEOUT_MS: 2000,
      LEDGER_SUBMIT_TIMEOUT_MS: 3000,
      LEDGER_COMMIT_TIMEOUT_MS: 4000,
      LEDGER_MAX_ATTEMPTS: 3,
    },
    wallet: fakeWallet(['user:alice', 'user:bob']),
    metrics,
    backoff,
    connect: fake.connect,
    ...overrides,
  });
  return { ledger, metrics, backoff, ...fake };
}

describe('the ledger client', () => {
  it('retries MVCC and phantom read conflicts with backoff, then answers the committed result', async () => {
    const { ledger, metrics, backoff, proposals } = client([MVCC, PHANTOM, 0]);
    const result = await ledger.as('user:alice').submit('consent:GrantConsent', ACTION);
    expect(result.txId).toBe('tx-3');
    expect(result.result).toEqual({ tx: 'tx-3' });
    expect(proposals).toHaveLength(3);
    expect(backoff.mock.calls).toEqual([[1], [2]]);
    expect(metrics.countRetry.mock.calls).toEqual([
      ['consent:GrantConsent', 'MVCC_READ_CONFLICT'],
      ['consent:GrantConsent', 'PHANTOM_READ_CONFLICT'],
    ]);
    expect(metrics.observeLedgerCall).toHaveBeenCalledWith(
      expect.objectContaining({
        transaction: 'consent:GrantConsent',
        kind: 'submit',
        outcome: 'ok',
      }),
    );
    ledger.close();
  });

  it('gives up after the configured attempts with CONFLICT', async () => {
    const { ledger, proposals } = client([MVCC, MVCC, MVCC, MVCC]);
    const failure = await ledger
      .as('user:alice')
      .submit('consent:RevokeConsent', { statement: '{}', signature: 's' })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(LedgerError);
    expect(failure).toMatchObject({ code: 'CONFLICT', transaction: 'consent:RevokeConsent' });
    expect(proposals).toHaveLength(3);
    ledger.close();
  });

  it('retries an endorsement whose endorsers answered differently (a peer a block behind), never a refusal', async () => {
    const { ledger, metrics, backoff, proposals } = client([0], {}, [MISMATCH]);
    const result = await ledger.as('user:alice').submit('access:RequestAccess', ACCESS_REQUEST);
    expect(result.txId).toBe('tx-2');
    expect(proposals).toHaveLength(2);
    expect(backoff.mock.calls).toEqual([[1]]);
    expect(metrics.countRetry.mock.calls).toEqual([
      ['access:RequestAccess', 'ENDORSEMENT_MISMATCH'],
    ]);

    const refused = client([], {}, [REFUSED]);
    await expect(
      refused.ledger.as('user:alice').submit('access:RequestAccess', ACCESS_REQUEST),
    ).rejects.toMatchObject({ code: 'LEDGER_REJECTED' });
    expect(refused.proposals).toHaveLength(1);
    expect(refused.backoff).not.toHaveBeenCalled();

    const stuck = client([], {}, [MISMATCH, MISMATCH, MISMATCH, MISMATCH]);
    await expect(
      stuck.ledger.as('user:alice').submit('access:RequestAccess', ACCESS_REQUEST),
    ).rejects.toMatchObject({ code: 'LEDGER_REJECTED' });
    expect(stuck.proposals).toHaveLength(3);
    ledger.close();
    refused.ledger.close();
    stuck.ledger.close();
  });

  it('never retries other commit failures', async () => {
    const { ledger, proposals, backoff } = client([POLICY]);
    await expect(
      ledger.as('user:alice').submit('records:AnchorRecord', RECORD),
    ).rejects.toMatchObject({ code: 'LEDGER_REJECTED' });
    expect(proposals).toHaveLength(1);
    expect(backoff).not.toHaveBeenCalled();
    ledger.close();
  });

  it('connects once per identity, with a deadline on every kind of call', async () => {
    const { ledger, connect, connects } = client([]);
    await ledger.as('user:alice').evaluate('consent:GetConsent', 'c');
    await ledger.as('user:alice').evaluate('consent:GetConsent', 'c');
    await ledger.as('user:bob').evaluate('consent:GetConsent', 'c');
    expect(connect).toHaveBeenCalledTimes(2);
    const options = connects[0]!;
    expect(options.identity.mspId).toBe('TertiaryHospitalMSP');
    expect(connects[0]!.client).toBe(connects[1]!.client);
    const now = Date.now();
    for (const [factory, ms] of [
      [options.evaluateOptions, 1000],
      [options.endorseOptions, 2000],
      [options.submitOptions, 3000],
      [options.commitStatusOptions, 4000],
    ] as const) {
      const deadline = Number(factory?.().deadline);
      expect(deadline).toBeGreaterThanOrEqual(now + ms - 50);
      expect(deadline).toBeLessThanOrEqual(now + ms + 1000);
    }
    ledger.forget('user:alice');
    await ledger.as('user:alice').evaluate('consent:GetConsent', 'c');
    expect(connect).toHaveBeenCalledTimes(3);
    ledger.close();
  });

  it("sends a transaction's arguments as its transient request to its contract and decodes the result", async () => {
    const { ledger, contracts, proposals, metrics } = client([]);
    const decision = await ledger.as('user:alice').evaluate('access:CheckAccess', ACCESS_REQUEST);
    expect(decision).toEqual({ ok: true });
    await ledger
      .as('user:alice')
      .evaluate('records:VerifyRecord', 'rec-1', 'a'.repeat(64), '', 'TertiaryHospitalMSP');
    await ledger
      .as('user:bob')
      .submit('records:AnchorRecord', { ...RECORD, category: 'imaging', sha256: 'b'.repeat(64) });
    // No arguments in the proposal (they would reach the block): everything is transient data.
    expect(proposals.map((proposal) => proposal.args)).toEqual([undefined, undefined, undefined]);
    expect(proposals.map(({ name, request }) => ({ name, request }))).toEqual([
      { name: 'CheckAccess', request: { args: [JSON.stringify(ACCESS_REQUEST)] } },
      {
        name: 'VerifyRecord',
        request: { args: ['rec-1', 'a'.repeat(64), '', 'TertiaryHospitalMSP'] },
      },
      {
        name: 'AnchorRecord',
        request: {
          args: [JSON.stringify({ ...RECORD, sha256: 'b'.repeat(64) })],
          salt: expect.stringMatching(SALT_PATTERN) as string,
        },
      },
    ]);
    expect(contracts).toEqual([
      { channel: 'health', chaincode: 'consent-ledger', contract: 'access' },
      { channel: 'health', chaincode: 'consent-ledger', contract: 'records' },
      { channel: 'health', chaincode: 'consent-ledger', contract: 'records' },
    ]);
    for (const transaction of [
      'access:CheckAccess',
      'records:VerifyRecord',
      'records:AnchorRecord',
    ])
      expect(metrics.observeLedgerCall).toHaveBeenCalledWith(
        expect.objectContaining({ transaction, outcome: 'ok' }),
      );
    ledger.close();
  });

  it('names the endorsers of a submit, never of an evaluation, and salts every attempt anew', async () => {
    const { ledger, proposals } = client([MVCC, 0], {}, [MISMATCH]);
    await ledger
      .as('user:alice', { endorsers: ENDORSERS })
      .submit('access:RequestAccess', ACCESS_REQUEST);
    await ledger
      .as('user:alice', { endorsers: ENDORSERS })
      .evaluate('access:CheckAccess', ACCESS_REQUEST);
    const submits = proposals.slice(0, 3);
    expect(submits.map((proposal) => proposal.endorsingOrganizations)).toEqual([
      ENDORSERS.organizations,
      ENDORSERS.organizations,
      ENDORSERS.organizations,
    ]);
    // The same request each time (re-endorsed), but never the same salt (a new transaction).
    expect(new Set(submits.map((proposal) => JSON.stringify(proposal.request?.args))).size).toBe(1);
    const salts = submits.map((proposal) => proposal.request?.salt);
    expect(new Set(salts).size).toBe(3);
    for (const salt of salts) expect(salt).toMatch(SALT_PATTERN);
    expect(proposals[3]).toEqual({
      name: 'CheckAccess',
      args: undefined,
      request: { args: [JSON.stringify(ACCESS_REQUEST)] },
    });
  });

  it('tries the fallback endorsers once when a named peer is unreachable', async () => {
    const { ledger, proposals, metrics, backoff } = client([0], {}, [UNREACHABLE]);
    const result = await ledger
      .as('user:alice', { endorsers: ENDORSERS })
      .submit('access:RequestAccess', ACCESS_REQUEST);
    expect(result.txId).toBe('tx-2');
    expect(proposals.map((proposal) => proposal.endorsingOrganizations)).toEqual([
      ['CommunityHospitalMSP', 'TertiaryHospitalMSP'],
      ['CommunityHospitalMSP', 'GovMSP'],
    ]);
    expect(proposals[0]?.request?.salt).not.toBe(proposals[1]?.request?.salt);
    expect(metrics.countRetry.mock.calls).toEqual([
      ['access:RequestAccess', 'ENDORSER_UNAVAILABLE'],
    ]);
    expect(backoff).not.toHaveBeenCalled();

    const twice = client([], {}, [UNREACHABLE, UNREACHABLE]);
    await expect(
      twice.ledger
        .as('user:alice', { endorsers: ENDORSERS })
        .submit('access:RequestAccess', ACCESS_REQUEST),
    ).rejects.toMatchObject({ code: 'LEDGER_UNAVAILABLE' });
    expect(twice.proposals).toHaveLength(2);

    const { fallback: _fallback, ...withoutFallback } = ENDORSERS;
    const none = client([], {}, [UNREACHABLE]);
    await expect(
      none.ledger
        .as('user:alice', { endorsers: withoutFallback })
        .submit('access:RequestAccess', ACCESS_REQUEST),
    ).rejects.toMatchObject({ code: 'LEDGER_UNAVAILABLE' });
    expect(none.proposals).toHaveLength(1);
    ledger.close();
    twice.ledger.close();
    none.ledger.close();
  });

  it("gives a session's evaluations its own deadline, else the configured one", async () => {
    const { ledger, deadlines } = client([]);
    const now = Date.now();
    await ledger.as('user:alice', { timeoutMs: 50 }).evaluate('baseline:Get', 'k');
    await ledger.as('user:alice').evaluate('baseline:Get', 'k');
    expect(deadlines[0]).toBeGreaterThanOrEqual(now + 50);
    expect(deadlines[0]).toBeLessThan(now + 1000);
    expect(deadlines[1]).toBeGreaterThanOrEqual(now + 1000);
    ledger.close();
  });

  it('evaluates a system chaincode on the channel as the user, with a deadline', async () => {
    const { ledger, connects, contracts, proposals, metrics } = client([]);
    const bytes = await ledger.evaluateSystem({
      identity: 'user:alice',
      chaincode: 'qscc',
      transaction: 'GetBlockByTxID',
      args: ['health', 'tx-9'],
    });
    expect(new TextDecoder().decode(bytes)).toBe('{"ok":true}');
    expect(connects).toHaveLength(1);
    expect(contracts).toEqual([{ channel: 'health', chaincode: 'qscc' }]);
    // System chaincodes take arguments: they are not ours and carry no patient data.
    expect(proposals).toEqual([{ name: 'GetBlockByTxID', args: ['health', 'tx-9'] }]);
    expect(metrics.observeLedgerCall).toHaveBeenCalledWith(
      expect.objectContaining({
        transaction: 'qscc:GetBlockByTxID',
        kind: 'evaluate',
        outcome: 'ok',
      }),
    );
    await expect(
      ledger.evaluateSystem({
        identity: 'user:nobody',
        chaincode: 'cscc',
        transaction: 'GetChannelConfig',
      }),
    ).rejects.toBeInstanceOf(UnauthenticatedError);
    ledger.close();
  });

  it('reads one block with its private data from the own peer, as the identity, and closes the stream', async () => {
    const { ledger, blockRequests, closed, connects } = client([]);
    const block = await blockWithPrivateData(ledger, {
      identity: 'user:alice',
      blockNumber: 7n,
    });
    expect(block.getBlock()?.getHeader()?.getNumber()).toBe(7);
    expect(blockRequests).toEqual([{ startBlock: 7n }]);
    expect(connects).toHaveLength(1);
    expect(closed()).toBe(1);
    ledger.close();
  });

  it('refuses an identity that is not in the wallet', async () => {
    const { ledger } = client([]);
    await expect(
      ledger.as('user:nobody').evaluate('consent:GetConsent', 'c'),
    ).rejects.toBeInstanceOf(UnauthenticatedError);
    ledger.close();
  });
});
