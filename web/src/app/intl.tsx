import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { IntlProvider } from 'react-intl';
import { setApiLanguage } from '../api/client.ts';
import { catalogueOf, ENGLISH, type Messages } from '../i18n/catalogue.ts';
import { directionOf, isLocale, preferredLocale, type Locale } from '../i18n/locales.ts';
import { formattingLocale } from '../ui/format.ts';

/** The cookie that keeps the language chosen (a cookie, not browser storage; read by the server too). */
export const LANGUAGE_COOKIE = 'pathways_lang';

function chosenLocale(): Locale | null {
  const m = /(?:^|;\s*)pathways_lang=([a-z]{2})(?:;|$)/.exec(document.cookie);
  return m && isLocale(m[1]!) ? m[1] : null;
}

function rememberLocale(l: Locale): void {
  const secure = location.protocol === 'https:' ? '; Secure' : '';
  // biome-ignore lint/suspicious/noDocumentCookie: the Cookie Store API is missing from Safari and Firefox ESR; this cookie is set synchronously on a click
  document.cookie = `${LANGUAGE_COOKIE}=${l}; Path=/; Max-Age=${60 * 60 * 24 * 400}; SameSite=Lax${secure}`;
}

interface LanguageState {
  locale: Locale;
  setLocale: (l: Locale) => void;
}
const LanguageContext = createContext<LanguageState>({ locale: 'en', setLocale: () => undefined });
export const useLanguage = () => useContext(LanguageContext);

/**
 * The interface's language: the one chosen in the switcher (remembered in the cookie
 * `pathways_lang`, so a reload keeps it: nothing is written to browser storage), else the browser's
 * first language the interface speaks. Sets the document's lang and dir, and the API's
 * Accept-Language. Figures and dates are formatted for `formattingLocale` (English as en-GB).
 */
export function LanguageProvider({ children }: { children: ReactNode }) {
  const [locale, setLocaleState] = useState<Locale>(() => chosenLocale() ?? preferredLocale(navigator.languages ?? [navigator.language]));
  const [messages, setMessages] = useState<Messages>(ENGLISH);
  const [shown, setShown] = useState<Locale>('en');

  useEffect(() => {
    let live = true;
    void catalogueOf(locale).then((m) => {
      if (!live) return;
      setMessages(m);
      setShown(locale);
    });
    return () => {
      live = false;
    };
  }, [locale]);

  useEffect(() => {
    document.documentElement.lang = formattingLocale(shown);
    document.documentElement.dir = directionOf(shown);
    setApiLanguage(shown);
  }, [shown]);

  const setLocale = useCallback((l: Locale) => {
    rememberLocale(l);
    setLocaleState(l);
  }, []);
  return (
    <LanguageContext.Provider value={{ locale: shown, setLocale }}>
      <IntlProvider locale={formattingLocale(shown)} messages={messages} defaultLocale="en" onError={reportMissing}>
        {children}
      </IntlProvider>
    </LanguageContext.Provider>
  );
}

function reportMissing(e: { code?: string; message: string }) {
  // A key missing from English is a defect (a test checks the catalogues); other languages fall back.
  if (e.code === 'MISSING_TRANSLATION') return;
  console.error(e.message);
}
