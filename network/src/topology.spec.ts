import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { topologyFile } from './paths.ts';
import { loadTopology, readMemberList } from './topology.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'topology-spec-'));
const names = (orgs: readonly { name: string }[]): string[] => orgs.map((org) => org.name);

describe('the member list', () => {
  it('leaves a candidate (joins: later) out of the founders', () => {
    const topology = loadTopology(topologyFile, { joined: [], left: [] });
    expect(names(topology.organizations)).toEqual([
      'gov',
      'tertiary',
      'community',
      'enterprise',
      'research',
    ]);
    expect(names(topology.candidates)).toEqual(['county']);
  });

  it('adds an organization that joined and drops one that left, in the file order', () => {
    const topology = loadTopology(topologyFile, { joined: ['county'], left: ['enterprise'] });
    expect(names(topology.organizations)).toEqual([
      'gov',
      'tertiary',
      'community',
      'research',
      'county',
    ]);
    expect(names(topology.candidates)).toEqual(['enterprise']);
  });

  it('refuses a member list that names an organization the topology lacks', () => {
    expect(() => loadTopology(topologyFile, { joined: ['pharmacy'], left: [] })).toThrow(
      /names pharmacy/,
    );
  });

  it('reads the recorded list (none: founders only) and refuses a malformed one', () => {
    expect(readMemberList(path.join(dir, 'absent.json'))).toEqual({ joined: [], left: [] });
    const file = path.join(dir, 'members.json');
    writeFileSync(file, JSON.stringify({ joined: ['county'], left: [] }));
    expect(readMemberList(file)).toEqual({ joined: ['county'], left: [] });
    writeFileSync(file, JSON.stringify({ joined: 'county' }));
    expect(() => readMemberList(file)).toThrow(/Invalid member list/);
  });
});
