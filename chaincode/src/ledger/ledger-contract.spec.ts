import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadAndValidateMetadata } from 'fabric-shim/lib/contract-spi/bootstrap.js';
import { describe, expect, it } from 'vitest';
import { contracts, serializers } from '../index';
import { bootstrap, consentInput, MSP, ok, pid, refused } from '../testing/fixtures';
import { chaincodeRouter, createTestNetwork, identity, type TestNetwork } from '../testing/harness';
import { functionName } from './ledger-contract';
import { LedgerSerializer } from './ledger-serializer';

describe('ledger contract base', () => {
  const ready = async (): Promise<TestNetwork> => {
    const network = createTestNetwork();
    await bootstrap(network);
    return network;
  };

  it('refuses certificates without a valid role, patient pseudonym or practitioner ID', async () => {
    const net = await ready();
    const cases = [
      [identity({ mspId: MSP.tertiary }), /no valid role/],
      [identity({ mspId: MSP.tertiary, role: 'superuser' }), /no valid role/],
      [identity({ mspId: MSP.tertiary, role: 'Patient', patientId: pid(1) }), /no valid role/],
      [identity({ mspId: MSP.tertiary, role: 'patient' }), /valid patientId/],
      [
        identity({ mspId: MSP.tertiary, role: 'patient', patientId: 'pid-UPPERCASE00000000' }),
        /valid patientId/,
      ],
      [
        identity({ mspId: MSP.tertiary, role: 'patient', patientId: 'pid-short' }),
        /valid patientId/,
      ],
      [
        identity({ mspId: MSP.tertiary, role: 'clinician', practitionerId: 'Dr Who' }),
        /practitionerId/,
      ],
    ] as const;
    for (const [who, message] of cases) {
      refused(await net.as(who).evaluate('registry:ListOrganizations'), {
        code: 'FORBIDDEN',
        message,
      });
      refused(await net.as(who).submit('consent:GrantConsent', [consentInput()]), {
        code: 'FORBIDDEN',
        message,
      });
    }
  });

  it('refuses roles the organization type cannot issue (a research institute minting patients)', async () => {
    const net = await ready();
    for (const [mspId, role] of [
      [MSP.research, 'patient'],
      [MSP.gov, 'patient'],
      [MSP.enterprise, 'clinician'],
      [MSP.tertiary, 'researcher'],
      [MSP.research, 'regulator'],
    ] as const) {
      const caller = identity({ mspId, role, patientId: pid(1), practitionerId: 'prac-role0001' });
      refused(await net.as(caller).evaluate('registry:ListOrganizations'), {
        code: 'FORBIDDEN',
        message: /organizations have no/,
      });
    }
    ok(
      await net
        .as(identity({ mspId: MSP.enterprise, role: 'patient', patientId: pid(1) }))
        .submit('consent:GrantConsent', [consentInput()]),
    );
  });

  it('hashes the certificate ID (subject and issuer DN) as the caller identity hash', async () => {
    const net = await ready();
    const clinician = identity({
      mspId: MSP.tertiary,
      role: 'clinician',
      practitionerId: 'prac-hash0001',
      commonName: 'dr-li',
    });
    const event = ok(
      await net
        .as(clinician)
        .submit('access:RequestAccess', [
          { patientId: pid(1), purpose: 'treatment', categories: ['outpatient'] },
        ]),
    );
    const id = `x509::/OU=client/CN=dr-li::/C=CN/O=${MSP.tertiary}/CN=ca.${MSP.tertiary.toLowerCase()}`;
    expect(event.accessor.idHash).toBe(createHash('sha256').update(id).digest('hex'));
    // Attributes a role does not use are ignored: a clinician has no patient pseudonym.
    expect(event.accessor).toEqual({
      org: MSP.tertiary,
      role: 'clinician',
      practitionerId: 'prac-hash0001',
      idHash: event.accessor.idHash,
    });
  });

  it('refuses unknown transactions with INVALID_ARGUMENT, before any authorization', async () => {
    const net = await ready();
    const nobody = identity({ mspId: 'StrangerMSP' });
    refused(await net.as(nobody).submit('consent:DeleteEverything', []), {
      code: 'INVALID_ARGUMENT',
      message: /unknown transaction consent:DeleteEverything/,
    });
    refused(await net.as(nobody).evaluate('audit:beforeTransaction', []), 'INVALID_ARGUMENT');
    expect(functionName('consent:GrantConsent')).toBe('GrantConsent');
    expect(functionName('GrantConsent')).toBe('GrantConsent');
    expect(functionName('a:b:c')).toBe('b:c');
  });

  it('leaves a wrong argument count to fabric-contract-api (uncoded)', async () => {
    const net = await ready();
    const result = await net
      .as(identity({ mspId: MSP.gov, role: 'regulator' }))
      .evaluate('consent:GetConsent', []);
    expect(result.ok).toBe(false);
    expect(result.code).toBeUndefined();
    expect(result.message).toMatch(/Expected 1 parameters, but 0 have been supplied/);
  });

  it('exports the contracts and a serializer that writes sorted-key JSON', () => {
    expect(contracts).toHaveLength(9);
    expect(serializers.transaction).toBe('ledgerSerializer');
    const serializer = new LedgerSerializer();
    expect(
      serializer.toBuffer({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: undefined } }).toString(),
    ).toBe('{"a":{"d":[2,{"y":2,"z":1}]},"b":1}');
    expect(serializer.toBuffer('plain', { type: 'string' }).toString()).toBe('plain');
    expect(serializer.toBuffer(undefined)).toBeUndefined();
  });

  it('produces metadata that passes the schema check fabric-chaincode-node runs at startup', () => {
    const directory = mkdtempSync(path.join(tmpdir(), 'metadata-'));
    try {
      const file = path.join(directory, 'metadata.json');
      writeFileSync(file, JSON.stringify(chaincodeRouter().metadata));
      const metadata = loadAndValidateMetadata(file) as {
        contracts: Record<string, { transactions: { name: string; returns?: unknown }[] }>;
        components: { schemas: Record<string, unknown> };
      };
      expect(Object.keys(metadata.components.schemas)).toEqual(
        expect.arrayContaining([
          'Consent',
          'AccessEvent',
          'RecordAnchor',
          'Batch',
          'Statistics',
          'Organization',
        ]),
      );
      const grant = metadata.contracts.consent?.transactions.find(
        (tx) => tx.name === 'GrantConsent',
      );
      expect(grant?.returns).toEqual({ $ref: '#/components/schemas/Consent' });
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
