// Generates the contract metadata (transactions, parameters, returns, object schemas) from the
// compiled contracts into META-INF/metadata.json, which the chaincode package ships and
// fabric-contract-api serves as org.hyperledger.fabric:GetMetadata.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const cli = createRequire(path.join(root, 'package.json')).resolve('fabric-shim/cli.js');
mkdirSync(path.join(root, 'META-INF'), { recursive: true });
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
