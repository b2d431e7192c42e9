import { describe, expect, it } from 'vitest';
import { crc32c } from '../../src/vault/crc32c.ts';

describe('crc32c', () => {
  it('when given the standard check input, then it returns the Castagnoli check value', () => {
    // RFC 3720 appendix B.4 and every CRC catalogue: CRC-32C("123456789") = 0xE3069283.
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
  });

  it('when given 32 zero bytes, then it returns the RFC 3720 test vector', () => {
    expect(crc32c(Buffer.alloc(32))).toBe(0x8a9136aa);
  });
});
