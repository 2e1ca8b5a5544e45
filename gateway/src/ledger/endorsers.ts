import {
  GOVERNMENT_MSP,
  MSP_ID_PATTERN,
  collectionFor,
  endorsersFor,
  orgCollection,
  type SubmitName,
} from '@consent-ledger/ledger-api';
import { LedgerUnavailableError } from '../common/errors.js';
import { textOf, type Database } from '../storage/database.js';
import type { Endorsement, LedgerClient } from './ledger.client.js';
import { SERVICE_IDENTITY } from './wallet.js';

/**
 * Who endorses each transaction (docs/privacy.md, "Endorsing organizations"). A proposal carries
 * its inputs as transient data, so it names its endorsers: the peers of organizations that are
 * members of every collection it writes, and enough of them for each collection's policy. The
 * caller's own organization comes first, then the patient's home (or the other party), with the
 * regulator, a member of every collection, as the fallback when that peer cannot be reached.
 */

/** How the endorsers of a transaction are found, by what it writes. */
type Rule =
  /** Only public state: the chaincode's own policy, endorsers found by Fabric's discovery. */
  | 'public'
  /** `org_<home>`: the patient's binding, and what the patient signs (the home and the regulator). */
  | 'home'
  /** What the patient's home shares with the caller's organization (an access, a record link). */
  | 'party'
  /** What the patient's home shares with another party (a referral; a review of its access). */
  | 'between'
  /** One named collection (the regulator's erasures). */
  | 'collection'
  /** No private write, but private reads across collections: the caller and the regulator. */
  | 'regulator';

/** The rule of every submitted transaction of the catalogue. */
const RULES = {
  'registry:RegisterOrganization': 'public',
  'registry:DeregisterOrganization': 'public',
  'notice:PublishNotice': 'public',
  'cohort:SetResearchThreshold': 'public',
  'patient:RegisterPatient': 'home',
  'patient:ActivatePatient': 'home',
  'patient:AddDevice': 'home',
  'patient:RemoveDevice': 'home',
  'patient:RequestRecovery': 'home',
  'patient:ApproveRecovery': 'home',
  'patient:ProposeGuardian': 'home',
  'patient:ApproveGuardian': 'home',
  'patient:ActivateGuardian': 'home',
  'patient:EndGuardianship': 'home',
  'consent:GrantConsent': 'home',
  'consent:UpdateConsent': 'home',
  'consent:RevokeConsent': 'home',
  'consent:EraseConsent': 'home',
  'access:RequestAccess': 'party',
  'access:RequestEmergencyAccess': 'party',
  'records:AnchorRecord': 'party',
  'referral:CreateReferral': 'between',
  'referral:CloseReferral': 'between',
  'audit:ReviewEmergencyAccess': 'between',
  'audit:PurgeExpired': 'collection',
  'cohort:RequestCohort': 'regulator',
  'records:AnchorBatch': 'regulator',
  'audit:RollupStatistics': 'regulator',
  'baseline:Put': 'public',
  // The benchmark seeds through its own client; the gateway never submits it.
  'bench:SeedAccessEvents': 'public',
  // A request lives with the patient's home and the requester; the patient's answers are signed
  // statements the home carries (the home and the regulator hold every collection of the home).
  'request:RequestConsent': 'party',
  'request:WithdrawRequest': 'party',
  'request:ApproveRequest': 'home',
  'request:DeclineRequest': 'home',
  'request:SetRequestLimits': 'public',
} as const satisfies Readonly<Record<SubmitName, Rule>>;

/** What each rule needs to know about a transaction. */
interface Subjects {
  readonly public: Readonly<Record<string, never>>;
  /** `home`: when the caller knows it already (it is registering the patient). */
  readonly home: { readonly patientId: string; readonly home?: string };
  readonly party: { readonly patientId: string };
  /** `with`: the other party (the hospital referred to or from; the organization that accessed). */
  readonly between: { readonly patientId: string; readonly with: string };
  readonly collection: { readonly collection: string };
  readonly regulator: Readonly<Record<string, never>>;
}

/** What {@link Endorsers.plan} needs to know about a transaction `N`. */
export type EndorsementSubject<N extends SubmitName> = Subjects[(typeof RULES)[N]];

/** The transactions endorsed by the patient's home and the regulator (what `org_<home>` holds). */
export type HomeTransaction = {
  [N in SubmitName]: (typeof RULES)[N] extends 'home' ? N : never;
}[SubmitName];

/** Where patients live, as far as this gateway has asked (a home never changes). */
export interface PatientHomes {
  get(patientId: string): string | undefined;
  put(patientId: string, home: string): void;
}

/** Finds endorsers for the transactions this gateway submits. */
export interface Endorsers {
  /** The endorsers of `transaction` about `subject`; undefined for public-only writes. */
  plan<N extends SubmitName>(
    transaction: N,
    subject: EndorsementSubject<N>,
  ): Promise<Endorsement | undefined>;
  /** The patient's home organization (patient:LocatePatient, remembered). */
  homeOf(patientId: string): Promise<string>;
  /** Remembers a patient's home (this gateway registered the patient). */
  remember(patientId: string, home: string): void;
}

/** Injection token of the {@link Endorsers}. */
export const ENDORSERS = Symbol('ENDORSERS');

/** Options of {@link createEndorsers}. */
export interface EndorsersOptions {
  readonly ledger: LedgerClient;
  /** This gateway's organization: the caller of every transaction it submits. */
  readonly own: string;
  readonly homes: PatientHomes;
}

/** The organizations a collection's name holds (`org_<A>`, `pair_<A>_<B>`; MSP IDs have no `_`). */
export function organizationsOf(collection: string): string[] {
  const [kind, ...names] = collection.split('_');
  const valid = names.length > 0 && names.every((name) => MSP_ID_PATTERN.test(name));
  if (!valid || (kind === 'org' && names.length !== 1) || (kind === 'pair' && names.length !== 2))
    throw new RangeError(`${collection} is not a collection name`);
  if (kind !== 'org' && kind !== 'pair') throw new RangeError(`${collection} is not a collection`);
  return names;
}

/**
 * The endorsers of a transaction writing `collections`, with the caller's organization `own` first
 * and then `preferred` in order; the fallback replaces the first organization chosen after `own`
 * by the next candidate (undefined when no other choice meets the collections' policies).
 */
export function planFor(
  options: Readonly<{ collections: readonly string[]; own: string; preferred: readonly string[] }>,
): Endorsement {
  const { collections, own } = options;
  const preferred = [...new Set(options.preferred)];
  const mspIds = [
    ...new Set([own, GOVERNMENT_MSP, ...preferred, ...collections.flatMap(organizationsOf)]),
  ];
  const organizations = endorsersFor({ collections, own, preferred, mspIds });
  if (organizations === undefined)
    throw new RangeError(`no endorsers among ${mspIds.join(', ')} for ${collections.join(', ')}`);
  const partner = organizations.find((msp) => msp !== own);
  const fallback =
    partner === undefined
      ? undefined
      : endorsersFor({
          collections,
          own,
          preferred: preferred.filter((msp) => msp !== partner),
          mspIds,
        });
  const differs =
    fallback !== undefined &&
    (fallback.length !== organizations.length ||
      fallback.some((msp, index) => msp !== organizations[index]));
  return { collections, organizations, ...(differs ? { fallback } : {}) };
}

class LedgerEndorsers implements Endorsers {
  readonly #options: EndorsersOptions;
  readonly #homes = new Map<string, string>();

  constructor(options: EndorsersOptions) {
    this.#options = options;
  }

  async plan<N extends SubmitName>(
    transaction: N,
    subject: EndorsementSubject<N>,
  ): Promise<Endorsement | undefined> {
    const { own } = this.#options;
    const rule: Rule = RULES[transaction];
    switch (rule) {
      case 'public':
        return undefined;
      case 'regulator':
        return { collections: [], organizations: [...new Set([own, GOVERNMENT_MSP])] };
      case 'collection': {
        const { collection } = subject as Subjects['collection'];
        const members = organizationsOf(collection).filter((msp) => msp !== own);
        return planFor({ collections: [collection], own, preferred: [...members, GOVERNMENT_MSP] });
      }
      case 'home': {
        const known = subject as Subjects['home'];
        const home = known.home ?? (await this.homeOf(known.patientId));
        return planFor({
          collections: [orgCollection(home)],
          own,
          preferred: [home, GOVERNMENT_MSP],
        });
      }
      case 'party': {
        const home = await this.homeOf((subject as Subjects['party']).patientId);
        return planFor({
          collections: [collectionFor(home, own)],
          own,
          preferred: [home, GOVERNMENT_MSP],
        });
      }
      case 'between': {
        const { patientId, with: other } = subject as Subjects['between'];
        const home = await this.homeOf(patientId);
        const party = [own, other].find((msp) => msp !== home && msp !== GOVERNMENT_MSP) ?? home;
        return planFor({
          collections: [collectionFor(home, party)],
          own,
          preferred: [other, home, GOVERNMENT_MSP],
        });
      }
    }
  }

  async homeOf(patientId: string): Promise<string> {
    const known = this.#homes.get(patientId) ?? this.#options.homes.get(patientId);
    if (known !== undefined) {
      this.#homes.set(patientId, known);
      return known;
    }
    const { home } = await this.#options.ledger
      .as(SERVICE_IDENTITY)
      .evaluate('patient:LocatePatient', patientId);
    if (typeof home !== 'string' || !MSP_ID_PATTERN.test(home))
      throw new LedgerUnavailableError(`patient:LocatePatient answered no home for ${patientId}`);
    this.remember(patientId, home);
    return home;
  }

  remember(patientId: string, home: string): void {
    this.#homes.set(patientId, home);
    this.#options.homes.put(patientId, home);
  }
}

/** The endorsers of this gateway's transactions, finding patients' homes through the ledger. */
export function createEndorsers(options: EndorsersOptions): Endorsers {
  return new LedgerEndorsers(options);
}

class SqlitePatientHomes implements PatientHomes {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
    db.sql.exec(`CREATE TABLE IF NOT EXISTS patient_homes (
      patient_id TEXT PRIMARY KEY,
      home TEXT NOT NULL
    ) STRICT`);
  }

  get(patientId: string): string | undefined {
    const row = this.#db.get('SELECT home FROM patient_homes WHERE patient_id = ?', patientId);
    return row === undefined ? undefined : textOf(row, 'home');
  }

  put(patientId: string, home: string): void {
    this.#db.run(
      'INSERT INTO patient_homes (patient_id, home) VALUES (?, ?) ON CONFLICT DO NOTHING',
      patientId,
      home,
    );
  }
}

/** Patients' homes kept in the gateway's database (a home never changes: no expiry). */
export function createPatientHomes(db: Database): PatientHomes {
  return new SqlitePatientHomes(db);
}
