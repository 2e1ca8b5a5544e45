import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  DEFAULT_RETENTION_POLICY,
  RETENTION_POLICY_FILE,
  retentionPolicyOf,
  type RetentionPolicy,
} from '@consent-ledger/ledger-api';

/**
 * The retention policy of the installed package: ledger-api's RETENTION_POLICY_FILE at the
 * package root (network/ writes it from topology.yaml), read once when the chaincode process
 * starts, like the benchmark's flag file: a constant of the installed package, the same on every
 * endorser, never something that changes between transactions (changing it is a chaincode
 * upgrade the members approve). Without the file, ledger-api's DEFAULT_RETENTION_POLICY. A file
 * that is not a valid policy stops the chaincode from starting rather than run with another one.
 */

/** The policy in a package folder: its file's, else the defaults (throws on an invalid file). */
export function loadRetentionPolicy(packageRoot: string): RetentionPolicy {
  const file = path.join(packageRoot, RETENTION_POLICY_FILE);
  if (!existsSync(file)) return DEFAULT_RETENTION_POLICY;
  try {
    return retentionPolicyOf(JSON.parse(readFileSync(file, 'utf8')));
  } catch (cause) {
    throw new Error(`${file} is not a retention policy`, { cause });
  }
}

// dist/ledger/retention.js -> the package root.
const POLICY = loadRetentionPolicy(path.join(__dirname, '..', '..'));

/** The retention policy of this package. */
export function retentionPolicy(): RetentionPolicy {
  return POLICY;
}
