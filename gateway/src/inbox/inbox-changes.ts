import type { InboxDetails, InboxItemKind, LedgerEvents } from '@consent-ledger/ledger-api';
import type { StoredEvent } from '../events/event.store.js';

/**
 * What a stored ledger event changes in the inbox of a patient homed at this gateway's
 * organization. Pure: the store applies the changes (inbox.store.ts). An event about a patient of
 * another organization changes nothing here: that patient's inbox is at their own home gateway.
 */

/** A new item (kept once: its kind and subject identify it). */
export interface NewItem<K extends InboxItemKind = InboxItemKind> {
  readonly change: 'item';
  readonly patientId: string;
  readonly kind: K;
  /** What the item is about, unique per patient and kind (an event, request or consent ID). */
  readonly subject: string;
  readonly time: string;
  readonly txId: string;
  readonly details: InboxDetails[K];
  /**
   * The patient's home as the event's context names it; absent when it does not (a retention
   * erasure, an event stored before the inbox): the item is then kept only for a patient already
   * known to be homed here.
   */
  readonly patientHome?: string;
}

/** New details for an existing item (a request answered, a break-glass access reviewed). */
export interface ItemUpdate<K extends InboxItemKind = InboxItemKind> {
  readonly change: 'update';
  readonly kind: K;
  readonly subject: string;
  readonly details: Partial<InboxDetails[K]>;
  /** Marks the item read: the patient acted on it (approved or declined the request). */
  readonly markRead?: boolean;
}

/** A consent's end to watch (`validUntil` absent: nothing to watch any more). */
export interface ExpiryWatch {
  readonly change: 'expiry';
  readonly patientId: string;
  readonly patientHome?: string;
  readonly consentId: string;
  readonly version: number;
  readonly granteeOrg: string;
  readonly validUntil?: string;
  /** The transaction that set this version (the item's cause). */
  readonly txId: string;
}

/** A patient known to be homed here (for the events that do not name the home). */
export interface HomePatient {
  readonly change: 'patient';
  readonly patientId: string;
  readonly patientHome?: string;
}

/** One change to the inbox. */
export type InboxChange = NewItem | ItemUpdate | ExpiryWatch | HomePatient;

type Payload<N extends keyof LedgerEvents> = LedgerEvents[N];

const patient = (patientId: string, patientHome: string | undefined): HomePatient => ({
  change: 'patient',
  patientId,
  ...(patientHome === undefined ? {} : { patientHome }),
});

/** `{patientHome}` when known. */
const home = (patientHome: string | undefined): { patientHome?: string } =>
  patientHome === undefined ? {} : { patientHome };

/** The inbox changes of one stored event (none for events the inbox does not show). */
export function inboxChangesOf(event: StoredEvent): InboxChange[] {
  const { txId } = event;
  const patientHome = event.context?.patientHome;
  switch (event.eventName) {
    case 'AccessRecorded': {
      const access = event.payload as Payload<'AccessRecorded'>;
      const changes: InboxChange[] = [patient(access.patientId, patientHome)];
      if (access.breakGlass)
        changes.push({
          change: 'item',
          patientId: access.patientId,
          ...home(patientHome),
          kind: 'break-glass',
          subject: access.eventId,
          time: access.timestamp,
          txId,
          details: {
            eventId: access.eventId,
            accessorOrg: access.accessorOrg,
            purpose: access.purpose,
            categories: access.categories,
            decision: access.decision,
          },
        } satisfies NewItem<'break-glass'>);
      return changes;
    }
    case 'EmergencyReviewed': {
      const review = event.payload as Payload<'EmergencyReviewed'>;
      return [
        {
          change: 'update',
          kind: 'break-glass',
          subject: review.eventId,
          details: { review: review.outcome },
        } satisfies ItemUpdate<'break-glass'>,
      ];
    }
    case 'ConsentRequested': {
      const request = event.payload as Payload<'ConsentRequested'>;
      return [
        patient(request.patientId, patientHome),
        {
          change: 'item',
          patientId: request.patientId,
          ...home(patientHome),
          kind: 'consent-request',
          subject: request.requestId,
          time: request.timestamp,
          txId,
          details: {
            requestId: request.requestId,
            requesterOrg: request.requesterOrg,
            status: request.status,
          },
        } satisfies NewItem<'consent-request'>,
      ];
    }
    case 'ConsentRequestAnswered': {
      const request = event.payload as Payload<'ConsentRequestAnswered'>;
      return [
        {
          change: 'update',
          kind: 'consent-request',
          subject: request.requestId,
          details: {
            status: request.status,
            ...(request.consentId === undefined ? {} : { consentId: request.consentId }),
          },
          // The patient answered it: there is nothing left to read. A withdrawn or expired
          // request stays unread until the patient has seen that it ended.
          markRead: request.status === 'approved' || request.status === 'declined',
        } satisfies ItemUpdate<'consent-request'>,
      ];
    }
    case 'ConsentGranted':
    case 'ConsentUpdated':
    case 'ConsentRevoked': {
      const consent = event.payload as Payload<'ConsentGranted'>;
      return [
        patient(consent.patientId, patientHome),
        {
          change: 'expiry',
          patientId: consent.patientId,
          ...home(patientHome),
          consentId: consent.consentId,
          version: consent.version,
          granteeOrg: consent.granteeOrg,
          txId,
          ...(consent.status === 'revoked' || consent.validUntil === undefined
            ? {}
            : { validUntil: consent.validUntil }),
        },
      ];
    }
    case 'ConsentErased': {
      const erased = event.payload as Payload<'ConsentErased'>;
      return [
        {
          change: 'item',
          patientId: erased.patientId,
          ...home(patientHome),
          kind: 'erasure',
          subject: erased.consentId,
          time: erased.timestamp,
          txId,
          details: { kind: 'consent', consentId: erased.consentId },
        } satisfies NewItem<'erasure'>,
      ];
    }
    case 'DataPurged': {
      const purged = event.payload as Payload<'DataPurged'>;
      const erased = event.context?.erased;
      if (erased === undefined) return [];
      const { erasedAt } = erased;
      return erased.patientIds.map(
        (patientId) =>
          ({
            change: 'item',
            patientId,
            kind: 'erasure',
            subject: txId,
            time: erasedAt,
            txId,
            details: { kind: 'retention', retentionKind: purged.kind },
          }) satisfies NewItem<'erasure'>,
      );
    }
    case 'PatientBindingChanged': {
      const binding = event.payload as Payload<'PatientBindingChanged'>;
      return [patient(binding.patientId, patientHome)];
    }
    default:
      return [];
  }
}
