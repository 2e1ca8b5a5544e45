import {
  AUTHORIZED_NAMES,
  isAllowed,
  MATRIX_AXES,
  TRANSACTION_SHAPES,
  type AuthorizedName,
  type OrganizationType,
  type Principal,
  type Role,
} from '@consent-ledger/ledger-api';
import { describe, expect, it } from 'vitest';
import {
  createTestNetwork,
  chaincodeRouter,
  identity,
  type TestIdentity,
} from '../testing/harness';
import { bootstrap, MSP, pid } from '../testing/fixtures';

const LEDGER_CONTRACTS = [
  'registry',
  'notice',
  'patient',
  'consent',
  'access',
  'referral',
  'cohort',
  'records',
  'audit',
  'request',
];
const MSP_OF_TYPE: Record<OrganizationType, string> = {
  government: MSP.gov,
  hospital: MSP.tertiary,
  enterprise: MSP.enterprise,
  research: MSP.research,
};

function caller(role: Role, mspId: string): TestIdentity {
  return identity({
    mspId,
    role,
    ...(role === 'patient' ? { patientId: pid(77) } : {}),
    ...(role === 'clinician' ? { practitionerId: 'prac-matrix01' } : {}),
  });
}

/** The catalogue's argument count of a transaction (the metadata declares no parameters). */
function parameterCount(transaction: AuthorizedName): number {
  return TRANSACTION_SHAPES[transaction].args;
}

describe('authorization matrix', () => {
  it('names exactly the transactions the ledger contracts declare', () => {
    const declared = Object.entries(chaincodeRouter().metadata.contracts)
      .filter(([contract]) => LEDGER_CONTRACTS.includes(contract))
      .flatMap(([contract, { transactions }]) => transactions.map((tx) => `${contract}:${tx.name}`))
      .sort();
    expect(declared).toEqual([...AUTHORIZED_NAMES]);
  });

  it('is enforced for every role of every organization type on every transaction', async () => {
    const network = createTestNetwork();
    await bootstrap(network);
    const kinds: {
      label: string;
      mspId: string;
      orgType: OrganizationType | undefined;
      registered: boolean;
    }[] = [
      ...MATRIX_AXES.orgTypes.map((orgType) => ({
        label: orgType,
        mspId: MSP_OF_TYPE[orgType],
        orgType,
        registered: true,
      })),
      { label: 'unregistered', mspId: 'StrangerMSP', orgType: undefined, registered: false },
    ];
    let checked = 0;
    for (const transaction of AUTHORIZED_NAMES) {
      const args = Array.from({ length: parameterCount(transaction) }, () => '{}');
      for (const kind of kinds) {
        for (const role of MATRIX_AXES.roles) {
          const principal: Principal = {
            mspId: kind.mspId,
            role,
            orgType: kind.orgType,
            registered: kind.registered,
          };
          const result = await network.as(caller(role, kind.mspId)).evaluate(transaction, args);
          const label = `${role} of ${kind.label} -> ${transaction}: ${result.message}`;
          if (role === 'patient') {
            // Patients have no certificates: a patient certificate is refused everywhere.
            expect(result.code, label).toBe('FORBIDDEN');
            expect(result.message, label).toMatch(/signed statements/);
          } else {
            const refusedByMatrix =
              result.code === 'FORBIDDEN' && result.message.includes('may not call');
            expect(refusedByMatrix, label).toBe(!isAllowed(transaction, principal));
          }
          checked += 1;
        }
      }
    }
    expect(checked).toBe(AUTHORIZED_NAMES.length * MATRIX_AXES.roles.length * kinds.length);
  });

  it('admits the GovMSP admin to the registry before GovMSP is registered', async () => {
    const network = createTestNetwork();
    const result = await network
      .as(caller('admin', MSP.gov))
      .submit('registry:RegisterOrganization', [
        { mspId: MSP.gov, type: 'government', region: { province: '330000' } },
      ]);
    expect(result.message).toBe('');
    const stranger = await network
      .as(caller('admin', 'StrangerMSP'))
      .submit('registry:RegisterOrganization', [
        { mspId: 'StrangerMSP', type: 'enterprise', region: { province: '330000' } },
      ]);
    expect(stranger.code).toBe('FORBIDDEN');
    const member = await network
      .as(caller('clinician', MSP.tertiary))
      .evaluate('consent:QueryConsents', ['']);
    expect(member.message).toMatch(/^FORBIDDEN: .*not registered/);
  });
});
