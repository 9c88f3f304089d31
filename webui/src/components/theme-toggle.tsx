import { useState } from 'react';

/** Light/dark switch; the choice is kept in localStorage (read by index.html before paint). */
export function ThemeToggle() {
  const [theme, setTheme] = useState(document.documentElement.dataset.theme ?? 'light');
  const flip = () => {
    const next = theme === 'dark' ? 'light' : 'dark';
    document.documentElement.dataset.theme = next;
    localStorage.setItem('nasctl.theme', next);
    setTheme(next);
    window.dispatchEvent(new Event('nasctl-theme'));
  };
  return (
    <button type="button" className="ghost" onClick={flip} data-testid="theme-toggle" title="switch light/dark theme">
      {theme === 'dark' ? '☀ light' : '☾ dark'}
    </button>
  );
}
