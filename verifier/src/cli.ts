#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseBundle, parseCheckpoint } from './bundle.ts';
import { verifyBundle, type Report } from './verify-bundle.ts';

const usage =
  'usage: consent-ledger-verify bundle.json [--file document] [--trust checkpoint.json]';

function readJson(file: string): unknown {
  return JSON.parse(readFileSync(file, 'utf8'));
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
  console.log(formatReport(report));
  return report.ok ? 0 : 1;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (error) {
  console.error(`consent-ledger-verify: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 2;
}
