import { useRef } from 'react';

/**
 * React keys for a list shown as received (a history, a member's needs): each item's key is made
 * from its content, and the same content twice gets `#2`, `#3`… so the keys stay unique without
 * falling back on the position.
 */
export function keyed<T>(items: readonly T[], keyOf: (item: T) => string): { key: string; item: T }[] {
  const seen = new Map<string, number>();
  return items.map((item) => {
    const base = keyOf(item);
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return { key: n === 1 ? base : `${base}#${n}`, item };
  });
}

/**
 * Keys for the rows of a list being edited (its content changes with every keystroke, so it cannot
 * be the key): a row keeps its key while it is edited and when a row above it is removed, a new
 * row gets a new one. Call `removed(i)` beside removing row `i`; rows added or dropped at the end
 * are followed by the length alone.
 */
export function useRowKeys(length: number): { keys: readonly string[]; removed: (i: number) => void } {
  const rows = useRef({ next: 0, keys: [] as string[] });
  const r = rows.current;
  // Kept in step with the length during render: the same length always gives the same keys.
  while (r.keys.length < length) r.keys.push(`row-${r.next++}`);
  if (r.keys.length > length) r.keys.length = length;
  return {
    keys: r.keys,
    removed: (i) => {
      r.keys.splice(i, 1);
    },
  };
}
