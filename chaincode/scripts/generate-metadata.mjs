// Generates the contract metadata (transactions, parameters, returns, object schemas) from the
// compiled contracts into META-INF/metadata.json, which the chaincode package ships and
// fabric-contract-api serves as org.hyperledger.fabric:GetMetadata (and routes by at runtime).
// `metadata generate` starts from an existing META-INF/metadata.json and keeps its contracts, so
// the previous file is removed first: otherwise new contracts or transactions would be missing.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const cli = createRequire(path.join(root, 'package.json')).resolve('fabric-shim/cli.js');
mkdirSync(path.join(root, 'META-INF'), { recursive: true });
rmSync(path.join(root, 'META-INF', 'metadata.json'), { force: true });
execFileSync(
  process.execPath,
  [
    cli,
    'metadata',
    'generate',
    '--module-path',
    root,
    '--file',
    path.join(root, 'META-INF', 'metadata.json'),
  ],
  { stdio: ['ignore', 'ignore', 'inherit'] },
);
