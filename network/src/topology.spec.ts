import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
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

describe('member institutions', () => {
  it('declares two insurers and a device maker in the enterprise, two institutes in research', () => {
    const topology = loadTopology(topologyFile, { joined: [], left: [] });
    const listed = (name: string): string[] =>
      (topology.organizations.find((org) => org.name === name)?.institutions ?? []).map(
        (each) => `${each.institutionId} ${each.type}`,
      );
    expect(listed('enterprise')).toEqual([
      'inst-insurer01 insurer',
      'inst-insurer02 insurer',
      'inst-devices01 device-maker',
    ]);
    expect(listed('research')).toEqual([
      'inst-research01 research-institute',
      'inst-research02 research-institute',
    ]);
    expect(listed('tertiary')).toEqual([]);
  });

  it('refuses an institution listed twice, or of a type its organization cannot list', () => {
    const source = readFileSync(topologyFile, 'utf8');
    const file = path.join(dir, 'topology.yaml');
    writeFileSync(file, source.replace('inst-insurer02', 'inst-insurer01'));
    expect(() => loadTopology(file, { joined: [], left: [] })).toThrow(
      /enterprise lists institution inst-insurer01 twice/,
    );
    writeFileSync(file, source.replace('type: device-maker', 'type: research-institute'));
    expect(() => loadTopology(file, { joined: [], left: [] })).toThrow(
      /enterprise \(enterprise\) cannot list research-institute institution inst-devices01/,
    );
    writeFileSync(file, source.replace('inst-research02', 'Population Health'));
    expect(() => loadTopology(file, { joined: [], left: [] })).toThrow(/Invalid topology/);
  });
});
