import 'reflect-metadata';
import {
  ledgerError,
  organizationTypeOf,
  ROLES,
  type Organization,
  type Role,
} from '@consent-ledger/ledger-api';
import { Contract, type Context } from 'fabric-contract-api';
import { readOrganization } from '../registry/organization-store';
import { authorize } from './authorization';
import { sha256Hex } from './ids';
import { LedgerContext, RequestContext, type Caller } from './ledger-context';
import { decodeRequest } from './request';
import { sealResult } from './sealed-result';
import { institutionIdSchema, practitionerIdSchema } from './validation';

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
 * Resolves the caller from the certificate (MSP ID, `role`, `practitionerId` and `institution`
 * attributes, ID) and the registry. Refuses with FORBIDDEN a certificate without a known role, a
 * certificate with role `patient` (patients have no certificates: they act through statements
 * signed with their own keys, docs/patient-keys.md, carried by a member), or a malformed
 * practitioner ID or an `institution` attribute that is malformed or that the caller's
 * organization does not list in the registry (docs/authorization.md, "Member institutions").
 */
export async function resolveCaller(ctx: LedgerContext): Promise<Caller> {
  const identity = ctx.clientIdentity;
  const mspId = identity.getMSPID();
  const role = certificateRole(identity);
  if (role === 'patient') {
    throw ledgerError(
      'FORBIDDEN',
      'a certificate with role patient authorizes nothing: patients act through signed statements',
    );
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
  const institution = identity.getAttributeValue('institution');
  if (institution !== null) checkInstitution({ institution, mspId, organization });
  return {
    mspId,
    role,
    idHash: sha256Hex(identity.getID()),
    ...(role === 'clinician' && practitionerId !== null ? { practitionerId } : {}),
    ...(institution === null ? {} : { institution }),
    ...(organization === undefined ? {} : { organization }),
    ...(orgType === undefined ? {} : { orgType }),
  };
}

/** Refuses a certificate's institution that its organization's registry entry does not list. */
function checkInstitution(
  options: Readonly<{ institution: string; mspId: string; organization: Organization | undefined }>,
): void {
  const { institution, mspId, organization } = options;
  if (!institutionIdSchema.safeParse(institution).success) {
    throw ledgerError('FORBIDDEN', 'the institution attribute is malformed');
  }
  const listed = organization?.institutions?.some((entry) => entry.institutionId === institution);
  if (listed !== true) {
    throw ledgerError(
      'FORBIDDEN',
      `institution ${institution} is not registered in organization ${mspId}`,
    );
  }
}

/** The function part of `contract:Function` (as fabric-contract-api splits it). */
export function functionName(fcn: string): string {
  const colon = fcn.indexOf(':');
  return colon < 0 ? fcn : fcn.slice(colon + 1);
}

interface TransactionMetadata {
  parameters?: unknown[];
}

/**
 * Makes fabric-contract-api hand a contract's transactions whatever proposal arguments come, so
 * that the contract refuses them itself, coded (INVALID_ARGUMENT): every transaction takes its
 * inputs from the transient request and declares no parameter (its metadata lists none), and the
 * framework would otherwise refuse a proposal with arguments with its own uncoded count error.
 */
export function acceptTransientInputs(contractClasses: readonly unknown[]): void {
  for (const contractClass of contractClasses) {
    const prototype = (contractClass as { prototype: object }).prototype;
    const transactions = Reflect.getMetadata('fabric:transactions', prototype) as
      TransactionMetadata[] | undefined;
    for (const transaction of transactions ?? []) delete transaction.parameters;
  }
}

/**
 * Base of every contract: gives transactions a {@link RequestContext}, decodes and checks the
 * transient request before any transaction body runs (request.ts), and refuses unknown transaction
 * names with INVALID_ARGUMENT. The benchmark's contracts extend it directly.
 */
export abstract class RequestContract extends Contract {
  override createContext(): RequestContext {
    return new RequestContext();
  }

  override beforeTransaction(ctx: RequestContext): Promise<void> {
    try {
      ctx.setRequest(decodeRequest(ctx.stub, this.qualifiedName(ctx)));
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  override unknownTransaction(ctx: RequestContext): Promise<void> {
    return Promise.reject(
      ledgerError('INVALID_ARGUMENT', `unknown transaction ${this.qualifiedName(ctx)}`),
    );
  }

  /**
   * Runs the transaction; when the request carries a salt (every submit), returns its result sealed
   * (sealed-result.ts): a submit's result is written into the block, on every peer. (fabric-contract-
   * api hands what this returns to the serializer, though its type declarations say void.)
   */
  override async aroundTransaction(
    ctx: RequestContext,
    fn: Parameters<Contract['aroundTransaction']>[1],
    parameters: Parameters<Contract['aroundTransaction']>[2],
  ): Promise<void> {
    const run = super.aroundTransaction.bind(this) as (
      ...args: Parameters<Contract['aroundTransaction']>
    ) => Promise<unknown>;
    const result = await run(ctx, fn, parameters);
    const salt = ctx.request.salt;
    const answer = salt === undefined ? result : sealResult(result, { salt, txId: ctx.txId });
    return answer as Awaited<ReturnType<Contract['aroundTransaction']>>;
  }

  /** The qualified name of the transaction a context runs. */
  protected qualifiedName(ctx: Context): string {
    return `${this.getName()}:${functionName(ctx.stub.getFunctionAndParameters().fcn)}`;
  }
}

/**
 * Base of every ledger contract: gives transactions a {@link LedgerContext}, resolves and
 * authorizes the caller against the matrix (ledger-api's, through authorization.ts) before the
 * request is even decoded (the trust boundary), then decodes the request.
 */
export abstract class LedgerContract extends RequestContract {
  override createContext(): LedgerContext {
    return new LedgerContext();
  }

  override async beforeTransaction(ctx: LedgerContext): Promise<void> {
    const caller = await resolveCaller(ctx);
    authorize(this.qualifiedName(ctx), caller);
    ctx.setCaller(caller);
    await super.beforeTransaction(ctx);
  }
}
