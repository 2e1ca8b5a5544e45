import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  generatePatientKey,
  hashEnrolmentCode,
  newEnrolmentCode,
  newSalt,
  transientRequest,
  type ArgsOf,
  type PatientKey,
  type ResultOf,
  type SubmitName,
} from '@consent-ledger/ledger-api';
import { TRANSACTIONS } from '../support/authorization-matrix.ts';
import {
  BAD_INPUT_CATEGORIES,
  REST_ONLY_CATEGORIES,
  chaincodeBaselines,
  chaincodeCorpus,
  countByCategory,
  fromNow,
  requestTerms,
  statementSigner,
  type Caller,
  type ChaincodeCase,
  type CorpusSigner,
  type RawProposal,
  type Targets,
} from '../support/bad-input-corpus.ts';
import { mapLimit } from '../support/concurrency.ts';
import { closeUsers, enrollUser, newGuardianId, type TestUser } from '../support/identities.ts';
import { evaluate, submit } from '../support/ledger-calls.ts';
import { errorText, refusalCode, refusalLine } from '../support/ledger-errors.ts';
import { transactionOnLedger, writtenBy } from '../support/ledger-watch.ts';
import { ledgerHeight, topology } from '../support/ledger.ts';
import { registerPatient, type TestPatient } from '../support/patients.ts';

/**
 * The bad-input corpus (test/support/bad-input-corpus.ts) sent to the chaincode on the real
 * network, each case as its proper caller against existing state, so that only the input is wrong:
 * malformed transient requests (no request, not UTF-8 JSON, wrong argument counts, salts missing
 * or malformed, arguments on the proposal), malformed signed statements, and every transaction's
 * input mutated field by field (inside a statement signed with the patient's own key, for the
 * patient's actions). Every one is refused with its coded error (`INVALID_ARGUMENT: ...`, or
 * `FORBIDDEN` for a statement that is not exactly what was signed), never an uncoded or internal
 * error, and nothing is written.
 *
 * "Nothing is written" is checked three ways, none of which assumes the channel is idle (other
 * suites write concurrently, so the height alone proves nothing): no transaction ID of a case is on
 * the ledger, no block committed while the suite ran holds a transaction created by one of this
 * suite's identities, and the state the cases aimed at reads exactly as before.
 */

const CONCURRENCY = 6;
const GOV = 'GovMSP';
const TERTIARY = 'TertiaryHospitalMSP';
const sha256 = (data: string): string => createHash('sha256').update(data).digest('hex');

describe('bad input to the chaincode on the real network', () => {
  const users = {} as Record<Caller, TestUser>;
  let patient: TestPatient;
  let targets: Targets;
  let sign: CorpusSigner;
  const submitted: string[] = [];
  const failures: string[] = [];
  let cases: ChaincodeCase[] = [];
  let heightBefore = 0n;
  const endorsers = (caller: Caller): string[] => [
    ...new Set([users[caller].org.mspId, TERTIARY, GOV]),
  ];

  /** The state the cases aim at, as the regulator reads it. */
  async function snapshot(): Promise<unknown[]> {
    const { regulator, homeAdmin } = users;
    return Promise.all([
      evaluate(regulator, 'consent:GetConsentHistory', targets.consentId),
      evaluate(regulator, 'consent:GetConsentHistory', targets.revokedConsentId),
      evaluate(regulator, 'audit:GetAccessEvent', targets.eventId),
      evaluate(regulator, 'referral:GetReferral', targets.referralId),
      evaluate(regulator, 'records:GetRecord', targets.recordId, 'TertiaryHospitalMSP'),
      evaluate(regulator, 'patient:GetBindingHistory', targets.patientId),
      evaluate(regulator, 'patient:GetBinding', targets.patientId),
      evaluate(regulator, 'patient:GetBinding', targets.pending.patientId),
      evaluate(regulator, 'patient:GetBinding', targets.guardian.patientId),
      evaluate(regulator, 'patient:QueryErasures', targets.patientId),
      evaluate(homeAdmin, 'consent:QueryConsents', { patientId: targets.patientId, pageSize: 100 }),
      evaluate(regulator, 'audit:QueryAccessEvents', {
        patientId: targets.patientId,
        pageSize: 100,
      }),
      evaluate(regulator, 'registry:ListOrganizations'),
    ]);
  }
  let before: unknown[] = [];

  /** Sends a case's proposal as its caller: endorsed, and submitted were it endorsed. */
  async function send(
    each: Pick<ChaincodeCase, 'contract' | 'fn' | 'kind' | 'caller'>,
    raw: RawProposal,
  ): Promise<Uint8Array> {
    // A raw proposal (ledger-calls' sendRaw carries no proposal arguments, which some cases need).
    const contract = users[each.caller].contract(each.contract);
    const common = {
      transientData: raw.transient,
      ...(raw.arguments === undefined ? {} : { arguments: [...raw.arguments] }),
    };
    if (each.kind === 'evaluate') return contract.newProposal(each.fn, common).evaluate();
    const proposal = contract.newProposal(each.fn, {
      ...common,
      endorsingOrganizations: endorsers(each.caller),
    });
    submitted.push(proposal.getTransactionId());
    // Endorsement is where a submit is refused; were it endorsed, it would be submitted.
    const transaction = await proposal.endorse();
    await (await transaction.submit()).getStatus();
    return transaction.getResult();
  }

  beforeAll(async () => {
    const [homeAdmin, clinician, regulator, researcher, govAdmin] = await Promise.all([
      enrollUser({ org: 'tertiary', role: 'admin' }),
      enrollUser({ org: 'tertiary', role: 'clinician' }),
      enrollUser({ org: 'gov', role: 'regulator' }),
      enrollUser({ org: 'research', role: 'researcher' }),
      enrollUser({ org: 'gov', role: 'admin' }),
    ]);
    Object.assign(users, { homeAdmin, clinician, regulator, researcher, govAdmin });
    const commit = async <N extends SubmitName>(
      caller: TestUser,
      name: N,
      args: ArgsOf<N>,
    ): Promise<ResultOf<N>> =>
      (
        await submit(caller, name, args, {
          endorsers: [...new Set([caller.org.mspId, TERTIARY, GOV])],
        })
      ).result;
    // The patient, with a second device, an active consent and a revoked one; a pending patient;
    // a patient whose guardian waits for activation; an access event, a referral, a record.
    const [registered, pending, guarded] = await Promise.all([
      registerPatient('tertiary', { carrier: homeAdmin }),
      registerPatient('tertiary', { carrier: homeAdmin, activate: false }),
      registerPatient('tertiary', { carrier: homeAdmin }),
    ]);
    patient = registered;
    const { patientId } = patient;
    const device = await generatePatientKey();
    await commit(homeAdmin, 'patient:AddDevice', [
      await patient.sign('patient:AddDevice', { publicKey: device.publicKey }),
    ]);
    const terms = {
      grantee: { org: 'CommunityHospitalMSP', role: 'clinician' },
      purposes: ['treatment'],
      categories: ['outpatient'],
    } as const;
    const consent = await commit(homeAdmin, 'consent:GrantConsent', [
      await patient.sign('consent:GrantConsent', terms),
    ]);
    const revoked = await commit(homeAdmin, 'consent:GrantConsent', [
      await patient.sign('consent:GrantConsent', terms),
    ]);
    await commit(homeAdmin, 'consent:RevokeConsent', [
      await patient.sign('consent:RevokeConsent', {
        consentId: revoked.consentId,
        expectedVersion: 1,
      }),
    ]);
    const guardianId = newGuardianId();
    const guardianCode = newEnrolmentCode();
    await commit(homeAdmin, 'patient:ProposeGuardian', [
      {
        patientId: guarded.patientId,
        guardianId,
        relationship: 'parent',
        validFrom: fromNow(0),
        validUntil: fromNow(30),
        enrolment: hashEnrolmentCode(guardianCode),
      },
    ]);
    await commit(regulator, 'patient:ApproveGuardian', [
      { patientId: guarded.patientId, guardianId },
    ]);
    const event = await commit(clinician, 'access:RequestEmergencyAccess', [
      {
        patientId,
        categories: ['medication'],
        reasonCode: 'OTHER',
        justificationHash: sha256('bad input suite'),
      },
    ]);
    const referral = await commit(clinician, 'referral:CreateReferral', [
      { patientId, toOrg: 'CommunityHospitalMSP', categories: ['imaging'], validUntil: fromNow(7) },
    ]);
    const recordId = `bad-input-${randomBytes(4).toString('hex')}`;
    await commit(clinician, 'records:AnchorRecord', [
      { recordId, patientId, category: 'imaging', sha256: sha256(recordId) },
    ]);
    const request = await commit(clinician, 'request:RequestConsent', [
      { patientId, terms: requestTerms(), reason: 'FOLLOW_UP' },
    ]);
    const activationKey: PatientKey = await generatePatientKey();
    const guardianKey: PatientKey = await generatePatientKey();
    targets = {
      patientId,
      consentId: consent.consentId,
      consentVersion: consent.version,
      revokedConsentId: revoked.consentId,
      deviceKeyId: device.keyId,
      pending: {
        patientId: pending.patientId,
        enrolmentCode: pending.enrolmentCode,
        publicKey: activationKey.publicKey,
      },
      guardian: {
        patientId: guarded.patientId,
        guardianId,
        enrolmentCode: guardianCode,
        publicKey: guardianKey.publicKey,
      },
      eventId: event.eventId,
      referralId: referral.referralId,
      recordId,
      requestId: request.requestId,
    };
    sign = statementSigner({
      channel: topology.channel.name,
      chaincode: topology.chaincode.name,
      patient: { key: patient.key, patientId },
      activation: { key: activationKey, patientId: pending.patientId },
      guardian: { key: guardianKey, patientId: guarded.patientId, guardianId },
    });
    cases = chaincodeCorpus(targets);
    before = await snapshot();
    heightBefore = await ledgerHeight();
  }, 600_000);

  afterAll(() => {
    closeUsers();
  });

  it('covers every category of bad input, every submit transaction and the main reads', () => {
    const categories = new Set(cases.map((each) => each.category));
    for (const category of BAD_INPUT_CATEGORIES.filter(
      (each) => !REST_ONLY_CATEGORIES.includes(each),
    ))
      expect(categories, category).toContain(category);
    const transactions = new Set(cases.map((each) => `${each.contract}:${each.fn}`));
    const submits = TRANSACTIONS.filter(
      (row) => row.kind === 'submit' && !/^(bench|baseline):/.test(row.name),
    ).map((row) => row.name);
    for (const name of [
      ...submits,
      'consent:QueryConsents',
      'consent:GetConsent',
      'access:CheckAccess',
      'audit:QueryAccessEvents',
      'audit:GetStatistics',
      'audit:FindExpired',
      'audit:CountDay',
      'audit:GetOpenStatistics',
      'cohort:FindCohort',
      'cohort:QueryCohortRefusals',
      'patient:GetBinding',
      'patient:LocatePatient',
      'records:VerifyRecord',
    ])
      expect(transactions, name).toContain(name);
    const byCategory = countByCategory(cases);
    console.log(
      `[bad input] chaincode corpus: ${String(cases.length)} cases (${String(cases.filter((each) => each.kind === 'submit').length)} submits) over ${String(transactions.size)} transactions: ${JSON.stringify(byCategory)}`,
    );
  });

  it('accepts the valid input each case mutates (endorsed only, never submitted)', async () => {
    const refused: string[] = [];
    for (const baseline of chaincodeBaselines(targets)) {
      const contract = users[baseline.caller].contract(baseline.contract);
      const args = await baseline.args(sign);
      const transientData = transientRequest({
        args,
        ...(baseline.kind === 'submit' ? { salt: newSalt() } : {}),
      });
      try {
        if (baseline.kind === 'submit')
          await contract
            .newProposal(baseline.fn, {
              transientData,
              endorsingOrganizations: endorsers(baseline.caller),
            })
            .endorse();
        else await contract.newProposal(baseline.fn, { transientData }).evaluate();
      } catch (error) {
        // Another refusal (the batch of VerifyBatchMember does not exist) is not about the input.
        if (refusalCode(error) === 'INVALID_ARGUMENT' || refusalCode(error) === undefined)
          refused.push(`${baseline.name}: ${refusalLine(error)}`);
      }
    }
    expect(refused).toEqual([]);
  });

  it('refuses every case with its coded error, never an uncoded or internal one', async () => {
    const byCode = new Map<string, number>();
    const sample = new Map<string, string>();
    await mapLimit(cases, CONCURRENCY, async (each) => {
      let message: string;
      try {
        await send(each, await each.build(sign));
        message = 'accepted';
      } catch (error) {
        message = errorText(error);
        const code = refusalCode(error) ?? 'uncoded';
        byCode.set(code, (byCode.get(code) ?? 0) + 1);
        if (!sample.has(each.category))
          sample.set(each.category, `${each.name}: ${refusalLine(error)}`);
      }
      if (!new RegExp(`\\b${each.code}: `).test(message))
        failures.push(`${each.name}: ${message.replaceAll('\n', ' ').slice(0, 300)}`);
    });
    expect(failures).toEqual([]);
    console.log(
      `[bad input] ${String(cases.length)} chaincode cases refused: ${JSON.stringify(Object.fromEntries(byCode))}; one of each category:\n${[...sample.values()].join('\n')}`,
    );
  });

  it('writes nothing: no case’s transaction, nothing by this suite’s identities, the same state', async () => {
    const heightAfter = await ledgerHeight();
    const ours = Object.values(users).map((user) => user.id);
    expect(await writtenBy({ from: heightBefore, creators: ours, txIds: submitted })).toEqual([]);
    const found: string[] = [];
    await mapLimit(submitted, 16, async (txId) => {
      if (await transactionOnLedger(txId)) found.push(txId);
    });
    expect(found).toEqual([]);
    expect(await snapshot()).toEqual(before);
    console.log(
      `[bad input] ${String(submitted.length)} refused submits; height ${String(heightBefore)} -> ${String(heightAfter)} meanwhile (other suites)`,
    );
  });
});
