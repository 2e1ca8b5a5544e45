import {
  ledgerError,
  orgCollection,
  type BindingChange,
  type BindingVersion,
  type ErasureReceipt,
  type PatientBinding,
} from '@consent-ledger/ledger-api';
import { homeOrganizations } from '../ledger/channel';
import { versionAttribute } from '../ledger/keys';
import type { RequestContext } from '../ledger/ledger-context';
import { mergedEntries } from '../ledger/pagination';
import { decodeDocument, hashExists, inCollection, stateIn } from '../ledger/state';

/**
 * Patients' bindings (keys.ts: `pat`, `pat~ver`, `era`), kept in the home organization's
 * collection `org_<home>`. A patient's home is found by probing the hash of the binding's key in
 * the collection of every organization that can be a home: any client may read a hash, so every
 * member finds any patient's home, and no one learns more than that.
 */

/** The home of a patient, or undefined for an unknown pseudonym (memoized per transaction). */
export function locateHome(ctx: RequestContext, patientId: string): Promise<string | undefined> {
  return ctx.memo(`home:${patientId}`, async () => {
    for (const home of await homeOrganizations(ctx)) {
      if (
        await hashExists(ctx.stub, {
          collection: orgCollection(home),
          path: ['binding', patientId],
        })
      ) {
        return home;
      }
    }
    return undefined;
  });
}

/** The home of a patient; PATIENT_NOT_FOUND for an unknown pseudonym. */
export async function requireHome(ctx: RequestContext, patientId: string): Promise<string> {
  const home = await locateHome(ctx, patientId);
  if (home === undefined) {
    throw ledgerError('PATIENT_NOT_FOUND', `patient ${patientId} is not registered`);
  }
  return home;
}

/** A patient's binding at its home; PATIENT_NOT_FOUND when absent. */
export async function readBinding(
  ctx: RequestContext,
  where: { readonly home: string; readonly patientId: string },
): Promise<PatientBinding> {
  const binding = await stateIn(ctx, inCollection(orgCollection(where.home))).read([
    'binding',
    where.patientId,
  ]);
  if (binding === undefined) {
    throw ledgerError('PATIENT_NOT_FOUND', `patient ${where.patientId} is not registered`);
  }
  return binding;
}

/** A binding change: the new binding (without its bookkeeping) and who made it. */
export interface BindingWrite {
  readonly binding: Omit<PatientBinding, 'version' | 'updatedAt' | 'txId' | 'salt'>;
  /** The version replaced (0 for a new binding). */
  readonly previousVersion: number;
  readonly change: BindingChange;
  readonly by: BindingVersion['by'];
}

/** Writes a new version of a binding and its version record; returns the binding written. */
export async function writeBinding(
  ctx: RequestContext,
  write: Readonly<BindingWrite>,
): Promise<PatientBinding> {
  const version = write.previousVersion + 1;
  const binding: PatientBinding = {
    ...write.binding,
    version,
    updatedAt: ctx.txTime,
    txId: ctx.txId,
    salt: ctx.salt,
  };
  const state = stateIn(ctx, inCollection(orgCollection(binding.home)));
  await state.write({ key: ['binding', binding.patientId], value: binding });
  await state.write({
    key: ['bindingVersion', binding.patientId, versionAttribute(version)],
    value: {
      version,
      change: write.change,
      by: write.by,
      txId: ctx.txId,
      time: ctx.txTime,
      salt: ctx.salt,
    },
  });
  return binding;
}

/** Every version of a binding, oldest first. */
export async function bindingVersions(
  ctx: RequestContext,
  where: { readonly home: string; readonly patientId: string },
): Promise<BindingVersion[]> {
  const versions: BindingVersion[] = [];
  for await (const version of stateIn(ctx, inCollection(orgCollection(where.home))).documents([
    'bindingVersion',
    where.patientId,
  ])) {
    versions.push(version);
  }
  return versions;
}

/** Writes an erasure receipt into a collection (`org_<home>`, or the collection purged). */
export async function writeErasure(
  ctx: RequestContext,
  where: { readonly collection: string; readonly receipt: ErasureReceipt },
): Promise<void> {
  const { collection, receipt } = where;
  await stateIn(ctx, inCollection(collection)).write({
    key: ['erasure', receipt.patientId, receipt.erasedAt, receipt.txId],
    value: receipt,
  });
}

/** The erasure receipts of a patient in collections (the home's), oldest first. */
export async function erasureReceipts(
  ctx: RequestContext,
  where: { readonly collections: readonly string[]; readonly patientId: string },
): Promise<ErasureReceipt[]> {
  const receipts: ErasureReceipt[] = [];
  for await (const entry of mergedEntries(ctx.stub, {
    collections: where.collections,
    type: 'erasure',
    prefix: [where.patientId],
  })) {
    receipts.push(decodeDocument('erasure', entry.value));
  }
  return receipts;
}
