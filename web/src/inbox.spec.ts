import type { InboxItem } from '@consent-ledger/ledger-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setLanguage } from './i18n/i18n.ts';
import { inboxItemText } from './inbox.view.tsx';

const base = {
  itemId: 1,
  patientId: 'pid-abcdefghijklmnop',
  time: '2026-12-06T08:00:00.000Z',
  txId: 'a'.repeat(64),
};
const DAY_MS = 86_400_000;

describe('inbox items in words', () => {
  beforeAll(async () => {
    await setLanguage('en');
  });
  afterAll(async () => {
    await setLanguage('zh-CN');
  });

  it('words a break-glass access, before and after the review', () => {
    const item: InboxItem = {
      ...base,
      kind: 'break-glass',
      details: {
        eventId: 'evt-000000000000000000000001',
        accessorOrg: 'CommunityHospitalMSP',
        purpose: 'emergency',
        categories: ['imaging', 'laboratory'],
        decision: 'permit',
      },
    };
    expect(inboxItemText(item)).toEqual({
      title: 'County Community Hospital opened your data in an emergency',
      detail:
        'Data: imaging and laboratory results. The health authority will review whether it was justified.',
      link: { href: '#/timeline', label: 'See your access history' },
    });
    const reviewed = inboxItemText({ ...item, details: { ...item.details, review: 'justified' } });
    expect(reviewed.detail).toMatch(
      /^Data: imaging and laboratory results\. The health authority reviewed it: /,
    );
  });

  it('links an open request to its answer, and an answered one nowhere', () => {
    const open: InboxItem = {
      ...base,
      kind: 'consent-request',
      details: {
        requestId: 'req-000000000000000000000001',
        requesterOrg: 'EnterpriseMSP',
        status: 'open',
      },
    };
    expect(inboxItemText(open).link?.href).toBe('#/requests');
    const declined = inboxItemText({ ...open, details: { ...open.details, status: 'declined' } });
    expect(declined.link).toBeUndefined();
    expect(declined.detail).toMatch(/^Status: /);
  });

  it('tells a consent about to end from one that has ended', () => {
    const item = (validUntil: string): InboxItem => ({
      ...base,
      kind: 'consent-expiring',
      details: { consentId: 'con-1', version: 2, granteeOrg: 'TertiaryHospitalMSP', validUntil },
    });
    expect(inboxItemText(item(new Date(Date.now() + 3 * DAY_MS).toISOString())).title).toMatch(
      /^Your consent to City Tertiary Hospital ends on /,
    );
    expect(inboxItemText(item('2020-01-01T00:00:00.000Z')).title).toMatch(
      /^Your consent to City Tertiary Hospital ended on /,
    );
  });

  it('words both erasures, naming the kind of data a retention erasure removed', () => {
    expect(
      inboxItemText({ ...base, kind: 'erasure', details: { kind: 'consent', consentId: 'con-1' } })
        .title,
    ).toBe('The details of one of your consents were erased');
    expect(
      inboxItemText({
        ...base,
        kind: 'erasure',
        details: { kind: 'retention', retentionKind: 'accessEvent' },
      }).detail,
    ).toBe('Erased: records of access to your data. A receipt is kept.');
  });
});
