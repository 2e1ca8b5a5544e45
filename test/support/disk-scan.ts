import { readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { peerRuntime } from '@consent-ledger/network';
import { org } from './ledger.ts';

/**
 * What a member's disk holds: the files of a folder, and a byte search of them for canaries (the
 * identifiers a test wrote). A leak test scans the members not entitled to something and, as its
 * positive control, those entitled: a scan that finds nothing there would be blind.
 */

const encoder = new TextEncoder();

/** Every regular file under a folder (none when it does not exist). */
export function filesUnder(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((entry) => {
    const file = path.join(dir, entry);
    const stat = statSync(file, { throwIfNoEntry: false });
    if (stat === undefined) return [];
    return stat.isDirectory() ? filesUnder(file) : stat.isFile() ? [file] : [];
  });
}

/**
 * Byte search (Buffer.indexOf) of every canary in every file; the hits, by canary. The files are
 * read asynchronously: a scan of a peer's ledger takes seconds, and a test's HTTP connections kept
 * alive must see their idle timers run meanwhile (a blocked event loop reuses a socket the gateway
 * closed: "other side closed").
 */
export async function scan(
  files: readonly string[],
  canaries: readonly string[],
): Promise<Map<string, string[]>> {
  const hits = new Map<string, string[]>();
  const needles = canaries.map((canary) => ({
    canary,
    bytes: Buffer.from(encoder.encode(canary)),
  }));
  for (const file of files) {
    let content: Buffer;
    try {
      content = await readFile(file);
    } catch {
      continue;
    }
    for (const { canary, bytes } of needles) {
      if (content.includes(bytes)) hits.set(canary, [...(hits.get(canary) ?? []), file]);
    }
  }
  return hits;
}

/** The files of an organization's (first) peer: its ledger, state and private data stores. */
export function peerFiles(orgName: string): string[] {
  const organization = org(orgName);
  const [peer] = organization.peers;
  if (peer === undefined) throw new Error(`${orgName} has no peer`);
  return filesUnder(peerRuntime(organization, peer).dataDir);
}
