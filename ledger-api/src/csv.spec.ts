import { describe, expect, it } from 'vitest';
import { csvField, csvRow } from './csv.ts';

describe('CSV', () => {
  it('quotes CSV fields and defuses formulas', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('=cmd()')).toBe("'=cmd()");
    expect(csvField('-1,2')).toBe(`"'-1,2"`);
    expect(csvField('两行\n文本')).toBe('"两行\n文本"');
  });

  it('joins a row with commas and ends it with CRLF', () => {
    expect(csvRow(['a', 'b,c', '@x'])).toBe(`a,"b,c",'@x\r\n`);
    expect(csvRow([])).toBe('\r\n');
  });
});
