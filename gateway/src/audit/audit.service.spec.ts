import { describe, expect, it } from 'vitest';
import type { AccessEvent } from '@consent-ledger/ledger-api';
import { ForbiddenError } from '../common/errors.js';
import { toAuditEvent } from '../fhir/audit-event.mapper.js';
import { testEndorsers } from '../testing/endorsers.js';
import { FakeLedgerClient, jsonArg } from '../testing/fake-ledger.client.js';
import { patientSession, principal, regulator } from '../testing/principals.js';
import { throughRoute } from '../testing/route-guard.js';
import { CSV_HEADER, csvExport, fhirBundleExport } from './audit-export.js';
import { AuditController } from './audit.controller.js';
import { AuditService } from './audit.service.js';
import { createReviewCommentStore, reviewCommentHash } from './review-comment.store.js';
import { openDatabase } from '../storage/database.js';

function event(n: number): AccessEvent {
  return {
    eventId: `evt-${String(n).padStart(24, '0')}`,
    patientId: 'pid-abcdefghijklmnop',
    patientHome: 'TertiaryHospitalMSP',
    accessor: { org: 'CommunityHospitalMSP', role: 'clinician', idHash: 'ab'.repeat(32) },
    accessorRegion: { province: '330000' },
    purpose: 'treatment',
    categories: ['imaging', 'laboratory'],
    recordIds: [],
    decision: n % 2 === 0 ? 'permit' : 'deny',
    reason: 'PERMITTED_BY_CONSENT',
    consentIds: [],
    breakGlass: false,
    timestamp: '2026-11-22T03:27:06.155Z',
    txId: `tx${String(n)}`,
    salt: 'c2FsdHNhbHRzYWx0c2FsdA',
  };
}

/** The service as the regulator's gateway runs it. */
const serviceOf = (
  ledger: FakeLedgerClient,
  own = 'GovMSP',
  comments = createReviewCommentStore(openDatabase(':memory:')),
): AuditService => new AuditService(ledger, testEndorsers(ledger, own), comments);

async function* toAsync<T>(items: readonly T[]): AsyncGenerator<T> {
  for (const item of items) yield await Promise.resolve(item);
}

async function collect(source: AsyncIterable<string>): Promise<string> {
  let out = '';
  for await (const chunk of source) out += chunk;
  return out;
}

describe('AuditService', () => {
  it('pages through every matching event for an export', async () => {
    const pages = [
      { items: [event(1), event(2)], bookmark: 'b1' },
      { items: [], bookmark: 'b2' },
      { items: [event(3)], bookmark: '' },
    ];
    const ledger = new FakeLedgerClient().on('audit:QueryAccessEvents', () => pages.shift());
    const events = await serviceOf(ledger).events(regulator(), { decision: 'deny' });
    const csv = await collect(csvExport(events));
    expect(csv.startsWith(CSV_HEADER)).toBe(true);
    expect(csv.trimEnd().split('\r\n')).toHaveLength(4);
    const sent = ledger.calls.map((call) => jsonArg(call));
    // An export counts nothing: no page asks for the total.
    expect(sent).toEqual([
      { decision: 'deny', pageSize: 100, withTotal: false },
      { decision: 'deny', pageSize: 100, withTotal: false, bookmark: 'b1' },
      { decision: 'deny', pageSize: 100, withTotal: false, bookmark: 'b2' },
    ]);
  });

  it('asks for the total on a first page only, and passes the order through', async () => {
    const ledger = new FakeLedgerClient().on('audit:QueryAccessEvents', () => ({
      items: [event(1)],
      bookmark: 'b1',
      total: { count: 2, exact: true },
    }));
    const service = serviceOf(ledger);
    const first = await service.query(regulator(), { order: 'asc', pageSize: 1 });
    expect(first.total).toEqual({ count: 2, exact: true });
    await service.query(regulator(), { order: 'asc', pageSize: 1, bookmark: 'b1' });
    expect(ledger.calls.map((call) => jsonArg(call))).toEqual([
      { order: 'asc', pageSize: 1, withTotal: true },
      { order: 'asc', pageSize: 1, bookmark: 'b1', withTotal: false },
    ]);
  });

  it('streams a FHIR Bundle of AuditEvents', async () => {
    const bundle = JSON.parse(
      await collect(fhirBundleExport(toAsync([event(1), event(2)]), toAuditEvent)),
    ) as {
      resourceType: string;
      type: string;
      entry: { resource: { resourceType: string; id: string } }[];
    };
    expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'collection' });
    expect(bundle.entry.map((entry) => entry.resource.resourceType)).toEqual([
      'AuditEvent',
      'AuditEvent',
    ]);
    expect(bundle.entry[0]?.resource.id).toBe(event(1).eventId);
  });

  it('keeps reviews and statistics to the GovMSP regulator', async () => {
    const ledger = new FakeLedgerClient()
      .on('audit:ReviewEmergencyAccess', () => ({ ...event(1), breakGlass: true }))
      .on('audit:GetAccessEvent', () => ({ ...event(1), breakGlass: true }))
      .on('audit:GetStatistics', () => ({ byPurpose: {} }));
    const service = serviceOf(ledger);
    await expect(
      throughRoute(
        { handler: AuditController.prototype.review, caller: principal('clinician') },
        (as) =>
          service.review(as, 'evt-000000000000000000000001', {
            outcome: 'justified',
            comment: 'seen',
          }),
      ),
    ).rejects.toBeInstanceOf(ForbiddenError);
    const reviewed = await service.review(regulator(), 'evt-000000000000000000000001', {
      outcome: 'justified',
      comment: '  The patient was unconscious; the call log confirms it.  ',
    });
    expect(reviewed.txId).toBe('tx-1');
    // The ledger gets the outcome and a salted commitment, never the comment.
    const [sentId, sentReview] = ledger.submits[0]?.args ?? [];
    expect(sentId).toBe('evt-000000000000000000000001');
    expect(sentReview).not.toContain('unconscious');
    const { commentHash } = JSON.parse(sentReview ?? '{}') as { commentHash: string };
    expect(JSON.parse(sentReview ?? '{}')).toEqual({ outcome: 'justified', commentHash });
    // Read first to find where the event is kept: the regulator, then the patient's home.
    expect(ledger.callsOf('patient:LocatePatient')).toHaveLength(0);
    expect(ledger.submits[0]?.endorsers).toEqual({
      collections: ['pair_CommunityHospitalMSP_TertiaryHospitalMSP'],
      organizations: ['GovMSP', 'CommunityHospitalMSP'],
      fallback: ['GovMSP', 'TertiaryHospitalMSP'],
    });
    await expect(
      service.statistics(regulator(), {
        from: '2026-02-01T00:00:00.000Z',
        to: '2026-01-01T00:00:00.000Z',
        level: 'city',
      }),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(
      throughRoute(
        { handler: AuditController.prototype.statistics, caller: principal('analyst') },
        (as) =>
          service.statistics(as, {
            from: '2026-01-01T00:00:00.000Z',
            to: '2026-02-01T00:00:00.000Z',
            level: 'city',
          }),
      ),
    ).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('keeps the review comment at the gateway, committed to on the ledger under a random salt', async () => {
    const comments = createReviewCommentStore(openDatabase(':memory:'));
    let onLedger: Record<string, unknown> = {};
    const ledger = new FakeLedgerClient()
      .on('audit:GetAccessEvent', () => ({ ...event(1), breakGlass: true, ...onLedger }))
      .on('audit:ReviewEmergencyAccess', (call) => {
        const { outcome, commentHash } = jsonArg<{
          outcome: 'justified';
          commentHash: string;
        }>(call, 1);
        onLedger = {
          emergency: {
            reasonCode: 'OTHER',
            justificationHash: 'ab'.repeat(32),
            review: {
              status: 'reviewed',
              outcome,
              reviewedAt: '2026-11-22T04:00:00.000Z',
              commentHash,
            },
          },
        };
        return { ...event(1), breakGlass: true, ...onLedger };
      });
    const service = serviceOf(ledger, 'GovMSP', comments);
    const eventId = 'evt-000000000000000000000001';
    await service.review(regulator(), eventId, { outcome: 'justified', comment: ' Confirmed. ' });
    const kept = await service.reviewComment(regulator(), eventId);
    expect(kept).toMatchObject({
      eventId,
      comment: 'Confirmed.',
      reviewer: regulator().username,
      txId: 'tx-1',
      reviewedAt: '2026-11-22T04:00:00.000Z',
      matchesLedger: true,
    });
    expect(kept.salt).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(kept.commentHash).toBe(reviewCommentHash({ salt: kept.salt, comment: 'Confirmed.' }));
    // Anyone shown the comment and salt recomputes the ledger's commitment; an altered comment
    // no longer matches it.
    comments.save({ ...kept, comment: 'Confirmed, mostly.' });
    expect((await service.reviewComment(regulator(), eventId)).matchesLedger).toBe(false);
    // Two reviews of the same words never share a commitment (the salt is fresh each time).
    expect(reviewCommentHash({ salt: 'AAAAAAAAAAAAAAAAAAAAAA', comment: 'Confirmed.' })).not.toBe(
      kept.commentHash,
    );
    await expect(
      service.review(regulator(), eventId, { outcome: 'justified', comment: '   ' }),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(
      service.reviewComment(regulator(), 'evt-000000000000000000000002'),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it("keeps a patient's session to the patient's own access history", async () => {
    const ledger = new FakeLedgerClient()
      .on('audit:QueryAccessEvents', () => ({ items: [event(1)], bookmark: '' }))
      .on('audit:GetAccessEvent', () => ({ ...event(2), patientId: 'pid-someoneelseaaaaaa' }));
    const service = serviceOf(ledger, 'TertiaryHospitalMSP');
    const patient = patientSession();
    await service.query(patient, { pageSize: 5 });
    expect(ledger.calls[0]).toMatchObject({ identity: 'gateway-service' });
    expect(jsonArg(ledger.calls[0])).toEqual({
      pageSize: 5,
      withTotal: true,
      patientId: 'pid-abcdefghijklmnop',
    });
    await expect(
      service.query(patient, { patientId: 'pid-someoneelseaaaaaa' }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await expect(service.get(patient, 'evt-000000000000000000000002')).rejects.toBeInstanceOf(
      ForbiddenError,
    );
  });
});
