import { afterEach, describe, expect, it } from 'vitest';
import { fabricInstall } from './binaries.ts';
import { SNAPSHOT_MEMBERSHIP_PATCH } from './channel.ts';
import { topologyFile } from './paths.ts';
import { loadTopology } from './topology.ts';

const topology = loadTopology(topologyFile, { joined: [], left: [] });
const saved = process.env.FABRIC_MODULE_VERSION;

afterEach(() => {
  if (saved === undefined) delete process.env.FABRIC_MODULE_VERSION;
  else process.env.FABRIC_MODULE_VERSION = saved;
});

describe('the Fabric install', () => {
  it('builds the pinned version with the patches, in a folder that names their digest', () => {
    delete process.env.FABRIC_MODULE_VERSION;
    const install = fabricInstall(topology);
    expect(install.release).toBe(topology.fabric.release);
    expect(install.patches).toContain(SNAPSHOT_MEMBERSHIP_PATCH);
    expect(install.binDir).toMatch(/\/fabric-2\.5\.0-bd8e24856939-p[0-9a-f]{8}-ca-v[\d.]+\/bin$/);
  });

  it('applies no patch to another module version, and never shares its folder', () => {
    const pinned = fabricInstall(topology);
    process.env.FABRIC_MODULE_VERSION = 'v1.4.0-rc1.0.20990101000000-0123456789ab';
    const other = fabricInstall(topology);
    expect(other.patches).toEqual([]);
    expect(other.binDir).not.toBe(pinned.binDir);
    expect(other.binDir).not.toMatch(/-p[0-9a-f]{8}-/);
  });
});
