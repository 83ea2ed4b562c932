import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { ToastProvider } from './components/ui.tsx';
import { SessionProvider } from './lib/session.tsx';
import { I18nProvider } from './i18n/I18nProvider.tsx';
import { applyTheme, storedTheme } from './lib/theme.ts';
import './styles.css';

applyTheme(storedTheme());
matchMedia('(prefers-color-scheme: light)').addEventListener('change', () => {
  if (storedTheme() === 'system') applyTheme('system');
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ToastProvider>
      <SessionProvider>
        <I18nProvider>
          <App />
        </I18nProvider>
      </SessionProvider>
    </ToastProvider>
  </StrictMode>,
);
