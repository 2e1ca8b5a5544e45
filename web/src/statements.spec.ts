import { beforeAll, describe, expect, it } from 'vitest';
import {
  ENROLMENT_CODE_PATTERN,
  canonicalJson,
  generatePatientKey,
  keyIdOf,
  signStatement,
  statementText,
  verifySignedAction,
  type BoundKey,
  type Consent,
  type IdentityView,
  type PatientBinding,
} from '@consent-ledger/ledger-api';
import {
  canErase,
  cannotSign,
  consentInputOf,
  erasureOf,
  grantProblems,
  oneYearFrom,
  isStale,
  normalizeEnrolmentCode,
  pastedPublicKey,
  revocationOf,
  signerOf,
  signingStatus,
  statementFor,
  type GrantForm,
  type SessionSigner,
} from './statements.ts';
import { setLanguage } from './i18n/i18n.ts';

// The English words are asserted here; the catalogue's spec covers both languages.
beforeAll(() => setLanguage('en'));

const PID = 'pid-abcdefghijklmnop';
const RP = 'rp-qrstuvwxyz234567';
const now = new Date('2026-12-06T08:00:00.000Z');
const ledger = { channel: 'health', chaincode: 'consent-ledger', mspId: 'TertiaryHospitalMSP' };
const patient: SessionSigner = { kind: 'patient', id: PID, patientId: PID };
const guardian: SessionSigner = { kind: 'guardian', id: RP, patientId: PID };

function bound(keyId: string, revokedAt?: string): BoundKey {
  return {
    keyId,
    publicKey: 'x'.repeat(122),
    addedAt: '2026-12-01T00:00:00.000Z',
    ...(revokedAt === undefined ? {} : { revokedAt }),
  };
}

function binding(overrides: Partial<PatientBinding> = {}): PatientBinding {
  return {
    patientId: PID,
    home: 'TertiaryHospitalMSP',
    status: 'active',
    keys: [bound('key-a'), bound('key-old', '2026-12-02T00:00:00.000Z')],
    guardians: [],
    version: 3,
    createdAt: '2026-12-01T00:00:00.000Z',
    updatedAt: '2026-12-02T00:00:00.000Z',
    txId: 'tx',
    salt: 'salt',
    ...overrides,
  };
}

const key = (keyId: string) => ({ privateKey: {} as CryptoKey, publicKey: 'p', keyId });

function consent(overrides: Partial<Consent> = {}): Consent {
  return {
    consentId: 'con-0123456789abcdef01234567',
    patientId: PID,
    patientHome: 'TertiaryHospitalMSP',
    provision: 'permit',
    grantee: { org: 'CommunityHospitalMSP', role: 'clinician' },
    purposes: ['treatment'],
    categories: ['imaging', 'laboratory'],
    validFrom: '2026-12-01T00:00:00.000Z',
    exceptions: [],
    status: 'active',
    version: 2,
    createdAt: '2026-12-01T00:00:00.000Z',
    updatedAt: '2026-12-02T00:00:00.000Z',
    signedBy: { kind: 'patient', id: PID },
    txId: 'tx',
    salt: 'salt',
    ...overrides,
  };
}

describe('who signs in a session', () => {
  const me: IdentityView = {
    username: 'alice',
    role: 'patient',
    mspId: 'TertiaryHospitalMSP',
    orgType: 'hospital',
    patientId: PID,
    createdAt: '2026-12-01T00:00:00.000Z',
  };

  it('is the patient, a guardian for the patient, or nobody for staff', () => {
    expect(signerOf(me)).toEqual(patient);
    expect(signerOf({ ...me, guardianId: RP })).toEqual(guardian);
    const { patientId: _pid, ...staff } = me;
    expect(signerOf({ ...staff, role: 'clinician' })).toBeUndefined();
    expect(signerOf({ ...me, role: 'admin' })).toBeUndefined();
  });
});

describe('whether this browser can sign', () => {
  it('is ready only with a key the binding lists and has not stopped', () => {
    expect(signingStatus({ binding: binding(), signer: patient, key: key('key-a'), now })).toEqual({
      kind: 'ready',
      key: key('key-a'),
    });
    expect(signingStatus({ binding: binding(), signer: patient, key: undefined, now }).kind).toBe(
      'no-key',
    );
    expect(
      signingStatus({ binding: binding(), signer: patient, key: key('key-new'), now }).kind,
    ).toBe('not-bound');
    expect(
      signingStatus({ binding: binding(), signer: patient, key: key('key-old'), now }),
    ).toEqual({ kind: 'key-revoked', key: key('key-old'), revokedAt: '2026-12-02T00:00:00.000Z' });
  });

  it('refuses a pending binding and a minor, with words', () => {
    const pending = signingStatus({
      binding: binding({ status: 'pending', keys: [] }),
      signer: patient,
      key: undefined,
      now,
    });
    expect(pending.kind).toBe('not-allowed');
    const minor = signingStatus({
      binding: binding({ adultFrom: '2030-01-01' }),
      signer: patient,
      key: key('key-a'),
      now,
    });
    expect(minor).toEqual({
      kind: 'not-allowed',
      reason: 'Until Jan 1, 2030 your guardian signs for you.',
    });
    expect(
      signingStatus({
        binding: binding({ adultFrom: '2026-12-06' }),
        signer: patient,
        key: key('key-a'),
        now,
      }).kind,
    ).toBe('ready');
  });

  it('lets a guardian sign with their own key only within their period and before majority', () => {
    const guardianship = {
      guardianId: RP,
      relationship: 'parent' as const,
      validFrom: '2026-12-01T00:00:00.000Z',
      validUntil: '2027-12-01T00:00:00.000Z',
      status: 'active' as const,
      keys: [bound('key-g')],
      proposedAt: '2026-11-30T00:00:00.000Z',
    };
    const withGuardian = (overrides: Partial<PatientBinding> = {}) =>
      binding({ guardians: [guardianship], adultFrom: '2030-01-01', ...overrides });
    expect(
      signingStatus({ binding: withGuardian(), signer: guardian, key: key('key-g'), now }).kind,
    ).toBe('ready');
    // The patient's own key is not the guardian's.
    expect(
      signingStatus({ binding: withGuardian(), signer: guardian, key: key('key-a'), now }).kind,
    ).toBe('not-bound');
    expect(
      signingStatus({
        binding: withGuardian(),
        signer: guardian,
        key: key('key-g'),
        now: new Date('2027-12-01T00:00:00.000Z'),
      }).kind,
    ).toBe('not-allowed');
    expect(
      signingStatus({
        binding: withGuardian({ adultFrom: '2026-12-05' }),
        signer: guardian,
        key: key('key-g'),
        now,
      }).kind,
    ).toBe('not-allowed');
    expect(
      signingStatus({
        binding: withGuardian({ guardians: [{ ...guardianship, status: 'ended' }] }),
        signer: guardian,
        key: key('key-g'),
        now,
      }),
    ).toEqual({
      kind: 'not-allowed',
      reason: 'Your guardianship’s status is “Ended”: you cannot sign for this patient.',
    });
  });

  it('says why it cannot sign, pointing to the devices page', () => {
    expect(cannotSign({ kind: 'no-key' })).toContain('(Devices and guardians)');
    expect(cannotSign({ kind: 'not-bound', key: key('k') })).toContain('not one of your devices');
    expect(cannotSign({ kind: 'not-allowed', reason: 'Because.' })).toBe('Because.');
  });
});

describe('the statements the pages sign', () => {
  const form: GrantForm = {
    org: 'CommunityHospitalMSP',
    role: 'clinician',
    purposes: ['treatment'],
    categories: ['imaging', 'laboratory'],
    sensitive: [],
    sensitiveAgreed: false,
    from: '',
    until: '',
    notice: {
      org: 'TertiaryHospitalMSP',
      noticeId: 'consent-sharing',
      version: 2,
      sha256: 'c'.repeat(64),
    },
    noticeRead: true,
  };

  it('checks the grant form in words and turns it into the consent terms', () => {
    expect(grantProblems({ ...form, org: '', purposes: [] })).toEqual(['org', 'purposes']);
    expect(grantProblems({ ...form, categories: [] })).toEqual(['categories']);
    expect(grantProblems({ ...form, from: '2026-12-10', until: '2026-12-09' })).toEqual(['dates']);
    expect(grantProblems(form)).toEqual([]);
    expect(consentInputOf(form)).toEqual({
      grantee: { org: 'CommunityHospitalMSP', role: 'clinician' },
      purposes: ['treatment'],
      categories: ['imaging', 'laboratory'],
      notice: {
        org: 'TertiaryHospitalMSP',
        noticeId: 'consent-sharing',
        version: 2,
        sha256: 'c'.repeat(64),
      },
    });
    const dated = consentInputOf({ ...form, role: '', from: '2026-12-10', until: '2026-12-20' });
    expect(dated.grantee).toEqual({ org: 'CommunityHospitalMSP' });
    expect(dated.validFrom).toBe(new Date('2026-12-10T00:00:00').toISOString());
    expect(dated.validUntil).toBe(new Date('2026-12-20T23:59:59').toISOString());
    // A member institution of the organization, when one is chosen; none: every one of them.
    expect(
      consentInputOf({ ...form, org: 'EnterpriseMSP', role: '', institution: 'inst-insurer01' })
        .grantee,
    ).toEqual({ org: 'EnterpriseMSP', institution: 'inst-insurer01' });
    expect(consentInputOf({ ...form, institution: '' }).grantee).not.toHaveProperty('institution');
  });

  it('asks that the notice was shown and read before it can be signed', () => {
    expect(grantProblems({ ...form, noticeRead: false })).toEqual(['notice']);
    const { notice: _notice, ...unloaded } = form;
    expect(grantProblems(unloaded)).toEqual(['notice']);
    expect(consentInputOf(unloaded)).not.toHaveProperty('notice');
  });

  it('asks a separate agreement for sensitive data, and genetic data named with genomic data', () => {
    const psy = { ...form, sensitive: ['PSY', 'HIV'] };
    expect(grantProblems(psy)).toEqual(['sensitiveAgreed']);
    expect(grantProblems({ ...psy, sensitiveAgreed: true })).toEqual([]);
    expect(consentInputOf({ ...psy, sensitiveAgreed: true }).sensitive).toEqual(['HIV', 'PSY']);
    // Genomic data without the genetic-data label would open nothing: the form says so.
    const genomic = { ...form, categories: ['genomic'] };
    expect(grantProblems(genomic)).toEqual(['genomic']);
    expect(grantProblems({ ...genomic, sensitive: ['GDIS'] })).toEqual(['sensitiveAgreed']);
    expect(grantProblems({ ...genomic, sensitive: ['GDIS'], sensitiveAgreed: true })).toEqual([]);
    // No sensitive data: no field in the terms.
    expect(consentInputOf(form)).not.toHaveProperty('sensitive');
  });

  it('builds a grant statement for this ledger, this signer and this key, valid ten minutes', () => {
    const statement = statementFor({
      ledger,
      signer: patient,
      key: { keyId: 'key-a' },
      action: 'consent:GrantConsent',
      payload: consentInputOf(form),
      now,
    });
    expect(statement).toMatchObject({
      version: 1,
      action: 'consent:GrantConsent',
      channel: 'health',
      chaincode: 'consent-ledger',
      patientId: PID,
      signer: { kind: 'patient', id: PID, keyId: 'key-a' },
      issuedAt: '2026-12-06T08:00:00.000Z',
      expiresAt: '2026-12-06T08:10:00.000Z',
      payload: consentInputOf(form),
    });
    expect(isStale(statement, now)).toBe(false);
    expect(isStale(statement, new Date('2026-12-06T08:09:45.000Z'))).toBe(true);
    // What the page shows is what is signed: the canonical text, sorted keys.
    const text = statementText(statement);
    expect(text).toBe(canonicalJson(JSON.parse(text)));
    expect(text.indexOf('"action"')).toBeLessThan(text.indexOf('"channel"'));
  });

  it('names the patient, and the guardian as signer, in a guardian statement', () => {
    const statement = statementFor({
      ledger,
      signer: guardian,
      key: { keyId: 'key-g' },
      action: 'consent:RevokeConsent',
      payload: revocationOf(consent()),
      now,
    });
    expect(statement.patientId).toBe(PID);
    expect(statement.signer).toEqual({ kind: 'guardian', id: RP, keyId: 'key-g' });
  });

  it('revokes at the version shown and erases only what allows nothing', () => {
    expect(revocationOf(consent())).toEqual({
      consentId: 'con-0123456789abcdef01234567',
      expectedVersion: 2,
    });
    expect(erasureOf(consent())).toEqual({ consentId: 'con-0123456789abcdef01234567' });
    expect(canErase(consent())).toBe(false);
    expect(canErase(consent({ status: 'revoked' }))).toBe(true);
    expect(canErase(consent({ status: 'expired' }))).toBe(true);
  });

  it('signs the statement as shown, and the signature verifies with the bound key', async () => {
    const deviceKey = await generatePatientKey();
    const statement = statementFor({
      ledger,
      signer: patient,
      key: deviceKey,
      action: 'patient:AddDevice',
      payload: { publicKey: deviceKey.publicKey },
      now,
    });
    const signed = await signStatement(statement, deviceKey);
    expect(signed.statement).toBe(statementText(statement));
    expect(await verifySignedAction(signed, deviceKey.publicKey)).toBe(true);
    expect(deviceKey.privateKey.extractable).toBe(false);
  });
});

describe('what the patient types', () => {
  it('reads an enrolment code in any case, with or without dashes and spaces', () => {
    expect(normalizeEnrolmentCode('abcd efgh-ijkl mnop')).toBe('ABCD-EFGH-IJKL-MNOP');
    expect(normalizeEnrolmentCode('ABCDEFGHIJKL2345')).toBe('ABCD-EFGH-IJKL-2345');
    expect(ENROLMENT_CODE_PATTERN.test(normalizeEnrolmentCode('abcdefghijkl2345') ?? '')).toBe(
      true,
    );
    expect(normalizeEnrolmentCode('ABCD-EFGH-IJKL')).toBeUndefined();
    expect(normalizeEnrolmentCode('ABCD-EFGH-IJKL-MNO1')).toBeUndefined();
    expect(normalizeEnrolmentCode('ABCD-EFGH-IJKL-MNOPQ')).toBeUndefined();
  });

  it('reads a pasted public key across line breaks, with its key ID', async () => {
    const { publicKey } = await generatePatientKey();
    const wrapped = `  ${publicKey.slice(0, 60)}\n${publicKey.slice(60)} \n`;
    expect(pastedPublicKey(wrapped)).toEqual({ publicKey, keyId: keyIdOf(publicKey) });
    expect(pastedPublicKey('not a key')).toBeUndefined();
    expect(pastedPublicKey(publicKey.slice(0, 100))).toBeUndefined();
  });
});

describe('the grant form’s default end date', () => {
  it('is one year after today, as a date input value in the browser’s zone', () => {
    expect(oneYearFrom(new Date(2026, 11, 6, 15, 30))).toBe('2027-12-06');
    expect(oneYearFrom(new Date(2026, 0, 1, 0, 0))).toBe('2027-01-01');
    expect(oneYearFrom(new Date(2028, 1, 29, 12, 0))).toBe('2029-03-01');
  });
});
