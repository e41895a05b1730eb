/// <reference lib="dom" />
import React, { useEffect } from 'react';
import { useTranslation } from 'adminjs';

interface LoginState {
  action: string;
  errorMessage?: 'invalidCredentials' | 'invalidCode' | 'tooManyRequests' | 'sessionEnded' | 'loggedOut' | 'httpsRequired' | null;
  language?: 'en' | 'es';
  /** `totp`: the password was right, the authenticator code is asked for. */
  step?: 'password' | 'totp';
}

const COLORS = {
  text: '#1c2333',
  muted: '#4a5468',
  border: '#6b7385',
  primary: '#2f5fd0',
  danger: '#b3261e',
  info: '#1c4fa0',
  bg: '#f4f6fa',
};
const ERRORS = new Set(['invalidCredentials', 'invalidCode', 'tooManyRequests', 'httpsRequired']);

const field: React.CSSProperties = {
  display: 'block',
  width: '100%',
  boxSizing: 'border-box',
  padding: '10px 12px',
  fontSize: 16,
  border: `1px solid ${COLORS.border}`,
  borderRadius: 4,
  color: COLORS.text,
  background: '#fff',
  marginTop: 6,
};

/**
 * The staff sign-in page, replacing AdminJS's stock one for WCAG 2.1 AA: real labels bound to
 * their inputs, the page language set, messages announced (alert for errors, status for
 * notices), correct autocomplete hints, visible focus and sufficient contrast. The form still
 * posts AdminJS's fields `email` and `password` to the login path.
 */
export default function Login() {
  const state = (window as unknown as { __APP_STATE__?: LoginState }).__APP_STATE__ ?? { action: '' };
  const { translateComponent, i18n } = useTranslation();
  const language = state.language === 'es' ? 'es' : 'en';
  useEffect(() => {
    if (i18n.language !== language) void i18n.changeLanguage(language);
    document.documentElement.lang = language;
  }, [i18n, language]);
  const t = (key: string) => translateComponent(`Login.${key}`);
  const notice = state.errorMessage ?? null;
  const isError = notice !== null && ERRORS.has(notice);
  const otherLanguage = language === 'en' ? 'es' : 'en';

  useEffect(() => {
    document.title = t('title');
  });

  return (
    <main
      style={{
        fontFamily: "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif",
        minHeight: '100%',
        background: COLORS.bg,
        display: 'flex',
        alignItems: 'center',
        justifyContent: 'center',
        padding: 16,
        boxSizing: 'border-box',
        color: COLORS.text,
      }}
    >
      <style>{`.bo-login input:focus-visible, .bo-login button:focus-visible, .bo-login a:focus-visible { outline: 3px solid ${COLORS.primary}; outline-offset: 2px; }`}</style>
      <div
        className="bo-login"
        style={{
          background: '#fff',
          border: '1px solid #d5dae3',
          borderRadius: 8,
          padding: 32,
          width: '100%',
          maxWidth: 420,
          boxSizing: 'border-box',
        }}
      >
        <p style={{ margin: '0 0 4px', color: COLORS.muted, fontSize: 14 }}>{t('title')}</p>
        <h1 style={{ margin: '0 0 8px', fontSize: 24, fontWeight: 600, lineHeight: 1.3 }}>{t('heading')}</h1>
        <p style={{ margin: '0 0 20px', fontSize: 15, lineHeight: 1.5 }}>{t(state.step === 'totp' ? 'codeIntro' : 'intro')}</p>
        {notice ? (
          <div
            role={isError ? 'alert' : 'status'}
            data-testid="login-notice"
            style={{
              border: `1px solid ${isError ? COLORS.danger : COLORS.info}`,
              color: isError ? COLORS.danger : COLORS.info,
              background: '#fff',
              borderRadius: 4,
              padding: '10px 12px',
              marginBottom: 16,
              fontSize: 15,
              lineHeight: 1.4,
            }}
          >
            {t(`messages.${notice}`)}
          </div>
        ) : null}
        <form action={state.action} method="POST" noValidate={false}>
          {state.step === 'totp' ? (
            <>
              <div style={{ marginBottom: 8 }}>
                <label htmlFor="login-code" style={{ fontWeight: 600, fontSize: 15 }}>
                  {t('code')}
                </label>
                <input
                  id="login-code"
                  name="code"
                  type="text"
                  // The 6-digit TOTP code, or a recovery code (xxxxx-xxxxx) in its place.
                  pattern="[0-9]{6}|[A-Za-z2-9]{5}-?[A-Za-z2-9]{5}"
                  maxLength={11}
                  autoCapitalize="none"
                  spellCheck={false}
                  autoComplete="one-time-code"
                  required
                  autoFocus
                  aria-describedby="login-code-hint"
                  style={field}
                />
              </div>
              <p id="login-code-hint" style={{ margin: '0 0 20px', color: COLORS.muted, fontSize: 14, lineHeight: 1.4 }}>
                {t('codeHint')}
              </p>
            </>
          ) : (
            <>
              <div style={{ marginBottom: 16 }}>
                <label htmlFor="login-email" style={{ fontWeight: 600, fontSize: 15 }}>
                  {t('email')}
                </label>
                <input id="login-email" name="email" type="email" autoComplete="username" required autoFocus style={field} />
              </div>
              <div style={{ marginBottom: 8 }}>
                <label htmlFor="login-password" style={{ fontWeight: 600, fontSize: 15 }}>
                  {t('password')}
                </label>
                <input
                  id="login-password"
                  name="password"
                  type="password"
                  autoComplete="current-password"
                  required
                  aria-describedby="login-lockout-hint"
                  style={field}
                />
              </div>
              <p id="login-lockout-hint" style={{ margin: '0 0 20px', color: COLORS.muted, fontSize: 14, lineHeight: 1.4 }}>
                {t('lockoutHint')}
              </p>
            </>
          )}
          <button
            type="submit"
            style={{
              width: '100%',
              padding: '12px 16px',
              fontSize: 16,
              fontWeight: 600,
              color: '#fff',
              background: COLORS.primary,
              border: 'none',
              borderRadius: 4,
              cursor: 'pointer',
            }}
          >
            {t('submit')}
          </button>
        </form>
        <nav aria-label={t('language')} style={{ marginTop: 20, fontSize: 14 }}>
          <a href={`?lang=${otherLanguage}`} hrefLang={otherLanguage} lang={otherLanguage} style={{ color: COLORS.primary }}>
            {otherLanguage === 'es' ? 'Español' : 'English'}
          </a>
        </nav>
      </div>
    </main>
  );
}
