import { beforeAll, describe, expect, it } from 'vitest';
import {
  buildStatement,
  generatePatientKey,
  keyIdOf,
  type Consent,
} from '@consent-ledger/ledger-api';
import { byWhom, describeStatement } from './statement-words.ts';
import { setLanguage } from './i18n/i18n.ts';

// The English words are asserted here; the catalogue's spec covers both languages.
beforeAll(() => setLanguage('en'));

const PID = 'pid-abcdefghijklmnop';
const RP = 'rp-qrstuvwxyz234567';
const now = new Date('2026-12-06T08:00:00.000Z');
const time = (iso: string): string => iso;
const base = {
  channel: 'health',
  chaincode: 'consent-ledger',
  patientId: PID,
  signer: { kind: 'patient' as const, id: PID, keyId: 'key-a' },
  now,
};

const consent: Consent = {
  consentId: 'con-0123456789abcdef01234567',
  patientId: PID,
  patientHome: 'TertiaryHospitalMSP',
  provision: 'permit',
  grantee: { org: 'CommunityHospitalMSP', role: 'clinician' },
  purposes: ['treatment'],
  categories: ['imaging', 'laboratory'],
  validFrom: '2026-12-01T00:00:00.000Z',
  exceptions: [],
  status: 'revoked',
  version: 2,
  createdAt: '2026-12-01T00:00:00.000Z',
  updatedAt: '2026-12-02T00:00:00.000Z',
  signedBy: { kind: 'patient', id: PID },
  txId: 'tx',
  salt: 'salt',
};

describe('a statement in plain words', () => {
  it('tells a grant: who, which data, why, when; who signs and until when', () => {
    const words = describeStatement(
      buildStatement({
        ...base,
        action: 'consent:GrantConsent',
        payload: {
          grantee: { org: 'CommunityHospitalMSP', role: 'clinician' },
          purposes: ['treatment'],
          categories: ['imaging', 'laboratory'],
          validUntil: '2027-01-01T00:00:00.000Z',
        },
      }),
      { time },
    );
    expect(words.what).toEqual([
      'Allow County Community Hospital (clinicians only) to use your imaging and laboratory results for treatment.',
      'From the moment it is recorded, until 2027-01-01T00:00:00.000Z.',
    ]);
    expect(words.who).toBe(`Signed by you (patient ${PID}) with this browser's key key-a.`);
    expect(words.validity).toBe(
      'Valid once, for the consent-ledger ledger on channel health, from 2026-12-06T08:00:00.000Z until 2026-12-06T08:05:00.000Z.',
    );
  });

  it('names each sensitive kind of data a grant opens, or the only ones a refusal reaches', () => {
    const grant = describeStatement(
      buildStatement({
        ...base,
        action: 'consent:GrantConsent',
        payload: {
          grantee: { org: 'CommunityHospitalMSP' },
          purposes: ['treatment'],
          categories: ['outpatient'],
          sensitive: ['HIV', 'PSY'],
        },
      }),
      { time },
    );
    expect(grant.what).toContain(
      'Including sensitive data, each named: HIV and AIDS and mental health.',
    );
    const refusal = describeStatement(
      buildStatement({
        ...base,
        action: 'consent:GrantConsent',
        payload: { provision: 'deny', sensitive: ['GDIS'] },
      }),
      { time },
    );
    expect(refusal.what).toContain('Only where the data is sensitive: genetic data.');
  });

  it('names the consent a revocation or an erasure is about, and its version', () => {
    const revoke = describeStatement(
      buildStatement({
        ...base,
        action: 'consent:RevokeConsent',
        payload: { consentId: consent.consentId, expectedVersion: 2 },
      }),
      { time, consent },
    );
    expect(revoke.what[0]).toBe(
      'Revoke your consent to County Community Hospital for imaging and laboratory results for treatment (consent con-0123456789abcdef01234567), at version 2.',
    );
    const erase = describeStatement(
      buildStatement({
        ...base,
        action: 'consent:EraseConsent',
        payload: { consentId: consent.consentId },
      }),
      { time },
    );
    expect(erase.what[0]).toBe(
      "Erase the details of your consent con-0123456789abcdef01234567 from every organization's peer that holds them.",
    );
  });

  it('tells device changes by key ID, and a first sign-in with its code', async () => {
    const { publicKey } = await generatePatientKey();
    const add = describeStatement(
      buildStatement({ ...base, action: 'patient:AddDevice', payload: { publicKey } }),
      { time },
    );
    expect(add.what).toEqual([
      `Add the device whose key ID is ${keyIdOf(publicKey)} to the keys that can sign for you.`,
    ]);
    const activation = describeStatement(
      buildStatement({
        ...base,
        action: 'patient:ActivatePatient',
        payload: { publicKey, enrolmentCode: 'ABCD-EFGH-IJKL-MNOP' },
      }),
      { time },
    );
    expect(activation.what[0]).toContain(`to your pseudonym ${PID}`);
    expect(activation.what[0]).toContain('ABCD-EFGH-IJKL-MNOP');
  });

  it('speaks of the patient, not "you", when a guardian signs', () => {
    const words = describeStatement(
      buildStatement({
        ...base,
        signer: { kind: 'guardian', id: RP, keyId: 'key-g' },
        action: 'consent:GrantConsent',
        payload: {
          grantee: { org: 'ResearchMSP' },
          purposes: ['research'],
          categories: ['genomic'],
        },
      }),
      { time },
    );
    expect(words.what[0]).toBe(
      "Allow Medical Research Institute to use the patient's genomic data for medical research.",
    );
    expect(words.who).toBe(
      `Signed by you as guardian ${RP} for patient ${PID}, with this browser's key key-g.`,
    );
  });

  it('says who changed a binding', () => {
    expect(byWhom({ kind: 'org', id: 'GovMSP' })).toBe('staff of Regional Health Commission');
    expect(byWhom({ kind: 'patient', id: PID }, { self: PID })).toBe(`the patient ${PID} (you)`);
    expect(byWhom({ kind: 'guardian', id: RP }, { self: PID })).toBe(`guardian ${RP}`);
  });

  it('names the member institution a grant is for, in both languages', async () => {
    const statement = buildStatement({
      ...base,
      action: 'consent:GrantConsent',
      payload: {
        grantee: { org: 'EnterpriseMSP', role: 'analyst', institution: 'inst-insurer01' },
        purposes: ['insurance'],
        categories: ['outpatient'],
      },
    });
    expect(describeStatement(statement, { time }).what[0]).toBe(
      'Allow West Lake Mutual Health Insurance in Health Enterprises (insurers, device makers) (analysts only) to use your outpatient records for insurance.',
    );
    await setLanguage('zh-CN');
    try {
      expect(describeStatement(statement, { time }).what[0]).toMatch(
        /^允许健康企业（保险、可穿戴设备）的西湖互助健康保险（仅限/,
      );
    } finally {
      await setLanguage('en');
    }
  });

  it('tells a grant in Chinese, codes as words, when Chinese is chosen', async () => {
    await setLanguage('zh-CN');
    try {
      const words = describeStatement(
        buildStatement({
          ...base,
          action: 'consent:GrantConsent',
          payload: {
            grantee: { org: 'CommunityHospitalMSP', role: 'clinician' },
            purposes: ['treatment'],
            categories: ['imaging', 'laboratory'],
          },
        }),
        { time },
      );
      expect(words.what).toEqual([
        '允许余杭区社区卫生服务中心（仅限医生）出于诊疗使用您的影像和检验结果。',
        '自记录到账本之时起生效，没有结束日期。',
      ]);
      expect(words.who).toBe(`由您（患者 ${PID}）用本浏览器的密钥 key-a 签名。`);
    } finally {
      await setLanguage('en');
    }
  });
});
