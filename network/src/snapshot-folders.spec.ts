import { describe, expect, it } from 'vitest';
import {
  hasChaincodePrivateHashes,
  latestSnapshotBlock,
  parseChannelInfo,
  parseJoinBySnapshotStatus,
  parseSnapshotMetadata,
  snapshotMismatches,
  snapshotsBeyond,
} from './snapshot-folders.ts';

const signable = {
  channel_name: 'health',
  last_block_number: 41,
  last_block_hash: 'ab12',
  previous_block_hash: 'cd34',
  state_db_type: 'SimpleKeyValueDB',
  snapshot_files_raw_hashes: { 'public_state.data': '00ff', 'txids.data': '11ee' },
};
const additional = { snapshot_hash: '99aa', last_block_commit_hash: '' };

describe('latestSnapshotBlock', () => {
  it('picks the highest block number among the folders', () => {
    expect(latestSnapshotBlock(['9', '41', '10'])).toBe(41);
  });

  it('ignores what is not a block number, and is undefined without one', () => {
    expect(latestSnapshotBlock(['.partial', '12a', 'tmp', '3'])).toBe(3);
    expect(latestSnapshotBlock(['tmp'])).toBeUndefined();
    expect(latestSnapshotBlock([])).toBeUndefined();
  });
});

describe('snapshotsBeyond', () => {
  it('names every snapshot but the newest ones, oldest first, by number not by text', () => {
    expect(snapshotsBeyond(['1806', '99', '1350', '1590'], 2)).toEqual(['99', '1350']);
    expect(snapshotsBeyond(['1806', '99', '1350', '1590'], 1)).toEqual(['99', '1350', '1590']);
  });

  it('leaves partial copies and other names alone, and nothing when there are few enough', () => {
    expect(snapshotsBeyond(['.41.partial', '41', '7', 'tmp'], 1)).toEqual(['7']);
    expect(snapshotsBeyond(['41', '7'], 2)).toEqual([]);
    expect(snapshotsBeyond([], 2)).toEqual([]);
  });

  it('refuses to keep none', () => {
    expect(() => snapshotsBeyond(['1'], 0)).toThrow(RangeError);
    expect(() => snapshotsBeyond(['1'], 1.5)).toThrow(RangeError);
  });
});

describe('parseSnapshotMetadata', () => {
  it('reads the channel, the last block and the hashes', () => {
    expect(
      parseSnapshotMetadata({
        signable: JSON.stringify(signable),
        additional: JSON.stringify(additional),
      }),
    ).toEqual({
      channel: 'health',
      lastBlockNumber: 41,
      lastBlockHash: 'ab12',
      snapshotHash: '99aa',
      fileHashes: signable.snapshot_files_raw_hashes,
    });
  });

  it('refuses text that is not JSON', () => {
    expect(() =>
      parseSnapshotMetadata({ signable: '{', additional: JSON.stringify(additional) }),
    ).toThrow(expect.objectContaining({ name: 'SnapshotError', code: 'SNAPSHOT_INVALID' }));
  });

  it('refuses metadata without its fields or with a non-hex hash', () => {
    const { channel_name: _dropped, ...noChannel } = signable;
    expect(() =>
      parseSnapshotMetadata({
        signable: JSON.stringify(noChannel),
        additional: JSON.stringify(additional),
      }),
    ).toThrow(expect.objectContaining({ code: 'SNAPSHOT_INVALID' }));
    expect(() =>
      parseSnapshotMetadata({
        signable: JSON.stringify(signable),
        additional: JSON.stringify({ snapshot_hash: 'not hex' }),
      }),
    ).toThrow(expect.objectContaining({ code: 'SNAPSHOT_INVALID' }));
    expect(() =>
      parseSnapshotMetadata({
        signable: JSON.stringify({ ...signable, last_block_number: -1 }),
        additional: JSON.stringify(additional),
      }),
    ).toThrow(expect.objectContaining({ code: 'SNAPSHOT_INVALID' }));
  });
});

describe('snapshotMismatches', () => {
  it('is empty when every file matches', () => {
    expect(snapshotMismatches({ a: '01', b: '02' }, { a: '01', b: '02', c: '03' })).toEqual([]);
  });

  it('names changed and missing files, sorted', () => {
    expect(snapshotMismatches({ b: '02', a: '01', c: '03' }, { a: '01', b: 'ff' })).toEqual([
      'b',
      'c',
    ]);
  });
});

describe('parseChannelInfo', () => {
  it('reads the height and hashes after the log line', () => {
    const output =
      '2026-12-06 09:00:00.000 UTC 0001 INFO [channelCmd] InitCmdFactory -> Endorser and orderer connections initialized\n' +
      'Blockchain info: {"height":970,"currentBlockHash":"JgK9","previousBlockHash":"f8lZ"}\n';
    expect(parseChannelInfo(output)).toEqual({
      height: 970,
      currentBlockHash: 'JgK9',
      previousBlockHash: 'f8lZ',
    });
  });

  it('takes a genesis-only channel without a previous hash', () => {
    expect(parseChannelInfo('Blockchain info: {"height":1,"currentBlockHash":"x"}')).toEqual({
      height: 1,
      currentBlockHash: 'x',
      previousBlockHash: '',
    });
  });

  it('refuses output without channel info', () => {
    for (const output of ['Error: channel not found', 'Blockchain info: {height', '{"h":1}']) {
      expect(() => parseChannelInfo(output)).toThrow(
        expect.objectContaining({ code: 'SNAPSHOT_UNPARSABLE_OUTPUT' }),
      );
    }
  });
});

describe('parseJoinBySnapshotStatus', () => {
  it('reads a join in progress and its snapshot folder', () => {
    expect(
      parseJoinBySnapshotStatus(
        'A joinbysnapshot operation is in progress for snapshot at /x/exchange/snapshots/health/41\n',
      ),
    ).toEqual({ inProgress: true, snapshotDir: '/x/exchange/snapshots/health/41' });
  });

  it('reads no join in progress', () => {
    expect(parseJoinBySnapshotStatus('No joinbysnapshot operation is in progress\n')).toEqual({
      inProgress: false,
    });
  });

  it('refuses anything else', () => {
    expect(() => parseJoinBySnapshotStatus('Error: access denied')).toThrow(
      expect.objectContaining({ code: 'SNAPSHOT_UNPARSABLE_OUTPUT' }),
    );
  });
});

describe('hasChaincodePrivateHashes', () => {
  it('is false with the lifecycle approvals only, or nothing', () => {
    expect(
      hasChaincodePrivateHashes(
        '/_lifecycle$$h_implicit_org_GovMSP\u0012(_lifecycle$$h_implicit_org_ResearchMSP',
      ),
    ).toBe(false);
    expect(hasChaincodePrivateHashes('')).toBe(false);
  });

  it('is true with hashes of a chaincode collection', () => {
    expect(
      hasChaincodePrivateHashes(
        '/_lifecycle$$h_implicit_org_GovMSP\u00122(consent-ledger$$horg_EnterpriseMSP',
      ),
    ).toBe(true);
  });
});
