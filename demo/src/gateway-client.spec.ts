import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGatewayClient } from './gateway-client.ts';

/** A gateway stand-in: answers each request with the `Ledger-Block` the test queued, if any. */
function standIn() {
  const seen: IncomingHttpHeaders[] = [];
  const blocks: (string | undefined)[] = [];
  const server = createServer((request, response) => {
    seen.push(request.headers);
    const block = blocks.shift();
    if (block !== undefined) response.setHeader('Ledger-Block', block);
    response.setHeader('content-type', 'application/json');
    response.end('{"ok":true}');
  });
  return { server, seen, blocks };
}

describe('the demo gateway client across organizations', () => {
  const one = standIn();
  const two = standIn();
  const base = (server: Server) =>
    `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;

  beforeAll(async () => {
    for (const { server } of [one, two])
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => {
    for (const { server } of [one, two]) server.close();
  });

  it('sends the highest block its writes were committed in to every gateway', async () => {
    const first = createGatewayClient(base(one.server));
    const second = createGatewayClient(base(two.server));
    await second.request('GET', '/consents');
    expect(two.seen[0]?.['ledger-min-block']).toBeUndefined();
    one.blocks.push('41');
    await first.request('POST', '/access-requests', { body: {} });
    await second.request('GET', '/audit/access-events');
    expect(two.seen[1]?.['ledger-min-block']).toBe('41');
    // A lower block (another gateway's older write) or a malformed header does not lower it.
    two.blocks.push('39');
    await second.request('POST', '/consents', { body: {} });
    one.blocks.push('latest');
    await first.request('POST', '/consents', { body: {} });
    await first.request('GET', '/consents');
    expect(one.seen.at(-1)?.['ledger-min-block']).toBe('41');
  });
});
