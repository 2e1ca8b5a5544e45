import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inclusionProof, toHex } from '@consent-ledger/ledger-api';
import {
  FOREIGN_PRINCIPALS,
  PRINCIPALS,
  TRANSACTIONS,
  expectedForTransaction,
  principalLabel,
  renderAuthorizationDoc,
  type MatrixPrincipal,
  type TransactionRow,
} from '../support/authorization-matrix.ts';
import { mapLimit } from '../support/concurrency.ts';
import { closeUsers, enrollUser, newPatientId, type TestUser } from '../support/identities.ts';
import { errorText } from '../support/ledger-errors.ts';
import { contractOf, text } from '../support/ledger.ts';

/**
 * The authorization matrix (test/support/authorization-matrix.ts) against the running chaincode:
 * a user of every role of every organization, enrolled with its organization's CA, calls every
 * transaction of every contract with its own certificate. Submit transactions are endorsed only
 * (never ordered), so nothing of the matrix run is written; the fixtures it reads are committed
 * once, up front. A refusal must be `FORBIDDEN`; an allowed call anything but `FORBIDDEN`.
 */

const CONCURRENCY = 8;
const sha256 = (data: string): string => createHash('sha256').update(data).digest('hex');
const fresh = (prefix: string): string => `authz-${prefix}-${randomBytes(6).toString('hex')}`;
const json = (value: unknown): string => JSON.stringify(value);

interface Organization {
  mspId: string;
  type: string;
  tier?: string;
  region: Record<string, string>;
}
interface Item {
  recordId: string;
  patientId: string;
  category: string;
  sha256: string;
}

const MSPS = PRINCIPALS.map((p) => p.mspId).filter((id, i, all) => all.indexOf(id) === i);

/** One call of the matrix run. */
interface Case {
  readonly principal: MatrixPrincipal;
  readonly row: TransactionRow;
  /** `own`: the principal's own data; `other`: someone else's (for `own` cells). */
  readonly data: 'own' | 'other';
  readonly forbidden: boolean;
  readonly args: readonly string[];
}

/** What a call came to. */
interface Result {
  readonly case: Case;
  readonly outcome: 'ok' | 'forbidden' | 'error';
  readonly detail: string;
}

describe('authorization matrix: every role of every organization x every transaction', () => {
  const users = new Map<string, TestUser>();
  const user = (label: string): TestUser => {
    const found = users.get(label);
    if (found === undefined) throw new Error(`no user ${label}`);
    return found;
  };
  const pid = (label: string): string => user(label).patientId ?? '';
  const cases: Case[] = [];
  const results: Result[] = [];
  let started = 0;

  beforeAll(async () => {
    started = Date.now();
    // One user per role per organization, and one per role its type does not issue, and one
    // without a role.
    await mapLimit([...PRINCIPALS, ...FOREIGN_PRINCIPALS], 4, async (principal) => {
      users.set(
        principalLabel(principal),
        await enrollUser({
          org: principal.org,
          role: principal.role,
          ...(principal.role === 'patient' ? { patientId: newPatientId() } : {}),
          ...(principal.role === '' ? { withoutRole: true } : {}),
        }),
      );
    });
    const patients = ['tertiary/patient', 'community/patient', 'enterprise/patient'];
    const [pt, pc, pe] = patients.map(pid) as [string, string, string];
    // Fixture writes run in parallel; one that loses an MVCC/phantom race, or meets an orderer
    // being restarted (fault tests), is submitted again.
    const submit = async (label: string, name: string, ...args: string[]): Promise<unknown> => {
      const [contract, transaction] = name.split(':') as [string, string];
      for (let attempt = 1; ; attempt += 1) {
        try {
          return JSON.parse(
            text(
              await user(label)
                .contract(contract)
                .submitTransaction(transaction, ...args),
            ),
          ) as unknown;
        } catch (error) {
          const retry = /(MVCC_READ|PHANTOM_READ)_CONFLICT|UNAVAILABLE/.test(errorText(error));
          if (attempt >= 5 || !retry) throw error;
          await new Promise((resolve) => setTimeout(resolve, 2_000 * attempt));
        }
      }
    };
    const id = (field: string) => (value: unknown) =>
      (value as Record<string, string>)[field] ?? '';
    const validUntil = new Date(Date.now() + 30 * 86_400_000).toISOString();
    const consentTo = (org: string): string =>
      json({
        grantee: { org },
        purposes: ['insurance', 'public-health', 'referral', 'research', 'treatment'],
        categories: ['laboratory', 'outpatient', 'wearable'],
      });

    // Fixtures, committed: consents, referrals, records, a batch, access events, a break-glass.
    const records: Record<string, Item> = {
      [pt]: { recordId: fresh('rec'), patientId: pt, category: 'outpatient', sha256: sha256('t') },
      [pc]: { recordId: fresh('rec'), patientId: pc, category: 'outpatient', sha256: sha256('c') },
      [pe]: { recordId: fresh('rec'), patientId: pe, category: 'outpatient', sha256: sha256('e') },
    };
    const batchItems: Item[] = [pt, pc, pe].map((patientId) => ({
      category: 'outpatient',
      patientId,
      recordId: fresh('item'),
      sha256: sha256(patientId),
    }));
    const access = (patientId: string): string =>
      json({ patientId, purpose: 'treatment', categories: ['outpatient'] });
    const referral = (patientId: string): string =>
      json({
        patientId,
        toOrg: 'CommunityHospitalMSP',
        categories: ['outpatient'],
        validUntil,
      });
    const [consentsOfPt, consentPc, consentPe, referrals, , , , batch, events, breakGlass, orgs] =
      await Promise.all([
        Promise.all(
          MSPS.map((msp) => submit('tertiary/patient', 'consent:GrantConsent', consentTo(msp))),
        ),
        submit('community/patient', 'consent:GrantConsent', consentTo('ResearchMSP')),
        submit('enterprise/patient', 'consent:GrantConsent', consentTo('EnterpriseMSP')),
        Promise.all(
          [pt, pc, pe].map((p) =>
            submit('tertiary/clinician', 'referral:CreateReferral', referral(p)),
          ),
        ),
        submit('tertiary/clinician', 'records:AnchorRecord', json(records[pt])),
        submit('community/clinician', 'records:AnchorRecord', json(records[pc])),
        submit('tertiary/clinician', 'records:AnchorRecord', json(records[pe])),
        submit('tertiary/clinician', 'records:AnchorBatch', json({ items: batchItems })),
        Promise.all([
          submit('gov/analyst', 'access:RequestAccess', access(pt)),
          submit('tertiary/clinician', 'access:RequestAccess', access(pt)),
          submit('community/clinician', 'access:RequestAccess', access(pc)),
          submit('enterprise/analyst', 'access:RequestAccess', access(pe)),
          submit('research/researcher', 'access:RequestAccess', access(pc)),
        ]),
        submit(
          'tertiary/clinician',
          'access:RequestEmergencyAccess',
          json({
            patientId: pt,
            categories: ['outpatient'],
            reasonCode: 'LIFE_THREATENING',
            justificationHash: sha256('authorization matrix'),
          }),
        ),
        user('gov/analyst')
          .contract('registry')
          .evaluateTransaction('ListOrganizations')
          .then((bytes) => JSON.parse(text(bytes)) as Organization[]),
      ]);
    const grantedTo = Object.fromEntries(
      MSPS.map((msp, index) => [msp, id('consentId')(consentsOfPt[index])]),
    );
    const ownConsent = {
      [pt]: grantedTo.TertiaryHospitalMSP ?? '',
      [pc]: id('consentId')(consentPc),
      [pe]: id('consentId')(consentPe),
    };
    const referralOf = Object.fromEntries(
      [pt, pc, pe].map((p, index) => [p, id('referralId')(referrals[index])]),
    );
    const eventOf = Object.fromEntries(
      MSPS.map((msp, index) => [msp, id('eventId')(events[index])]),
    );
    const eventAbout = {
      [pt]: eventOf.TertiaryHospitalMSP ?? '',
      [pc]: eventOf.CommunityHospitalMSP ?? '',
      [pe]: eventOf.EnterpriseMSP ?? '',
    };
    const batchId = id('batchId')(batch);
    const leaves = batchItems.map((item) => Buffer.from(json(item)));
    const gov = orgs.find((each) => each.mspId === 'GovMSP');
    if (gov === undefined) throw new Error('GovMSP is not registered');
    const registration = json({ mspId: gov.mspId, type: gov.type, region: gov.region });
    const day = new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10);
    const today = `${new Date().toISOString().slice(0, 10)}T00:00:00.000Z`;

    // The arguments of a call: the principal's own data, or another's (undefined: none can exist).
    const argsFor = (
      row: TransactionRow,
      p: MatrixPrincipal,
      data: 'own' | 'other',
    ): string[] | undefined => {
      const label = principalLabel(p);
      const patient = p.role === 'patient';
      const me = patient ? pid(label) : pt;
      const otherPatient = me === pt ? pc : pt;
      const subject = data === 'own' ? me : otherPatient;
      const otherMsp =
        p.mspId === 'TertiaryHospitalMSP' ? 'CommunityHospitalMSP' : 'TertiaryHospitalMSP';
      const consentOf = (which: 'own' | 'other'): string =>
        patient
          ? (ownConsent[which === 'own' ? me : otherPatient] ?? '')
          : (grantedTo[which === 'own' || p.role === 'regulator' ? p.mspId : otherMsp] ?? '');
      const scoped = (patientField: string, orgField: string): string =>
        json({
          pageSize: 5,
          ...(patient ? { [patientField]: subject } : {}),
          ...(!patient && p.role !== 'regulator'
            ? { [orgField]: data === 'own' ? p.mspId : otherMsp }
            : {}),
        });
      const wearable = p.orgType === 'enterprise';
      const newItem = (category: string): Item => ({
        recordId: fresh('new'),
        patientId: pt,
        category,
        sha256: sha256(randomBytes(8).toString('hex')),
      });
      const record = records[subject];
      switch (row.name) {
        case 'registry:RegisterOrganization':
          return [registration];
        case 'registry:GetOrganization':
          return [p.mspId];
        case 'registry:ListOrganizations':
          return [];
        case 'consent:GrantConsent':
          return [consentTo('TertiaryHospitalMSP')];
        case 'consent:UpdateConsent':
          return [consentOf(data), consentTo('TertiaryHospitalMSP')];
        case 'consent:RevokeConsent':
        case 'consent:GetConsent':
        case 'consent:GetConsentHistory':
          return [consentOf(data)];
        case 'consent:QueryConsents':
          return [scoped('patientId', 'grantee')];
        case 'access:RequestAccess':
        case 'access:CheckAccess':
          return [access(pt)];
        case 'access:RequestEmergencyAccess':
          return [
            json({
              patientId: pt,
              categories: ['outpatient'],
              reasonCode: 'URGENT_TREATMENT',
              justificationHash: sha256('x'),
            }),
          ];
        case 'audit:ReviewEmergencyAccess':
          return [id('eventId')(breakGlass), json({ outcome: 'justified' })];
        case 'cohort:RequestCohort':
          return [json({ studyId: fresh('study'), categories: ['outpatient'], pageSize: 1 })];
        case 'referral:CreateReferral':
          return [
            json({
              patientId: pt,
              toOrg:
                p.mspId === 'CommunityHospitalMSP' ? 'TertiaryHospitalMSP' : 'CommunityHospitalMSP',
              categories: ['outpatient'],
              validUntil,
            }),
          ];
        case 'referral:CloseReferral':
          // Both hospitals of this network are on every referral: no "other" referral exists.
          return data === 'own' ? [referralOf[pt] ?? ''] : undefined;
        case 'referral:GetReferral':
          if (data === 'other' && !patient) return undefined;
          return [referralOf[subject] ?? ''];
        case 'records:AnchorRecord':
          if (data === 'own') return [json(newItem(wearable ? 'wearable' : 'outpatient'))];
          if (wearable) return [json(newItem('outpatient'))];
          {
            const owned = p.mspId === 'CommunityHospitalMSP' ? records[pt] : records[pc];
            return [json({ ...owned, sha256: sha256(fresh('v2')) })];
          }
        case 'records:AnchorBatch':
          return [
            json({
              items: [newItem(wearable && data === 'own' ? 'wearable' : 'outpatient')],
            }),
          ];
        case 'records:VerifyRecord':
          return [record?.recordId ?? '', record?.sha256 ?? ''];
        case 'records:VerifyBatchMember': {
          const index = batchItems.findIndex((item) => item.patientId === subject);
          return [
            json({
              batchId,
              item: batchItems[index],
              leafIndex: index,
              auditPath: inclusionProof(leaves, index).map(toHex),
            }),
          ];
        }
        case 'records:GetRecord':
          return [record?.recordId ?? ''];
        case 'records:GetBatch':
          return [batchId];
        case 'records:QueryAnchors':
          return [scoped('patientId', 'org')];
        case 'audit:QueryAccessEvents':
          return [scoped('patientId', 'accessorOrg')];
        case 'audit:GetAccessEvent':
          return [
            patient
              ? (eventAbout[subject] ?? '')
              : (eventOf[data === 'own' || p.role === 'regulator' ? p.mspId : otherMsp] ?? ''),
          ];
        case 'audit:QueryEmergencyReviews':
          return [json({ pageSize: 1 })];
        case 'audit:GetStatistics':
          return [json({ from: `${day}T00:00:00.000Z`, to: today, level: 'province' })];
        case 'audit:RollupStatistics':
          return [day];
        case 'bench:SeedAccessEvents':
          return [json({ first: 0, size: 1, patients: 1, days: 1, startDay: day })];
        case 'baseline:Put':
          return [fresh('key'), 'value'];
        case 'baseline:Get':
          return ['authz-key'];
        default:
          throw new Error(`no arguments for ${row.name}`);
      }
    };

    for (const row of TRANSACTIONS) {
      for (const principal of PRINCIPALS) {
        const expected = expectedForTransaction(row, principal);
        const own = argsFor(row, principal, 'own');
        if (own === undefined) throw new Error(`no arguments for ${row.name}`);
        cases.push({ principal, row, data: 'own', forbidden: expected === 'deny', args: own });
        const other = expected === 'own' ? argsFor(row, principal, 'other') : undefined;
        if (other !== undefined)
          cases.push({ principal, row, data: 'other', forbidden: true, args: other });
      }
    }

    // Foreign and role-less certificates: the arguments of their organization's first role.
    for (const row of TRANSACTIONS) {
      for (const principal of FOREIGN_PRINCIPALS) {
        const model = PRINCIPALS.find((each) => each.org === principal.org);
        const args = model === undefined ? undefined : argsFor(row, model, 'own');
        if (args === undefined) throw new Error(`no arguments for ${row.name}`);
        const forbidden = expectedForTransaction(row, principal) === 'deny';
        cases.push({ principal, row, data: 'own', forbidden, args });
      }
    }

    const run = async (each: Case): Promise<Result> => {
      const [contractName, transaction] = each.row.name.split(':') as [string, string];
      const contract = user(principalLabel(each.principal)).contract(contractName);
      try {
        if (each.row.kind === 'submit')
          await contract.newProposal(transaction, { arguments: [...each.args] }).endorse();
        else await contract.evaluateTransaction(transaction, ...each.args);
        return { case: each, outcome: 'ok', detail: '' };
      } catch (error) {
        const detail = errorText(error);
        return {
          case: each,
          outcome: /\bFORBIDDEN: /.test(detail) ? 'forbidden' : 'error',
          detail: detail.split('\n').find((line) => /\b[A-Z_]+: /.test(line)) ?? detail,
        };
      }
    };
    results.push(...(await mapLimit(cases, CONCURRENCY, run)));
  }, 600_000);

  afterAll(() => {
    closeUsers();
  });

  it('lists every transaction the chaincode exposes, and nothing else', async () => {
    const metadata = JSON.parse(
      text(
        await contractOf(user('gov/admin').connection.gateway).evaluateTransaction(
          'org.hyperledger.fabric:GetMetadata',
        ),
      ),
    ) as { contracts: Record<string, { transactions: { name: string }[] }> };
    const deployed = Object.entries(metadata.contracts)
      .filter(([name]) => name !== 'org.hyperledger.fabric')
      .flatMap(([name, contract]) => contract.transactions.map((tx) => `${name}:${tx.name}`))
      .sort();
    expect(TRANSACTIONS.map((row) => row.name).sort()).toEqual(deployed);
  });

  it('docs/authorization.md is the matrix, rendered', async () => {
    const doc = readFileSync(path.join(import.meta.dirname, '../../docs/authorization.md'), 'utf8');
    expect(doc, 'run `node test/support/authorization-doc.ts`').toBe(
      await renderAuthorizationDoc(),
    );
  });

  it('refuses every denied call with FORBIDDEN and no allowed one', () => {
    const wrong = results
      .filter((result) => (result.outcome === 'forbidden') !== result.case.forbidden)
      .map(
        (result) =>
          `${result.case.row.name} as ${principalLabel(result.case.principal)} (${result.case.data} data): expected ${result.case.forbidden ? 'FORBIDDEN' : 'allowed'}, got ${result.outcome} ${result.detail}`,
      );
    expect(wrong).toEqual([]);
    expect(results).toHaveLength(cases.length);
    const allowed = results.filter((result) => !result.case.forbidden);
    const succeeded = allowed.filter((result) => result.outcome === 'ok');
    console.log(
      `[authorization] ${String(results.length)} chaincode calls (${String(TRANSACTIONS.length)} transactions x ${String(PRINCIPALS.length)} principals + ${String(FOREIGN_PRINCIPALS.length)} foreign or role-less, ` +
        `${String(results.filter((r) => r.case.data === 'other').length)} with another's data): ` +
        `${String(allowed.length)} allowed (${String(succeeded.length)} succeeded), ` +
        `${String(results.length - allowed.length)} FORBIDDEN, in ${String(Date.now() - started)} ms`,
    );
  });

  it('lets allowed calls with valid arguments succeed', () => {
    const failed = results
      .filter((result) => !result.case.forbidden && result.outcome !== 'ok')
      .map(
        (result) =>
          `${result.case.row.name} as ${principalLabel(result.case.principal)}: ${result.detail}`,
      );
    expect(failed).toEqual([]);
  });
});
