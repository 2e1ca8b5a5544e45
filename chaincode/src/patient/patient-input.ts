import {
  ENROLMENT_CODE_PATTERN,
  GUARDIAN_ID_PATTERN,
  GUARDIAN_RELATIONSHIPS,
  canonicalEnrolmentCode,
  PUBLIC_KEY_PATTERN,
  type ActivationPayload,
  type DevicePayload,
  type DeviceRemovalPayload,
  type GuardianActivationPayload,
  type GuardianProposal,
  type GuardianRef,
  type PatientRegistration,
  type RecoveryRequest,
} from '@consent-ledger/ledger-api';
import { z } from 'zod';
import {
  daySchema,
  inputOf,
  instantSchema,
  parseJsonArgument,
  patientIdSchema,
  saltSchema,
  sha256Schema,
  validate,
} from '../ledger/validation';

/** A guardian's ID: `rp-` + 16 to 32 of lower-case base32. */
export const guardianIdSchema = z
  .string()
  .regex(GUARDIAN_ID_PATTERN, 'must be rp- followed by 16 to 32 of [a-z2-7]');

/** An SPKI DER public key, base64url (its curve is checked where it is used). */
const publicKeySchema = z
  .string()
  .regex(PUBLIC_KEY_PATTERN, 'must be an SPKI DER public key (ECDSA P-256), base64url');

/** An enrolment code as typed: 16 base32 characters, grouped by dashes or not, any case. */
const enrolmentCodeSchema = z
  .string()
  .max(40)
  .refine(
    (code) => ENROLMENT_CODE_PATTERN.test(canonicalEnrolmentCode(code)),
    'must be 16 characters of base32',
  );

const enrolmentSchema = z.strictObject({ hash: sha256Schema, salt: saltSchema });

const registrationSchema = inputOf<PatientRegistration>()(
  z.strictObject({
    patientId: patientIdSchema,
    enrolment: enrolmentSchema,
    adultFrom: daySchema.optional(),
  }),
);

/** Parses RegisterPatient's input. */
export function parseRegistration(json: string): z.output<typeof registrationSchema> {
  return parseJsonArgument(registrationSchema, { json, what: 'registration' });
}

const recoverySchema = inputOf<RecoveryRequest>()(
  z.strictObject({ patientId: patientIdSchema, enrolment: enrolmentSchema }),
);

/** Parses RequestRecovery's input. */
export function parseRecoveryRequest(json: string): z.output<typeof recoverySchema> {
  return parseJsonArgument(recoverySchema, { json, what: 'recovery' });
}

const proposalSchema = inputOf<GuardianProposal>()(
  z
    .strictObject({
      patientId: patientIdSchema,
      guardianId: guardianIdSchema,
      relationship: z.enum(GUARDIAN_RELATIONSHIPS),
      validFrom: instantSchema,
      validUntil: instantSchema,
      enrolment: enrolmentSchema,
    })
    .superRefine((input, context) => {
      if (input.validFrom >= input.validUntil) {
        context.addIssue({
          code: 'custom',
          path: ['validUntil'],
          message: 'must be after validFrom',
        });
      }
    }),
);

/** Parses ProposeGuardian's input. */
export function parseGuardianProposal(json: string): z.output<typeof proposalSchema> {
  return parseJsonArgument(proposalSchema, { json, what: 'proposal' });
}

const guardianRefSchema = inputOf<GuardianRef>()(
  z.strictObject({ patientId: patientIdSchema, guardianId: guardianIdSchema }),
);

/** Parses ApproveGuardian's and EndGuardianship's input. */
export function parseGuardianRef(json: string): z.output<typeof guardianRefSchema> {
  return parseJsonArgument(guardianRefSchema, { json, what: 'guardian' });
}

/** Validates a patient ID argument. */
export function parsePatientId(value: string): string {
  return validate(patientIdSchema, { value, what: 'patientId' });
}

const activationSchema = inputOf<ActivationPayload>()(
  z.strictObject({ publicKey: publicKeySchema, enrolmentCode: enrolmentCodeSchema }),
);

/** Validates ActivatePatient's signed payload. */
export function activationPayload(value: unknown): z.output<typeof activationSchema> {
  return validate(activationSchema, { value, what: 'activation' });
}

const guardianActivationSchema = inputOf<GuardianActivationPayload>()(
  z.strictObject({
    publicKey: publicKeySchema,
    enrolmentCode: enrolmentCodeSchema,
    guardianId: guardianIdSchema,
  }),
);

/** Validates ActivateGuardian's signed payload. */
export function guardianActivationPayload(
  value: unknown,
): z.output<typeof guardianActivationSchema> {
  return validate(guardianActivationSchema, { value, what: 'activation' });
}

const deviceSchema = inputOf<DevicePayload>()(z.strictObject({ publicKey: publicKeySchema }));

/** Validates AddDevice's signed payload. */
export function devicePayload(value: unknown): z.output<typeof deviceSchema> {
  return validate(deviceSchema, { value, what: 'device' });
}

const deviceRemovalSchema = inputOf<DeviceRemovalPayload>()(
  z.strictObject({
    keyId: z.string().regex(/^[A-Za-z0-9_-]{22}$/, 'must be a key ID (16 bytes, base64url)'),
  }),
);

/** Validates RemoveDevice's signed payload. */
export function deviceRemovalPayload(value: unknown): z.output<typeof deviceRemovalSchema> {
  return validate(deviceRemovalSchema, { value, what: 'device' });
}
