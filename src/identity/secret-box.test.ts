import { describe, expect, it } from 'vitest';
import { openSecret, sealSecret, sealingConfigured } from './secret-box.ts';

const KEY = 'a pathways secret of more than thirty-two characters';

describe('TOTP secrets at rest', () => {
  it('seals with AES-256-GCM under PATHWAYS_SECRET, and opens again', () => {
    const plain = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
    const sealed = sealSecret(plain, KEY);
    expect(sealed).toMatch(/^v1:[\w-]{16}\.[\w-]+\.[\w-]{22}$/);
    expect(sealed).not.toContain(plain);
    expect(sealSecret(plain, KEY)).not.toBe(sealed); // a fresh IV each time
    expect(openSecret(sealed, KEY)).toBe(plain);
  });

  it('refuses a wrong key, a missing key and a changed value, and keeps a secret as it is without a key', () => {
    const sealed = sealSecret('JBSWY3DPEHPK3PXP', KEY);
    expect(() => openSecret(sealed, `${KEY}!`)).toThrow(/cannot be opened/);
    expect(() => openSecret(sealed, undefined)).toThrow(/not set/);
    const [head, data, tag] = sealed.split('.') as [string, string, string];
    const flipped = `${head}.${data.slice(0, -2)}${data.endsWith('AA') ? 'AB' : 'AA'}.${tag}`;
    expect(() => openSecret(flipped, KEY)).toThrow(/cannot be opened/);
    expect(sealSecret('JBSWY3DPEHPK3PXP', undefined)).toBe('JBSWY3DPEHPK3PXP');
    expect(openSecret('JBSWY3DPEHPK3PXP', KEY)).toBe('JBSWY3DPEHPK3PXP');
    expect(sealingConfigured('short')).toBe(false);
    expect(sealingConfigured(KEY)).toBe(true);
  });
});
