import { readFileSync } from 'node:fs';
import {
  NOTICE_LANGUAGES,
  decodeResult,
  newSalt,
  transientRequest,
  type NoticeInput,
  type NoticeSummary,
} from '@consent-ledger/ledger-api';
import { connectAs } from './client.ts';
import { endorseAgreed } from './endorsement.ts';
import { orgLayout } from './layout.ts';
import type { Organization, Topology } from './topology.ts';

/** The standard notice every organization publishes, with `{organization}` in its texts. */
const STANDARD_NOTICE = new URL('../notices/consent-sharing.json', import.meta.url);

/** The standard notice of one organization: the template with the organization's display name. */
export function standardNotice(org: Pick<Organization, 'displayName'>): NoticeInput {
  const template = JSON.parse(readFileSync(STANDARD_NOTICE, 'utf8')) as NoticeInput;
  const texts = Object.fromEntries(
    NOTICE_LANGUAGES.map((language) => [
      language,
      template.texts[language].replaceAll('{organization}', org.displayName),
    ]),
  ) as NoticeInput['texts'];
  return { noticeId: template.noticeId, version: template.version, texts };
}

/** Options of {@link publishStandardNotices}. */
export interface NoticeOptions {
  readonly topology: Topology;
  readonly log?: (line: string) => void;
}

/**
 * Publishes the standard notice (network/notices/consent-sharing.json) of every organization of
 * the topology that has not published it yet, each as its own admin (notice:PublishNotice), so a
 * patient is always shown a published notice before consenting. Idempotent: an organization with
 * any version of the notice is left alone (its later versions are its own to publish).
 */
export async function publishStandardNotices(options: NoticeOptions): Promise<void> {
  const { topology } = options;
  // Public state: the chaincode's own policy (any two organizations); the input is transient,
  // so the endorsers are named.
  const endorsers = topology.organizations
    .slice(0, topology.chaincode.endorsement.outOf)
    .map((org) => org.mspId);
  for (const org of topology.organizations) {
    const notice = standardNotice(org);
    const connection = connectAs({ org, identity: orgLayout(org).admin });
    try {
      const contract = connection.gateway
        .getNetwork(topology.channel.name)
        .getContract(topology.chaincode.name, 'notice');
      const published: readonly NoticeSummary[] = decodeResult(
        'notice:ListNotices',
        await contract
          .newProposal('ListNotices', { transientData: transientRequest({ args: [org.mspId] }) })
          .evaluate(),
      );
      if (published.some((each) => each.noticeId === notice.noticeId)) continue;
      const transaction = await endorseAgreed(() =>
        contract.newProposal('PublishNotice', {
          transientData: transientRequest({ args: [notice], salt: newSalt() }),
          endorsingOrganizations: endorsers,
        }),
      );
      const status = await (await transaction.submit()).getStatus();
      if (!status.successful) {
        throw new Error(
          `publishing ${org.mspId}'s notice failed to commit: code ${String(status.code)} (${status.transactionId})`,
        );
      }
      options.log?.(`Published ${org.mspId}'s notice ${notice.noticeId} version 1`);
    } finally {
      connection.close();
    }
  }
}
