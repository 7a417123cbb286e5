import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { IntlProvider } from 'react-intl';
import { setApiLanguage } from '../api/client.ts';
import { catalogueOf, ENGLISH, type Messages } from '../i18n/catalogue.ts';
import { directionOf, preferredLocale, type Locale } from '../i18n/locales.ts';

interface LanguageState {
  locale: Locale;
  setLocale: (l: Locale) => void;
}
const LanguageContext = createContext<LanguageState>({ locale: 'en', setLocale: () => undefined });
export const useLanguage = () => useContext(LanguageContext);

/**
 * The interface's language: the browser's first language the interface speaks, or the one chosen
 * in the switcher (kept in memory for the visit: nothing is written to browser storage). Sets the
 * document's lang and dir, and the API's Accept-Language.
 */
export function LanguageProvider({ children }: { children: ReactNode }) {
  const [locale, setLocaleState] = useState<Locale>(() => preferredLocale(navigator.languages ?? [navigator.language]));
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
    document.documentElement.lang = shown;
    document.documentElement.dir = directionOf(shown);
    setApiLanguage(shown);
  }, [shown]);

  const setLocale = useCallback((l: Locale) => setLocaleState(l), []);
  return (
    <LanguageContext.Provider value={{ locale: shown, setLocale }}>
      <IntlProvider locale={shown} messages={messages} defaultLocale="en" onError={reportMissing}>
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
