import { describe, expect, it } from 'vitest';
import { ApiError, messageOf, parseEventBlocks } from './api.client.ts';

describe('the API client helpers', () => {
  it('splits a server-sent-events buffer into whole blocks and keeps the partial rest', () => {
    expect(parseEventBlocks('id: 1\ndata: {"a":1}\n\nid: 2\ndata: {"b"')).toEqual({
      blocks: ['id: 1\ndata: {"a":1}'],
      rest: 'id: 2\ndata: {"b"',
    });
    expect(parseEventBlocks('id: 3\r\ndata: {}\r\n\r\n: heartbeat\n\n')).toEqual({
      blocks: ['id: 3\ndata: {}', ': heartbeat'],
      rest: '',
    });
  });

  it('words errors with the gateway code', () => {
    expect(messageOf(new ApiError(403, 'FORBIDDEN', 'not yours'))).toBe('not yours (FORBIDDEN)');
    expect(messageOf(new Error('plain'))).toBe('plain');
    expect(messageOf('text')).toBe('text');
  });
});
