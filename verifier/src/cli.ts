#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseBundle, parseCheckpoint, type EvidenceBundle } from './bundle.ts';
import { verifyBundle, type Report } from './verify-bundle.ts';

const usage =
  'usage: consent-ledger-verify bundle.json [--file document] [--trust checkpoint.json]';

function readJson(file: string): unknown {
  return JSON.parse(readFileSync(file, 'utf8'));
}

/** What a bundle is about, in one line: its version, its subject and, if any, its private write. */
export function describeBundle(bundle: EvidenceBundle): string {
  const { subject } = bundle;
  const about =
    subject.kind === 'record'
      ? `record ${subject.recordId}${subject.version === undefined ? '' : ` version ${subject.version}`}`
      : subject.kind === 'batch-member'
        ? `record ${subject.item.recordId} in batch ${subject.batchId}`
        : subject.kind === 'access-event'
          ? `access event ${subject.eventId}`
          : subject.kind === 'consent'
            ? `consent ${subject.consentId} version ${subject.version}`
            : `consent request ${subject.requestId}, ${subject.status}`;
  const disclosed =
    bundle.version === 2 && bundle.privateWrite !== undefined
      ? `; discloses its private value in ${bundle.privateWrite.collection}`
      : '';
  return `Evidence bundle version ${bundle.version}: ${about}, transaction ${bundle.transaction.txId} on channel ${bundle.channel}${disclosed}`;
}

/** The report as readable lines. */
export function formatReport(report: Report): string {
  const lines = report.checks.map(
    (check) => `${check.ok ? 'PASS' : 'FAIL'}  ${check.name.padEnd(20)} ${check.detail}`,
  );
  lines.push(
    report.firstFailure === undefined
      ? 'VERIFIED: every check holds.'
      : `NOT VERIFIED: first failed check: ${report.firstFailure}`,
  );
  return lines.join('\n');
}

function main(argv: readonly string[]): number {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: { file: { type: 'string' }, trust: { type: 'string' }, help: { type: 'boolean' } },
    allowPositionals: true,
  });
  const [bundleFile] = positionals;
  if (values.help === true || bundleFile === undefined || positionals.length > 1) {
    console.error(usage);
    return 2;
  }
  const bundle = parseBundle(readJson(bundleFile));
  const report = verifyBundle(bundle, {
    ...(values.file === undefined ? {} : { document: readFileSync(values.file) }),
    ...(values.trust === undefined ? {} : { trust: parseCheckpoint(readJson(values.trust)) }),
  });
  console.log(describeBundle(bundle));
  console.log(formatReport(report));
  return report.ok ? 0 : 1;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (error) {
  console.error(`consent-ledger-verify: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 2;
}
