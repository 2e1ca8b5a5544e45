import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BAD_INPUT_CATEGORIES,
  chaincodeBaselines,
  chaincodeCorpus,
  countByCategory,
  fromNow,
  type Caller,
  type ChaincodeCase,
  type Targets,
} from '../support/bad-input-corpus.ts';
import { mapLimit } from '../support/concurrency.ts';
import { ledgerHeight } from '../support/ledger.ts';
import { closeUsers, enrollPatient, enrollUser, type TestUser } from '../support/identities.ts';
import { errorText } from '../support/ledger-errors.ts';
import { committedTransactions, transactionOnLedger } from '../support/ledger-watch.ts';
import { text } from '../support/ledger.ts';

/**
 * The bad-input corpus (test/support/bad-input-corpus.ts) sent to the chaincode on the real
 * network, each case as its proper caller against existing state, so that only the input is wrong:
 * every one is refused with its coded error (`INVALID_ARGUMENT: ...`), never an uncoded or
 * internal error, and nothing is written.
 *
 * "Nothing is written" is checked three ways, none of which assumes the channel is idle (other
 * suites write concurrently, so the height alone proves nothing): no transaction ID of a case is on
 * the ledger, no block committed while the suite ran holds a transaction created by one of this
 * suite's identities, and the state the cases aimed at reads exactly as before.
 */

const CONCURRENCY = 6;

const sha256 = (data: string): string => createHash('sha256').update(data).digest('hex');

describe('bad input to the chaincode on the real network', () => {
  const users = {} as Record<Caller, TestUser>;
  let targets: Targets;
  const submitted: string[] = [];
  const failures: string[] = [];
  let cases: ChaincodeCase[] = [];
  let heightBefore = 0n;

  /** The state the cases aim at, as the regulator and the patient read it. */
  async function snapshot(): Promise<string[]> {
    const read = async (user: TestUser, contract: string, name: string, ...args: string[]) =>
      text(await user.contract(contract).evaluateTransaction(name, ...args));
    return Promise.all([
      read(users.regulator, 'consent', 'GetConsentHistory', targets.consentId),
      read(users.regulator, 'audit', 'GetAccessEvent', targets.eventId),
      read(users.regulator, 'referral', 'GetReferral', targets.referralId),
      read(users.regulator, 'records', 'GetRecord', targets.recordId),
      read(users.patient, 'consent', 'QueryConsents', JSON.stringify({ pageSize: 100 })),
      read(
        users.regulator,
        'audit',
        'QueryAccessEvents',
        JSON.stringify({ patientId: targets.patientId, pageSize: 100 }),
      ),
      read(users.clinician, 'registry', 'ListOrganizations'),
    ]);
  }
  let before: string[] = [];

  beforeAll(async () => {
    const [patient, clinician, regulator, researcher, govAdmin] = await Promise.all([
      enrollPatient('tertiary'),
      enrollUser({ org: 'tertiary', role: 'clinician' }),
      enrollUser({ org: 'gov', role: 'regulator' }),
      enrollUser({ org: 'research', role: 'researcher' }),
      enrollUser({ org: 'gov', role: 'admin' }),
    ]);
    Object.assign(users, { patient, clinician, regulator, researcher, govAdmin });
    const patientId = patient.patientId ?? '';
    const submit = async (user: TestUser, contract: string, name: string, arg: object) =>
      JSON.parse(
        text(await user.contract(contract).submitTransaction(name, JSON.stringify(arg))),
      ) as Record<string, string>;
    const recordId = `bad-input-${randomBytes(4).toString('hex')}`;
    // One after the other: they read ranges of the same patient (phantom reads in parallel).
    const consent = await submit(patient, 'consent', 'GrantConsent', {
      grantee: { org: 'CommunityHospitalMSP', role: 'clinician' },
      purposes: ['treatment'],
      categories: ['outpatient'],
    });
    const event = await submit(clinician, 'access', 'RequestEmergencyAccess', {
      patientId,
      categories: ['medication'],
      reasonCode: 'OTHER',
      justificationHash: sha256('bad input suite'),
    });
    const referral = await submit(clinician, 'referral', 'CreateReferral', {
      patientId,
      toOrg: 'CommunityHospitalMSP',
      categories: ['imaging'],
      validUntil: fromNow(7),
    });
    await submit(clinician, 'records', 'AnchorRecord', {
      recordId,
      patientId,
      category: 'imaging',
      sha256: sha256(recordId),
    });
    targets = {
      patientId,
      consentId: consent.consentId ?? '',
      eventId: event.eventId ?? '',
      referralId: referral.referralId ?? '',
      recordId,
    };
    cases = chaincodeCorpus(targets);
    before = await snapshot();
    heightBefore = await ledgerHeight();
  });

  afterAll(() => {
    closeUsers();
  });

  it('covers every category of bad input, for every submit transaction and the main reads', () => {
    const categories = new Set(cases.map((each) => each.category));
    for (const category of BAD_INPUT_CATEGORIES.filter((each) => each !== 'wrong-content-type'))
      expect(categories, category).toContain(category);
    const transactions = new Set(cases.map((each) => `${each.contract}:${each.transaction}`));
    for (const name of [
      'registry:RegisterOrganization',
      'consent:GrantConsent',
      'consent:UpdateConsent',
      'consent:RevokeConsent',
      'access:RequestAccess',
      'access:RequestEmergencyAccess',
      'audit:ReviewEmergencyAccess',
      'cohort:RequestCohort',
      'referral:CreateReferral',
      'referral:CloseReferral',
      'records:AnchorRecord',
      'records:AnchorBatch',
      'audit:RollupStatistics',
    ])
      expect(transactions, name).toContain(name);
    const byCategory = countByCategory(cases);
    console.log(
      `[bad input] chaincode corpus: ${cases.length} cases (${cases.filter((each) => each.kind === 'submit').length} submits) over ${transactions.size} transactions: ${JSON.stringify(byCategory)}`,
    );
  });

  it('accepts the valid payload each case mutates (endorsed only, never submitted)', async () => {
    const refused: string[] = [];
    for (const baseline of chaincodeBaselines(targets)) {
      const contract = users[baseline.caller].contract(baseline.contract);
      try {
        if (baseline.kind === 'submit')
          await contract
            .newProposal(baseline.transaction, { arguments: [...baseline.args] })
            .endorse();
        else await contract.evaluateTransaction(baseline.transaction, ...baseline.args);
      } catch (error) {
        // Another refusal (the batch of VerifyBatchMember does not exist) is not about the input.
        if (/\bINVALID_ARGUMENT: /.test(errorText(error)))
          refused.push(`${baseline.name}: ${errorText(error).slice(0, 200)}`);
      }
    }
    expect(refused).toEqual([]);
  });

  it('refuses every case with its coded error, never an uncoded or internal one', async () => {
    await mapLimit(cases, CONCURRENCY, async (each) => {
      const contract = users[each.caller].contract(each.contract);
      let outcome: unknown;
      try {
        if (each.kind === 'submit') {
          const proposal = contract.newProposal(each.transaction, { arguments: [...each.args] });
          submitted.push(proposal.getTransactionId());
          // Endorsement is where a submit is refused; were it endorsed, it would be submitted.
          const transaction = await proposal.endorse();
          await transaction.submit();
          outcome = 'endorsed and submitted';
        } else {
          outcome = text(await contract.evaluateTransaction(each.transaction, ...each.args));
        }
      } catch (error) {
        outcome = error;
      }
      const message =
        outcome instanceof Error
          ? errorText(outcome)
          : `accepted: ${String(outcome).slice(0, 120)}`;
      if (!new RegExp(`\\b${each.code}: `).test(message))
        failures.push(`${each.name}: ${message.replaceAll('\n', ' ').slice(0, 300)}`);
    });
    expect(failures).toEqual([]);
  });

  it('writes nothing: no case’s transaction, nothing by this suite’s identities, the same state', async () => {
    const heightAfter = await ledgerHeight();
    const committed = await committedTransactions(heightBefore, heightAfter);
    const ours = new Set(Object.values(users).map((user) => user.id));
    const mine = new Set(submitted);
    expect(committed.filter((tx) => ours.has(tx.creatorName) || mine.has(tx.txId))).toEqual([]);
    const found: string[] = [];
    await mapLimit(submitted, 16, async (txId) => {
      if (await transactionOnLedger(txId)) found.push(txId);
    });
    expect(found).toEqual([]);
    expect(await snapshot()).toEqual(before);
    console.log(
      `[bad input] ${submitted.length} refused submits; ${committed.length} transactions of other suites committed meanwhile (height ${heightBefore} -> ${heightAfter})`,
    );
  });
});
