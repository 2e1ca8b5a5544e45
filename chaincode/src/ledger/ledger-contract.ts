import { ledgerError, organizationTypeOf, ROLES, type Role } from '@consent-ledger/ledger-api';
import { Contract, type Context } from 'fabric-contract-api';
import { readOrganization } from '../registry/organization-store';
import { authorize } from './authorization';
import { sha256Hex } from './ids';
import { LedgerContext, type Caller } from './ledger-context';
import { patientIdSchema, practitionerIdSchema } from './validation';

function isRole(value: string | null): value is Role {
  return value !== null && (ROLES as readonly string[]).includes(value);
}

/**
 * The caller's role, from the certificate's `role` attribute alone (no state read). Refuses with
 * FORBIDDEN a certificate without a known role. The organizations' Fabric admins (NodeOU `admin`)
 * are enrolled by network/ with `role=admin` too, so they resolve to `admin` like the gateway's
 * admin users.
 */
export function certificateRole(identity: Context['clientIdentity']): Role {
  const role = identity.getAttributeValue('role');
  if (!isRole(role)) {
    throw ledgerError('FORBIDDEN', 'the certificate has no valid role attribute');
  }
  return role;
}

/**
 * Resolves the caller from the certificate (MSP ID, `role`, `patientId`, `practitionerId`
 * attributes, ID) and the registry. Refuses with FORBIDDEN a certificate without a known role, a
 * patient without a valid pseudonym, or a malformed practitioner ID.
 */
export async function resolveCaller(ctx: LedgerContext): Promise<Caller> {
  const identity = ctx.clientIdentity;
  const mspId = identity.getMSPID();
  const role = certificateRole(identity);
  const patientId = identity.getAttributeValue('patientId');
  if (role === 'patient' && !patientIdSchema.safeParse(patientId).success) {
    throw ledgerError('FORBIDDEN', 'a patient certificate needs a valid patientId attribute');
  }
  const practitionerId = identity.getAttributeValue('practitionerId');
  if (
    role === 'clinician' &&
    practitionerId !== null &&
    !practitionerIdSchema.safeParse(practitionerId).success
  ) {
    throw ledgerError('FORBIDDEN', 'the practitionerId attribute is malformed');
  }
  const organization = await readOrganization(ctx.stub, mspId);
  const orgType = organizationTypeOf(mspId, organization?.type);
  return {
    mspId,
    role,
    idHash: sha256Hex(identity.getID()),
    ...(role === 'patient' && patientId !== null ? { patientId } : {}),
    ...(role === 'clinician' && practitionerId !== null ? { practitionerId } : {}),
    ...(organization === undefined ? {} : { organization }),
    ...(orgType === undefined ? {} : { orgType }),
  };
}

/** The function part of `contract:Function` (as fabric-contract-api splits it). */
export function functionName(fcn: string): string {
  const colon = fcn.indexOf(':');
  return colon < 0 ? fcn : fcn.slice(colon + 1);
}

/**
 * Base of every ledger contract: gives transactions a {@link LedgerContext}, resolves and
 * authorizes the caller against the matrix (ledger-api's, through authorization.ts) before any
 * transaction body runs, and refuses unknown transaction names with INVALID_ARGUMENT.
 */
export abstract class LedgerContract extends Contract {
  override createContext(): LedgerContext {
    return new LedgerContext();
  }

  override async beforeTransaction(ctx: LedgerContext): Promise<void> {
    const transaction = `${this.getName()}:${functionName(ctx.stub.getFunctionAndParameters().fcn)}`;
    const caller = await resolveCaller(ctx);
    authorize(transaction, caller);
    ctx.setCaller(caller);
  }

  override unknownTransaction(ctx: LedgerContext): Promise<void> {
    const { fcn } = ctx.stub.getFunctionAndParameters();
    return Promise.reject(
      ledgerError('INVALID_ARGUMENT', `unknown transaction ${this.getName()}:${functionName(fcn)}`),
    );
  }
}
