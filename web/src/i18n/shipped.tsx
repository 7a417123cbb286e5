import type { ReactNode } from 'react';
import { useIntl } from 'react-intl';
import { actShortName, shippedKeys } from '../../../src/i18n/shipped-keys.ts';

export { actShortName, shippedKeys };

/** The document's own words (the Dutch text of the Recommendation), marked as such: `<q lang="nl">`. */
const quote = (chunks: ReactNode[]) => <q lang="nl">{chunks}</q>;
const quoteText = (chunks: string[]) => `“${chunks.join('')}”`;

/**
 * A text the platform ships (a round's title, a region, a source's citation…) in the page's
 * language: the catalogue's `shipped.<key>` where it has one, else the text as stored — a round a
 * user added reads as its author wrote it. `node` marks quoted document words; `text` gives a plain
 * string (an option, a caption, a download).
 */
export function useShipped() {
  const intl = useIntl();
  const has = (key: string) => `shipped.${key}` in intl.messages;
  return {
    node: (key: string, stored: string): ReactNode => (has(key) ? intl.formatMessage({ id: `shipped.${key}` }, { q: quote }) : stored),
    text: (key: string, stored: string): string => {
      if (!has(key)) return stored;
      const out: unknown = intl.formatMessage({ id: `shipped.${key}` }, { q: quoteText });
      return Array.isArray(out) ? out.join('') : String(out);
    },
  };
}

/** The same in JSX: `<Shipped k={shippedKeys.roundTitle(r.id)} stored={r.title} />`. */
export function Shipped({ k, stored }: { k: string; stored: string }) {
  return <>{useShipped().node(k, stored)}</>;
}
