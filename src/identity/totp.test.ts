import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { LOCK_AFTER, LOCK_MINUTES, simulatedLock } from './login.service.ts';
import { matchTotp, newTotpSecret, totpCode, totpStep } from './totp.ts';

/** RFC 6238's reference: the HOTP of the step's counter, by hand, to check the library against. */
function referenceCode(secretBase32: string, step: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const ch of secretBase32) bits += alphabet.indexOf(ch).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g)!.map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', key).update(counter).digest();
  const offset = mac[mac.length - 1]! & 0xf;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}

describe('TOTP', () => {
  const secret = newTotpSecret();
  const now = Date.UTC(2025, 5, 1, 12, 0, 10);
  const step = Math.floor(now / 30_000);

  it('speaks RFC 6238 as authenticator apps do: SHA-1, 6 digits, 30-second steps', () => {
    expect(totpStep(now)).toBe(step);
    expect(totpCode(secret, now)).toBe(referenceCode(secret, step));
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
  });

  it('accepts the codes of one step before and after now, and no further', () => {
    for (const d of [-1, 0, 1]) expect(matchTotp(secret, referenceCode(secret, step + d), now)).toBe(step + d);
    for (const d of [-3, -2, 2, 3]) {
      const code = referenceCode(secret, step + d);
      // A code far off may by chance equal a code within the window (1 in 10^6): then it rightly matches that step.
      const inWindow = [-1, 0, 1].some((w) => referenceCode(secret, step + w) === code);
      if (!inWindow) expect(matchTotp(secret, code, now)).toBeNull();
    }
  });

  it('refuses what is not six digits', () => {
    for (const code of ['', '12345', '1234567', 'abcdef', ' 123456']) expect(matchTotp(secret, code, now)).toBeNull();
  });
});

describe('the lock-out simulated for a username that is no account', () => {
  const t0 = Date.UTC(2025, 0, 1);
  const minute = 60_000;
  const fail = (m: number) => ({ at: t0 + m * minute, succeeded: false });

  it(`locks after ${LOCK_AFTER} failures in a row, for ${LOCK_MINUTES} minutes from the last`, () => {
    const five = [0, 1, 2, 3, 4].map(fail);
    expect(simulatedLock(five.slice(0, LOCK_AFTER - 1), t0 + 5 * minute)).toBeNull();
    expect(simulatedLock(five, t0 + 5 * minute)).toBe((LOCK_MINUTES - 1) * 60);
    expect(simulatedLock(five, t0 + (4 + LOCK_MINUTES) * minute)).toBeNull();
  });

  it('does not count attempts refused while locked, and starts again after a success', () => {
    const locked = [0, 1, 2, 3, 4].map(fail);
    const during = [5, 6, 7].map(fail);
    // After the lock: four more failures do not lock again (the count restarted at the lock).
    const after = [20, 21, 22, 23].map(fail);
    expect(simulatedLock([...locked, ...during, ...after], t0 + 24 * minute)).toBeNull();
    expect(simulatedLock([...locked, ...during, ...after, fail(24)], t0 + 25 * minute)).toBe((LOCK_MINUTES - 1) * 60);
    const withSuccess = [fail(0), fail(1), fail(2), { at: t0 + 3 * minute, succeeded: true }, fail(4), fail(5)];
    expect(simulatedLock(withSuccess, t0 + 6 * minute)).toBeNull();
  });
});
