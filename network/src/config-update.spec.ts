import { execFileSync } from 'node:child_process';
import { createHash, createPrivateKey } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { signers } from '@hyperledger/fabric-gateway';
import { common } from '@hyperledger/fabric-protos';
import { afterAll, describe, expect, it } from 'vitest';
import type { ConfigSigner, PolicyRequirement } from './config-tx.ts';

// The exchange lives in the run folder: a temporary one for this spec, set before paths.ts loads.
const runDir = mkdtempSync(path.join(tmpdir(), 'config-update-spec-'));
process.env.CONSENT_LEDGER_RUN_DIR = runDir;
const { configUpdateStatus, listProposals, proposalDir, refusalCode, ConfigUpdateError } =
  await import('./config-update.ts');
const { configUpdateEnvelope, signConfigUpdateBytes } = await import('./config-tx.ts');

afterAll(() => {
  rmSync(runDir, { recursive: true, force: true });
});

const digest = (data: Uint8Array): Uint8Array => createHash('sha256').update(data).digest();

function makeSigner(mspId: string): ConfigSigner {
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      `${mspId}.key`,
      '-out',
      `${mspId}.pem`,
      '-days',
      '1',
      '-subj',
      `/CN=${mspId}`,
    ],
    { cwd: runDir, stdio: 'pipe' },
  );
  return {
    mspId,
    certificate: readFileSync(path.join(runDir, `${mspId}.pem`), 'utf8'),
    sign: signers.newPrivateKeySigner(
      createPrivateKey(readFileSync(path.join(runDir, `${mspId}.key`))),
    ),
  };
}

const MEMBERS = ['AMSP', 'BMSP', 'CMSP', 'DMSP', 'EMSP'];
const majority: PolicyRequirement = {
  policy: '/Channel/Application/Admins',
  rule: 'MAJORITY Admins of AMSP, BMSP, CMSP, DMSP, EMSP',
  tree: { n: 3, of: MEMBERS.map((admin) => ({ admin })) },
  candidates: MEMBERS,
  needed: 3,
};

describe('configUpdateStatus', () => {
  it('counts the signers from the signatures themselves, and ignores what does not verify', async () => {
    const id = '20261206-101500-abcdef';
    const dir = proposalDir(id);
    mkdirSync(path.join(dir, 'signatures'), { recursive: true });
    const update = new common.ConfigUpdate();
    update.setChannelId('health');
    const envelope = configUpdateEnvelope(update);
    writeFileSync(path.join(dir, 'update.pb'), envelope);
    writeFileSync(
      path.join(dir, 'proposal.json'),
      JSON.stringify({
        id,
        description: 'an ACL',
        kind: 'acl',
        createdAt: '2026-12-06T10:15:00.000Z',
        proposer: { org: 'a', mspId: 'AMSP' },
        channel: 'health',
        baseSequence: 4,
        changes: [],
        requirements: [majority],
      }),
    );
    const sign = async (signer: ConfigSigner, file: string, bytes = update.serializeBinary()) => {
      const signature = await signConfigUpdateBytes({
        configUpdate: bytes,
        signer,
        nonce: new Uint8Array(24),
        digest,
      });
      writeFileSync(path.join(dir, 'signatures', file), signature.serializeBinary());
    };
    const [a, b, c] = ['AMSP', 'BMSP', 'CMSP'].map(makeSigner) as [
      ConfigSigner,
      ConfigSigner,
      ConfigSigner,
    ];
    await sign(a, 'AMSP.pb');
    // B's signature filed under C's name, and a signature of another update: neither counts.
    await sign(b, 'CMSP.pb');
    const other = new common.ConfigUpdate();
    other.setChannelId('other');
    await sign(c, 'DMSP.pb', other.serializeBinary());
    let status = configUpdateStatus({ id });
    expect(status.signedBy).toEqual(['AMSP']);
    expect(status.invalidSignatures).toEqual(['CMSP.pb', 'DMSP.pb']);
    expect(status.needed).toBe(3);
    expect(status.enough).toBe(false);

    await sign(b, 'BMSP.pb');
    await sign(c, 'CMSP.pb');
    rmSync(path.join(dir, 'signatures', 'DMSP.pb'));
    status = configUpdateStatus({ id });
    expect(status.signedBy).toEqual(['AMSP', 'BMSP', 'CMSP']);
    expect(status.requirements[0]?.signed).toEqual(['AMSP', 'BMSP', 'CMSP']);
    expect(status.enough).toBe(true);
    expect(listProposals().map((proposal) => proposal.id)).toEqual([id]);
  });

  it('refuses ids that are not proposal ids, and unknown proposals', () => {
    expect(() => proposalDir('../../etc')).toThrow(ConfigUpdateError);
    expect(() => configUpdateStatus({ id: '20261206-101500-000000' })).toThrow(/no proposal/);
  });
});

describe('refusalCode', () => {
  it("names the orderer's refusals", () => {
    expect(
      refusalCode(
        "error authorizing update: error validating DeltaSet: policy for [Group]  /Channel/Application not satisfied: implicit policy evaluation failed - 2 sub-policies were satisfied, but this policy requires 3 of the 'Admins' sub-policies to be satisfied",
      ),
    ).toBe('POLICY_NOT_SATISFIED');
    expect(
      refusalCode(
        'error authorizing update: error validating ReadSet: proposed update requires that key [Value]  /Channel/Application/GovMSP/MSP be at version 1, but it is currently at version 2',
      ),
    ).toBe('STALE_PROPOSAL');
    expect(refusalCode('config update for existing channel did not pass initial checks')).toBe(
      'UPDATE_REFUSED',
    );
  });
});
