import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadAndValidateMetadata } from 'fabric-shim/lib/contract-spi/bootstrap.js';
import { transientRequest } from '@consent-ledger/ledger-api';
import { describe, expect, it } from 'vitest';
import { contracts, serializers } from '../index';
import {
  bootstrap,
  consentInput,
  MSP,
  ok,
  pid,
  refused,
  registerPatient,
  who,
} from '../testing/fixtures';
import { chaincodeRouter, createTestNetwork, identity, type TestNetwork } from '../testing/harness';
import { functionName } from './ledger-contract';
import { LedgerSerializer } from './ledger-serializer';

const ORGANIZATIONS_GOV = {
  mspId: MSP.gov,
  type: 'government',
  region: { province: '330000', city: '330100' },
};

describe('ledger contract base', () => {
  const ready = async (): Promise<TestNetwork> => {
    const network = createTestNetwork();
    await bootstrap(network);
    return network;
  };

  it('refuses certificates without a valid role, of a patient, or with a bad practitioner ID', async () => {
    const net = await ready();
    const cases = [
      [identity({ mspId: MSP.tertiary }), /no valid role/],
      [identity({ mspId: MSP.tertiary, role: 'superuser' }), /no valid role/],
      [identity({ mspId: MSP.tertiary, role: 'Patient', patientId: pid(1) }), /no valid role/],
      // A patient certificate authorizes nothing, whatever its pseudonym: patients sign statements.
      [identity({ mspId: MSP.tertiary, role: 'patient' }), /signed statements/],
      [
        identity({ mspId: MSP.tertiary, role: 'patient', patientId: 'pid-UPPERCASE00000000' }),
        /signed statements/,
      ],
      [identity({ mspId: MSP.tertiary, role: 'patient', patientId: pid(1) }), /signed statements/],
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

  it('refuses roles the organization type cannot issue, and patient certificates of any', async () => {
    const net = await ready();
    for (const [mspId, role] of [
      [MSP.enterprise, 'clinician'],
      [MSP.tertiary, 'researcher'],
      [MSP.research, 'regulator'],
    ] as const) {
      const caller = identity({ mspId, role, practitionerId: 'prac-role0001' });
      refused(await net.as(caller).evaluate('registry:ListOrganizations'), {
        code: 'FORBIDDEN',
        message: /organizations have no/,
      });
    }
    // The attack of issue 15: an insurer mints a "patient" with a real patient's pseudonym.
    await registerPatient(net, 1);
    for (const mspId of [MSP.research, MSP.gov, MSP.enterprise, MSP.tertiary]) {
      const minted = identity({ mspId, role: 'patient', patientId: pid(1) });
      const granted = await net.as(minted).submit('consent:GrantConsent', [consentInput()]);
      refused(granted, { code: 'FORBIDDEN', message: /signed statements/ });
      expect(granted.privateWrites).toEqual([]);
    }
  });

  it('hashes the certificate ID (subject and issuer DN) as the caller identity hash', async () => {
    const net = await ready();
    await registerPatient(net, 1);
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

  it('refuses a wrong argument count itself, coded (INVALID_ARGUMENT)', async () => {
    const net = await ready();
    refused(await net.as(who.regulator).evaluate('consent:GetConsent', []), {
      code: 'INVALID_ARGUMENT',
      message: /GetConsent takes 1 arguments, not 0/,
    });
    refused(await net.as(who.regulator).evaluate('audit:GetRetentionPolicy', ['extra']), {
      code: 'INVALID_ARGUMENT',
      message: /GetRetentionPolicy takes 0 arguments, not 1/,
    });
  });

  it('takes every input from the transient request, and refuses anything else (coded)', async () => {
    const net = await ready();
    const bytes = (text: string): Record<string, Uint8Array> => ({
      request: Buffer.from(text, 'utf8'),
    });
    const salt = 'AAAAAAAAAAAAAAAAAAAAAA';
    for (const [transient, message] of [
      [{}, /carries no transient entry "request"/],
      [{ other: Buffer.from('{}') }, /carries no transient entry "request"/],
      [bytes(''), /carries no transient entry/],
      [bytes('{not json'), /request: not UTF-8 JSON/],
      [{ request: Uint8Array.of(0xff, 0xfe) }, /not UTF-8 JSON/],
      [bytes('[]'), /request: must be/],
      [bytes('{"args":["a"],"extra":1}'), /request: must be/],
      [bytes('{"args":[1]}'), /request: must be/],
      [bytes('{"args":"a"}'), /request: must be/],
      [transientRequest({ args: ['GovMSP', 'x'] }), /GetOrganization takes 1 arguments, not 2/],
      [transientRequest({ args: ['GovMSP'], salt: 'short' }), /request\.salt/],
    ] as const) {
      refused(await net.as(who.regulator, { transient }).evaluate('registry:GetOrganization'), {
        code: 'INVALID_ARGUMENT',
        message,
      });
    }
    ok(
      await net
        .as(who.regulator, { transient: transientRequest({ args: ['GovMSP'] }) })
        .evaluate('registry:GetOrganization'),
    );
    ok(
      await net
        .as(who.regulator, { transient: transientRequest({ args: ['GovMSP'], salt }) })
        .evaluate('registry:GetOrganization'),
    );
    // Proposal arguments carry nothing: the block records them.
    refused(
      await net
        .as(who.regulator, { proposalArgs: ['GovMSP'] })
        .evaluate('registry:GetOrganization', ['GovMSP']),
      { code: 'INVALID_ARGUMENT', message: /not as proposal arguments/ },
    );
    // Every submit needs a fresh salt (16+ random bytes), also when only evaluated.
    const organization = ORGANIZATIONS_GOV;
    for (const bad of [null, 'short', 'A'.repeat(21), '+'.repeat(22)]) {
      const result = await net
        .as(who.govAdmin, { salt: bad })
        .submit('registry:RegisterOrganization', [organization]);
      refused(result, { code: 'INVALID_ARGUMENT', message: /request\.salt/ });
      expect(result.writes).toEqual([]);
    }
    ok(
      await net.as(who.govAdmin, { salt }).submit('registry:RegisterOrganization', [organization]),
    );
  });

  it('exports the contracts and a serializer that writes sorted-key JSON', () => {
    expect(contracts).toHaveLength(12);
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
