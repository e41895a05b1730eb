/// <reference lib="dom" />
import React, { useEffect, useRef } from 'react';
import { useCurrentAdmin, useTranslation } from 'adminjs';

/**
 * Wraps the sidebar footer to persist the language chosen in AdminJS's language selector to the
 * staff member's profile (StaffUser.locale), so the next session opens in it. AdminJS's selector
 * only changes the language in the open page.
 */
export default function LocaleSync(props: { OriginalComponent?: React.ComponentType<Record<string, unknown>> }) {
  const { OriginalComponent, ...rest } = props;
  const { i18n } = useTranslation();
  const [currentAdmin, setCurrentAdmin] = useCurrentAdmin();
  const saved = useRef<string | undefined>((currentAdmin as { locale?: string } | null)?.locale);

  useEffect(() => {
    document.documentElement.lang = i18n.language;
    const onChange = (language: string) => {
      document.documentElement.lang = language;
      if (language === saved.current || (language !== 'en' && language !== 'es')) return;
      saved.current = language;
      const root =
        (window as unknown as { REDUX_STATE?: { paths?: { rootPath?: string } } }).REDUX_STATE?.paths?.rootPath ?? '/admin';
      void fetch(`${root}/api/me/locale`, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ locale: language }),
      }).then((response) => {
        if (response.ok && currentAdmin) setCurrentAdmin({ ...currentAdmin, locale: language });
      });
    };
    i18n.on('languageChanged', onChange);
    return () => i18n.off('languageChanged', onChange);
  }, [i18n, currentAdmin, setCurrentAdmin]);

  return OriginalComponent ? <OriginalComponent {...rest} /> : null;
}
