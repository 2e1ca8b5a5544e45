import { z } from 'zod';

/**
 * The pure parts of joining a peer from a ledger snapshot (channel.ts takeSnapshot and
 * joinPeerBySnapshot): reading a peer's snapshot folders, the snapshot's metadata files and the
 * `peer channel getinfo` / `joinbysnapshotstatus` answers.
 */

/** Codes of {@link SnapshotError}. */
export type SnapshotErrorCode =
  | 'SNAPSHOT_INVALID'
  | 'SNAPSHOT_CORRUPT'
  | 'SNAPSHOT_TIMEOUT'
  | 'SNAPSHOT_JOIN_FAILED'
  | 'SNAPSHOT_UNSUPPORTED'
  | 'SNAPSHOT_UNPARSABLE_OUTPUT';

/** A snapshot that cannot be taken, copied, trusted or joined from. */
export class SnapshotError extends Error {
  override readonly name = 'SnapshotError';
  readonly code: SnapshotErrorCode;
  constructor(code: SnapshotErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}

/** The file Fabric writes into every snapshot with the channel, the last block and the files' hashes. */
export const SIGNABLE_METADATA_FILE = '_snapshot_signable_metadata.json';
/** The file Fabric writes beside it with the hash of the signable metadata (the snapshot's hash). */
export const ADDITIONAL_METADATA_FILE = '_snapshot_additional_metadata.json';

/**
 * The newest snapshot among the entries of a peer's `completed/<channel>/` folder: Fabric names
 * each snapshot folder by the number of the last block it holds. Other names are ignored;
 * undefined when there is none.
 */
export function latestSnapshotBlock(entries: readonly string[]): number | undefined {
  const numbers = snapshotFolders(entries).map(Number);
  return numbers.length === 0 ? undefined : Math.max(...numbers);
}

/** The entries named as Fabric names a snapshot folder: its last block number. */
function snapshotFolders(entries: readonly string[]): string[] {
  return entries.filter((entry) => /^\d+$/.test(entry));
}

/** How many snapshots of a channel an organization keeps published in the exchange area. */
export const SNAPSHOTS_KEPT = 2;

/**
 * The snapshot folders (entries named by their last block number) to delete so that only the
 * newest `keep` remain, oldest first. Other names (a `.N.partial` copy) are left alone.
 */
export function snapshotsBeyond(entries: readonly string[], keep: number): string[] {
  if (!Number.isInteger(keep) || keep < 1) throw new RangeError(`keep must be 1 or more: ${keep}`);
  const numbered = snapshotFolders(entries);
  numbered.sort((a, b) => Number(b) - Number(a));
  return numbered.slice(keep).reverse();
}

const hex = z.string().regex(/^[0-9a-f]+$/);

const signableSchema = z.object({
  channel_name: z.string().min(1),
  last_block_number: z.number().int().nonnegative(),
  last_block_hash: hex,
  previous_block_hash: z.string(),
  state_db_type: z.string(),
  snapshot_files_raw_hashes: z.record(z.string(), hex),
});

const additionalSchema = z.object({
  snapshot_hash: hex,
  last_block_commit_hash: z.string().optional(),
});

/** What a snapshot's metadata files say about it. */
export interface SnapshotMetadata {
  readonly channel: string;
  readonly lastBlockNumber: number;
  /** Hex SHA-256 of the last block's header, as every peer of the channel has it. */
  readonly lastBlockHash: string;
  /** Hex SHA-256 of the signable metadata file: the snapshot's identity across peers. */
  readonly snapshotHash: string;
  /** The data files' hex SHA-256, by file name. */
  readonly fileHashes: Readonly<Record<string, string>>;
}

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new SnapshotError('SNAPSHOT_INVALID', `${file} is not JSON`, { cause: error });
  }
}

/** Reads a snapshot's two metadata files (their text); throws SNAPSHOT_INVALID when malformed. */
export function parseSnapshotMetadata(
  texts: Readonly<{ signable: string; additional: string }>,
): SnapshotMetadata {
  const signable = signableSchema.safeParse(parseJson(texts.signable, SIGNABLE_METADATA_FILE));
  if (!signable.success) {
    throw new SnapshotError(
      'SNAPSHOT_INVALID',
      `${SIGNABLE_METADATA_FILE} is malformed: ${signable.error.message}`,
    );
  }
  const additional = additionalSchema.safeParse(
    parseJson(texts.additional, ADDITIONAL_METADATA_FILE),
  );
  if (!additional.success) {
    throw new SnapshotError(
      'SNAPSHOT_INVALID',
      `${ADDITIONAL_METADATA_FILE} is malformed: ${additional.error.message}`,
    );
  }
  return {
    channel: signable.data.channel_name,
    lastBlockNumber: signable.data.last_block_number,
    lastBlockHash: signable.data.last_block_hash,
    snapshotHash: additional.data.snapshot_hash,
    fileHashes: signable.data.snapshot_files_raw_hashes,
  };
}

/**
 * The files whose hash differs from the metadata's (or that are missing: `actual` has no entry),
 * sorted; empty when the snapshot is intact.
 */
export function snapshotMismatches(
  expected: Readonly<Record<string, string>>,
  actual: Readonly<Record<string, string | undefined>>,
): string[] {
  return Object.entries(expected)
    .filter(([file, sha256]) => actual[file] !== sha256)
    .map(([file]) => file)
    .sort();
}

/** A peer's view of a channel, from `peer channel getinfo`. */
export interface ChannelInfo {
  readonly height: number;
  /** Base64 of the hash of the block at height - 1. */
  readonly currentBlockHash: string;
  readonly previousBlockHash: string;
}

const infoSchema = z.object({
  height: z.number().int().nonnegative(),
  currentBlockHash: z.string().default(''),
  previousBlockHash: z.string().default(''),
});

/** Reads `peer channel getinfo` output (`Blockchain info: {...}`). */
export function parseChannelInfo(output: string): ChannelInfo {
  const start = output.indexOf('{');
  const end = output.lastIndexOf('}');
  if (start < 0 || end < start) {
    throw new SnapshotError(
      'SNAPSHOT_UNPARSABLE_OUTPUT',
      `no channel info in: ${output.slice(0, 200)}`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(output.slice(start, end + 1));
  } catch (error) {
    throw new SnapshotError(
      'SNAPSHOT_UNPARSABLE_OUTPUT',
      `channel info is not JSON: ${output.slice(0, 200)}`,
      { cause: error },
    );
  }
  const info = infoSchema.safeParse(json);
  if (!info.success) {
    throw new SnapshotError(
      'SNAPSHOT_UNPARSABLE_OUTPUT',
      `channel info is malformed: ${info.error.message}`,
    );
  }
  return info.data;
}

/** Whether a join by snapshot is running on a peer, from `peer channel joinbysnapshotstatus`. */
export type JoinBySnapshotStatus =
  { readonly inProgress: false } | { readonly inProgress: true; readonly snapshotDir: string };

/** Reads `peer channel joinbysnapshotstatus` output (Fabric 2.5's two sentences). */
export function parseJoinBySnapshotStatus(output: string): JoinBySnapshotStatus {
  if (output.includes('No joinbysnapshot operation is in progress')) return { inProgress: false };
  const running = /A joinbysnapshot operation is in progress for snapshot at (.*)$/m.exec(output);
  if (running?.[1] !== undefined) return { inProgress: true, snapshotDir: running[1].trim() };
  throw new SnapshotError(
    'SNAPSHOT_UNPARSABLE_OUTPUT',
    `unexpected joinbysnapshotstatus output: ${output.slice(0, 200)}`,
  );
}

/** The file of a snapshot that indexes its private data hashes as `<namespace>$$h<collection>`. */
export const PRIVATE_HASHES_METADATA_FILE = 'private_state_hashes.metadata';

/**
 * Whether a snapshot holds private data hashes of a chaincode (a namespace other than
 * `_lifecycle`, whose organizations' approvals are the only private data of a channel without
 * chaincode collections), from the text of its {@link PRIVATE_HASHES_METADATA_FILE}.
 */
export function hasChaincodePrivateHashes(metadata: string): boolean {
  const all = metadata.split('$$h').length - 1;
  const lifecycle = metadata.split('_lifecycle$$h').length - 1;
  return all > lifecycle;
}
