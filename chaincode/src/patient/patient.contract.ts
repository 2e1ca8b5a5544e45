import {
  collectionsOf,
  enrolmentCodeHash,
  GOVERNMENT_MSP,
  keyIdOf,
  ledgerError,
  orgCollection,
  type BindingVersion,
  type ChaincodeContract,
  type EnrolmentCodeHash,
  type ErasureReceipt,
  type Guardianship,
  type PatientBinding,
  type PatientLocation,
} from '@consent-ledger/ledger-api';
import { Info, Returns, Transaction } from 'fabric-contract-api';
import { channelMspIds } from '../ledger/channel';
import { announce } from '../ledger/events';
import { requireHomeReader } from '../ledger/guards';
import { LedgerContext } from '../ledger/ledger-context';
import { LedgerContract } from '../ledger/ledger-contract';
import {
  bindingVersions,
  erasureReceipts,
  locateHome,
  readBinding,
  requireHome,
  writeBinding,
  type BindingWrite,
} from './binding-store';
import {
  activationPayload,
  devicePayload,
  deviceRemovalPayload,
  guardianActivationPayload,
  parseGuardianProposal,
  parseGuardianRef,
  parsePatientId,
  parseRecoveryRequest,
  parseRegistration,
} from './patient-input';
import { p256Key, verifyAction } from './statement';

/** Who an organization's staff is, as a binding's history records it. */
function byOrg(mspId: string): BindingVersion['by'] {
  return { kind: 'org', id: mspId };
}

/** A copy without the named optional fields. */
function without<T extends object, K extends keyof T>(value: T, ...keys: K[]): Omit<T, K> {
  const copy = { ...value };
  for (const key of keys) Reflect.deleteProperty(copy, key);
  return copy;
}

/** Refuses a code that does not hash to the pending enrolment's hash. */
function checkCode(enrolment: EnrolmentCodeHash, code: string): void {
  if (enrolmentCodeHash(code, enrolment.salt) !== enrolment.hash) {
    throw ledgerError('FORBIDDEN', 'activation refused: the enrolment code is wrong');
  }
}

/**
 * Patients and the keys that speak for them (docs/patient-keys.md): the home organization
 * registers a pseudonym with a one-time enrolment code's hash, the patient's device binds its own
 * key with the code, further devices are added by a bound key, a lost key is replaced by the home
 * organization and the regulator together, and guardians are bound for a period. The binding and
 * every version of it live in `org_<home>` (the home organization and the regulator).
 */
@Info({ title: 'Patient', description: 'Pseudonyms, their bound keys, guardians and recovery' })
export class PatientContract
  extends LedgerContract
  implements ChaincodeContract<'patient', LedgerContext>
{
  constructor() {
    super('patient');
  }

  /** Registers a pseudonym at the caller's organization, pending activation (home admins). */
  @Transaction()
  @Returns('PatientBinding')
  async RegisterPatient(ctx: LedgerContext): Promise<PatientBinding> {
    const [registrationJson] = ctx.argsOf('patient:RegisterPatient');
    const input = parseRegistration(registrationJson);
    const home = ctx.member.mspId;
    if ((await locateHome(ctx, input.patientId)) !== undefined) {
      throw ledgerError('CONFLICT', `patient ${input.patientId} is already registered`);
    }
    return this.#write(ctx, {
      binding: {
        patientId: input.patientId,
        home,
        status: 'pending',
        keys: [],
        guardians: [],
        ...(input.adultFrom === undefined ? {} : { adultFrom: input.adultFrom }),
        enrolment: input.enrolment,
        createdAt: ctx.txTime,
      },
      previousVersion: 0,
      change: 'registered',
      by: byOrg(home),
    });
  }

  /** Binds the patient's first device key (or, after a recovery, a new one) with the code. */
  @Transaction()
  @Returns('PatientBinding')
  async ActivatePatient(ctx: LedgerContext): Promise<PatientBinding> {
    const [actionJson] = ctx.argsOf('patient:ActivatePatient');
    const action = await verifyAction(ctx, {
      action: 'patient:ActivatePatient',
      json: actionJson,
      payload: activationPayload,
      keyFromPayload: (payload) => payload.publicKey,
    });
    const { binding, payload, envelope } = action;
    if (envelope.signer.kind !== 'patient' || envelope.signer.id !== action.patientId) {
      throw ledgerError('FORBIDDEN', 'activation refused: the patient signs their own activation');
    }
    const open =
      binding.status === 'pending' ||
      (binding.status === 'recovering' && binding.recovery?.approvedAt !== undefined);
    if (!open || binding.enrolment === undefined) {
      throw ledgerError(
        'FORBIDDEN',
        binding.status === 'recovering'
          ? 'activation refused: the recovery waits for the regulator'
          : 'activation refused: the patient is already activated',
      );
    }
    checkCode(binding.enrolment, payload.enrolmentCode);
    const keyId = keyIdOf(payload.publicKey);
    if (binding.keys.some((key) => key.keyId === keyId)) {
      throw ledgerError('FORBIDDEN', 'activation refused: this key was bound before');
    }
    await action.useNonce(orgCollection(action.home));
    return this.#write(ctx, {
      binding: {
        ...without(binding, 'enrolment', 'recovery'),
        status: 'active',
        keys: [...binding.keys, { keyId, publicKey: payload.publicKey, addedAt: ctx.txTime }],
      },
      previousVersion: binding.version,
      change: 'activated',
      by: action.signedBy,
    });
  }

  /** Binds another device's key (signed by a bound key of the patient). */
  @Transaction()
  @Returns('PatientBinding')
  async AddDevice(ctx: LedgerContext): Promise<PatientBinding> {
    const [actionJson] = ctx.argsOf('patient:AddDevice');
    const action = await verifyAction(ctx, {
      action: 'patient:AddDevice',
      json: actionJson,
      payload: devicePayload,
    });
    const { binding, payload } = action;
    if (action.signedBy.kind !== 'patient') {
      throw ledgerError('FORBIDDEN', 'only the patient adds a device of their own');
    }
    if (p256Key(payload.publicKey) === undefined) {
      throw ledgerError('INVALID_ARGUMENT', 'device.publicKey: not an ECDSA P-256 public key');
    }
    const keyId = keyIdOf(payload.publicKey);
    if (binding.keys.some((key) => key.keyId === keyId)) {
      throw ledgerError('CONFLICT', `key ${keyId} is already bound`);
    }
    await action.useNonce(orgCollection(action.home));
    return this.#write(ctx, {
      binding: {
        ...binding,
        keys: [...binding.keys, { keyId, publicKey: payload.publicKey, addedAt: ctx.txTime }],
      },
      previousVersion: binding.version,
      change: 'device-added',
      by: action.signedBy,
    });
  }

  /** Stops a device's key (signed by a bound key of the patient; not the last one). */
  @Transaction()
  @Returns('PatientBinding')
  async RemoveDevice(ctx: LedgerContext): Promise<PatientBinding> {
    const [actionJson] = ctx.argsOf('patient:RemoveDevice');
    const action = await verifyAction(ctx, {
      action: 'patient:RemoveDevice',
      json: actionJson,
      payload: deviceRemovalPayload,
    });
    const { binding, payload } = action;
    if (action.signedBy.kind !== 'patient') {
      throw ledgerError('FORBIDDEN', 'only the patient removes a device of their own');
    }
    const active = binding.keys.filter((key) => key.revokedAt === undefined);
    if (!active.some((key) => key.keyId === payload.keyId)) {
      throw ledgerError(
        'RULE_VIOLATION',
        `key ${payload.keyId} is not an active key of the patient`,
      );
    }
    if (active.length === 1) {
      throw ledgerError(
        'RULE_VIOLATION',
        'the last active key cannot be removed (recovery replaces it)',
      );
    }
    await action.useNonce(orgCollection(action.home));
    return this.#write(ctx, {
      binding: {
        ...binding,
        keys: binding.keys.map((key) =>
          key.keyId === payload.keyId ? { ...key, revokedAt: ctx.txTime } : key,
        ),
      },
      previousVersion: binding.version,
      change: 'device-removed',
      by: action.signedBy,
    });
  }

  /** Asks for a lost key's replacement with a new code, after an in-person check (home admins). */
  @Transaction()
  @Returns('PatientBinding')
  async RequestRecovery(ctx: LedgerContext): Promise<PatientBinding> {
    const [requestJson] = ctx.argsOf('patient:RequestRecovery');
    const input = parseRecoveryRequest(requestJson);
    const binding = await this.#ownPatient(ctx, input.patientId);
    if (binding.status === 'recovering' && binding.recovery?.approvedAt === undefined) {
      throw ledgerError(
        'CONFLICT',
        `a recovery of ${input.patientId} already waits for the regulator`,
      );
    }
    return this.#write(ctx, {
      binding: {
        ...binding,
        status: 'recovering',
        enrolment: input.enrolment,
        recovery: { requestedAt: ctx.txTime },
      },
      previousVersion: binding.version,
      change: 'recovery-requested',
      by: byOrg(ctx.member.mspId),
    });
  }

  /** Approves a recovery: every key of the patient stops working at once (the regulator). */
  @Transaction()
  @Returns('PatientBinding')
  async ApproveRecovery(ctx: LedgerContext): Promise<PatientBinding> {
    const [patientId] = ctx.argsOf('patient:ApproveRecovery');
    const binding = await this.#anyPatient(ctx, parsePatientId(patientId));
    if (binding.status !== 'recovering' || binding.recovery === undefined) {
      throw ledgerError('RULE_VIOLATION', `no recovery of ${binding.patientId} was asked for`);
    }
    if (binding.recovery.approvedAt !== undefined) {
      throw ledgerError('CONFLICT', `the recovery of ${binding.patientId} is already approved`);
    }
    return this.#write(ctx, {
      binding: {
        ...binding,
        keys: binding.keys.map((key) =>
          key.revokedAt === undefined ? { ...key, revokedAt: ctx.txTime } : key,
        ),
        recovery: { ...binding.recovery, approvedAt: ctx.txTime },
      },
      previousVersion: binding.version,
      change: 'recovery-approved',
      by: byOrg(GOVERNMENT_MSP),
    });
  }

  /** Proposes a guardian for a period, with the guardian's one-time code (home admins). */
  @Transaction()
  @Returns('PatientBinding')
  async ProposeGuardian(ctx: LedgerContext): Promise<PatientBinding> {
    const [proposalJson] = ctx.argsOf('patient:ProposeGuardian');
    const input = parseGuardianProposal(proposalJson);
    const binding = await this.#ownPatient(ctx, input.patientId);
    if (input.validUntil <= ctx.txTime) {
      throw ledgerError('INVALID_ARGUMENT', 'proposal.validUntil: must be in the future');
    }
    if (binding.guardians.some((each) => each.guardianId === input.guardianId)) {
      throw ledgerError('CONFLICT', `guardian ${input.guardianId} is already named`);
    }
    const guardian: Guardianship = {
      guardianId: input.guardianId,
      relationship: input.relationship,
      validFrom: input.validFrom,
      validUntil: input.validUntil,
      status: 'proposed',
      keys: [],
      enrolment: input.enrolment,
      proposedAt: ctx.txTime,
    };
    return this.#write(ctx, {
      binding: { ...binding, guardians: [...binding.guardians, guardian] },
      previousVersion: binding.version,
      change: 'guardian-proposed',
      by: byOrg(ctx.member.mspId),
    });
  }

  /** Approves a proposed guardian (the regulator). */
  @Transaction()
  @Returns('PatientBinding')
  async ApproveGuardian(ctx: LedgerContext): Promise<PatientBinding> {
    const [refJson] = ctx.argsOf('patient:ApproveGuardian');
    const ref = parseGuardianRef(refJson);
    const binding = await this.#anyPatient(ctx, ref.patientId);
    const guardian = guardianOf(binding, ref.guardianId);
    if (guardian.status !== 'proposed') {
      throw ledgerError(
        'CONFLICT',
        `guardian ${ref.guardianId} is ${guardian.status}, not proposed`,
      );
    }
    return this.#write(ctx, {
      binding: replaceGuardian(binding, {
        ...guardian,
        status: 'approved',
        approvedAt: ctx.txTime,
      }),
      previousVersion: binding.version,
      change: 'guardian-approved',
      by: byOrg(GOVERNMENT_MSP),
    });
  }

  /** Binds an approved guardian's key with their code (signed by that key). */
  @Transaction()
  @Returns('PatientBinding')
  async ActivateGuardian(ctx: LedgerContext): Promise<PatientBinding> {
    const [actionJson] = ctx.argsOf('patient:ActivateGuardian');
    const action = await verifyAction(ctx, {
      action: 'patient:ActivateGuardian',
      json: actionJson,
      payload: guardianActivationPayload,
      keyFromPayload: (payload) => payload.publicKey,
    });
    const { binding, payload, envelope } = action;
    if (envelope.signer.kind !== 'guardian' || envelope.signer.id !== payload.guardianId) {
      throw ledgerError('FORBIDDEN', 'activation refused: the guardian signs their own activation');
    }
    const guardian = binding.guardians.find((each) => each.guardianId === payload.guardianId);
    if (guardian?.status !== 'approved' || guardian.enrolment === undefined) {
      throw ledgerError(
        'FORBIDDEN',
        `activation refused: guardian ${payload.guardianId} is not approved and waiting`,
      );
    }
    checkCode(guardian.enrolment, payload.enrolmentCode);
    await action.useNonce(orgCollection(action.home));
    const keyId = keyIdOf(payload.publicKey);
    return this.#write(ctx, {
      binding: replaceGuardian(binding, {
        ...without(guardian, 'enrolment'),
        status: 'active',
        keys: [{ keyId, publicKey: payload.publicKey, addedAt: ctx.txTime }],
        activatedAt: ctx.txTime,
      }),
      previousVersion: binding.version,
      change: 'guardian-activated',
      by: action.signedBy,
    });
  }

  /** Ends a guardianship before its time (the regulator). */
  @Transaction()
  @Returns('PatientBinding')
  async EndGuardianship(ctx: LedgerContext): Promise<PatientBinding> {
    const [refJson] = ctx.argsOf('patient:EndGuardianship');
    const ref = parseGuardianRef(refJson);
    const binding = await this.#anyPatient(ctx, ref.patientId);
    const guardian = guardianOf(binding, ref.guardianId);
    if (guardian.status === 'ended') {
      throw ledgerError('CONFLICT', `guardian ${ref.guardianId} has already ended`);
    }
    return this.#write(ctx, {
      binding: replaceGuardian(binding, {
        ...without(guardian, 'enrolment'),
        status: 'ended',
        endedAt: ctx.txTime,
      }),
      previousVersion: binding.version,
      change: 'guardian-ended',
      by: byOrg(GOVERNMENT_MSP),
    });
  }

  /** A binding (the home's admins, the regulator). */
  @Transaction(false)
  @Returns('PatientBinding')
  async GetBinding(ctx: LedgerContext): Promise<PatientBinding> {
    const [patientId] = ctx.argsOf('patient:GetBinding');
    return this.#anyPatient(ctx, parsePatientId(patientId));
  }

  /** Every version of a binding, oldest first (the home's admins, the regulator). */
  @Transaction(false)
  @Returns('BindingVersion[]')
  async GetBindingHistory(ctx: LedgerContext): Promise<BindingVersion[]> {
    const [patientId] = ctx.argsOf('patient:GetBindingHistory');
    const binding = await this.#anyPatient(ctx, parsePatientId(patientId));
    return bindingVersions(ctx, binding);
  }

  /** The erasures done for a patient, oldest first (the home's admins, the regulator). */
  @Transaction(false)
  @Returns('ErasureReceipt[]')
  async QueryErasures(ctx: LedgerContext): Promise<ErasureReceipt[]> {
    const [patientId] = ctx.argsOf('patient:QueryErasures');
    const id = parsePatientId(patientId);
    const home = await requireHome(ctx, id);
    requireHomeReader(ctx.member, { home, what: `patient ${id}` });
    return erasureReceipts(ctx, {
      collections: collectionsOf(home, await channelMspIds(ctx)),
      patientId: id,
    });
  }

  /** Where a pseudonym's data lives (any member; found by hash, nothing read). */
  @Transaction(false)
  @Returns('PatientLocation')
  async LocatePatient(ctx: LedgerContext): Promise<PatientLocation> {
    const [patientId] = ctx.argsOf('patient:LocatePatient');
    const id = parsePatientId(patientId);
    return { patientId: id, home: await requireHome(ctx, id) };
  }

  /** A binding the caller may change as its patient's home organization. */
  async #ownPatient(ctx: LedgerContext, patientId: string): Promise<PatientBinding> {
    const home = await requireHome(ctx, patientId);
    if (home !== ctx.member.mspId) {
      throw ledgerError(
        'FORBIDDEN',
        `patient ${patientId} is not a patient of ${ctx.member.mspId}`,
      );
    }
    return readBinding(ctx, { home, patientId });
  }

  /** A binding the caller may read (its home's admins, the regulator). */
  async #anyPatient(ctx: LedgerContext, patientId: string): Promise<PatientBinding> {
    const home = await requireHome(ctx, patientId);
    requireHomeReader(ctx.member, { home, what: `patient ${patientId}` });
    return readBinding(ctx, { home, patientId });
  }

  async #write(ctx: LedgerContext, write: Readonly<BindingWrite>): Promise<PatientBinding> {
    const binding = await writeBinding(ctx, write);
    announce(ctx.stub, 'PatientBindingChanged');
    return binding;
  }
}

function guardianOf(binding: PatientBinding, guardianId: string): Guardianship {
  const guardian = binding.guardians.find((each) => each.guardianId === guardianId);
  if (guardian === undefined) {
    throw ledgerError('NOT_FOUND', `patient ${binding.patientId} has no guardian ${guardianId}`);
  }
  return guardian;
}

function replaceGuardian(binding: PatientBinding, guardian: Guardianship): PatientBinding {
  return {
    ...binding,
    guardians: binding.guardians.map((each) =>
      each.guardianId === guardian.guardianId ? guardian : each,
    ),
  };
}
