import { beforeEach, describe, expect, it } from 'vitest';
import { bootstrap, MSP, ok, ORGANIZATIONS, refused, who } from '../testing/fixtures';
import { createTestNetwork, identity, type TestNetwork } from '../testing/harness';

describe('registry contract', () => {
  let network: TestNetwork;
  beforeEach(() => {
    network = createTestNetwork({ start: '2026-11-22T00:00:00.000Z' });
  });

  it('bootstraps: the GovMSP admin registers every organization, its own included', async () => {
    expect(ok(await network.as(who.govAdmin).evaluate('registry:ListOrganizations'))).toEqual([]);
    await bootstrap(network);
    const listed = ok(await network.as(who.govAdmin).evaluate('registry:ListOrganizations'));
    expect(listed.map((org) => org.mspId)).toEqual(ORGANIZATIONS.map((org) => org.mspId).sort());
    expect(listed.find((org) => org.mspId === MSP.tertiary)).toEqual({
      mspId: MSP.tertiary,
      type: 'hospital',
      tier: 'tertiary',
      region: { province: '330000', city: '330100', county: '330106' },
      registeredAt: expect.any(String) as string,
      updatedAt: expect.any(String) as string,
      txId: expect.stringMatching(/^[0-9a-f]{64}$/) as string,
    });
  });

  it('upserts: a new registration keeps registeredAt and updates the rest', async () => {
    await bootstrap(network);
    const before = ok(
      await network.as(who.regulator).evaluate('registry:GetOrganization', [MSP.enterprise]),
    );
    const result = await network.as(who.govAdmin).submit('registry:RegisterOrganization', [
      {
        mspId: MSP.enterprise,
        type: 'enterprise',
        region: { province: '440000', city: '440300' },
        // A registration replaces the institutions (institutions.spec.ts): the same ones here.
        institutions: before.institutions,
      },
    ]);
    expect(ok(result)).toEqual({
      ...before,
      region: { province: '440000', city: '440300' },
      updatedAt: result.timestamp,
      txId: result.txId,
    });
    expect(result.event).toBeUndefined();
    expect(result.writes).toHaveLength(1);
  });

  it('is readable by any member, and by callers whose organization is not registered', async () => {
    await bootstrap(network);
    const stranger = identity({ mspId: 'StrangerMSP', role: 'analyst' });
    expect(
      ok(await network.as(stranger).evaluate('registry:GetOrganization', [MSP.gov])).type,
    ).toBe('government');
    expect(
      ok(await network.as(who.researcher).evaluate('registry:ListOrganizations')),
    ).toHaveLength(5);
    refused(
      await network.as(stranger).evaluate('registry:GetOrganization', ['StrangerMSP']),
      'ORG_NOT_FOUND',
    );
    refused(
      await network.as(stranger).evaluate('registry:GetOrganization', ['not an msp']),
      'INVALID_ARGUMENT',
    );
  });

  it('keeps GovMSP the one government organization (RULE_VIOLATION)', async () => {
    refused(
      await network
        .as(who.govAdmin)
        .submit('registry:RegisterOrganization', [
          { mspId: MSP.gov, type: 'hospital', tier: 'tertiary', region: { province: '330000' } },
        ]),
      'RULE_VIOLATION',
    );
    refused(
      await network
        .as(who.govAdmin)
        .submit('registry:RegisterOrganization', [
          { mspId: 'ShadowGovMSP', type: 'government', region: { province: '330000' } },
        ]),
      'RULE_VIOLATION',
    );
  });

  it('refuses malformed registrations (INVALID_ARGUMENT naming the field)', async () => {
    for (const [input, message] of [
      [
        { mspId: 'X', type: 'hospital', region: { province: '330000' } },
        /organization\.tier: is required/,
      ],
      [
        { mspId: 'X', type: 'research', tier: 'tertiary', region: { province: '330000' } },
        /organization\.tier: is for hospitals/,
      ],
      [{ mspId: 'X', type: 'bank', region: { province: '330000' } }, /organization\.type/],
      [{ mspId: '1X', type: 'research', region: { province: '330000' } }, /organization\.mspId/],
      [
        { mspId: 'X', type: 'research', region: { province: '330000', county: '330106' } },
        /organization\.region\.county: needs its city/,
      ],
      [
        { mspId: 'X', type: 'research', region: { province: '330000', city: '340100' } },
        /organization\.region\.city: must lie/,
      ],
      [
        { mspId: 'X', type: 'research', region: { province: '330000' }, displayName: 'Acme' },
        /Unrecognized key/,
      ],
      ['null', /organization: Invalid input/],
    ] as const) {
      refused(await network.as(who.govAdmin).submit('registry:RegisterOrganization', [input]), {
        code: 'INVALID_ARGUMENT',
        message,
      });
    }
  });

  it('deregisters an organization that leaves: the member list and its collections follow', async () => {
    await bootstrap(network);
    const removed = await network
      .as(who.govAdmin)
      .submit('registry:DeregisterOrganization', [MSP.community]);
    expect(ok(removed)).toEqual({ mspId: MSP.community, removed: true });
    expect(removed.writes).toHaveLength(1);
    const listed = ok(await network.as(who.regulator).evaluate('registry:ListOrganizations'));
    expect(listed.map((org) => org.mspId)).not.toContain(MSP.community);
    expect(listed).toHaveLength(ORGANIZATIONS.length - 1);
    refused(
      await network.as(who.regulator).evaluate('registry:GetOrganization', [MSP.community]),
      'ORG_NOT_FOUND',
    );
    // Idempotent: a leave cut off halfway runs again.
    expect(
      ok(await network.as(who.govAdmin).submit('registry:DeregisterOrganization', [MSP.community])),
    ).toEqual({ mspId: MSP.community, removed: false });
  });

  it('lets only the government admin deregister, and never the regulator itself', async () => {
    await bootstrap(network);
    for (const caller of [who.tertiaryAdmin, who.regulator, who.researcher]) {
      refused(
        await network.as(caller).submit('registry:DeregisterOrganization', [MSP.community]),
        'FORBIDDEN',
      );
    }
    refused(
      await network.as(who.govAdmin).submit('registry:DeregisterOrganization', [MSP.gov]),
      'RULE_VIOLATION',
    );
    refused(
      await network.as(who.govAdmin).submit('registry:DeregisterOrganization', ['not an msp']),
      { code: 'INVALID_ARGUMENT', message: /mspId/ },
    );
    expect(ok(await network.as(who.regulator).evaluate('registry:ListOrganizations'))).toHaveLength(
      ORGANIZATIONS.length,
    );
  });
});
