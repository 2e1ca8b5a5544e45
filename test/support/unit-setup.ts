import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..', '..');

/**
 * Global setup of the unit project: the chaincode's specs route through fabric-shim with the
 * contract metadata the chaincode build generates from ledger-api's types (as the peer does), so a
 * fresh checkout builds the chaincode once before the specs run. `npm test` has built it already.
 */
export default function setup(): void {
  if (existsSync(path.join(root, 'chaincode', 'META-INF', 'metadata.json'))) return;
  console.log('[unit setup] Building the chaincode (its contract metadata)...');
  execFileSync('npm', ['run', 'build', '-w', '@consent-ledger/chaincode'], {
    cwd: root,
    stdio: 'inherit',
  });
}
