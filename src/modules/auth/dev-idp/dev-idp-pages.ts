// The dev IdP's two pages. Plain HTML with every dynamic value escaped.
import { DEMO_PASSWORD, DEMO_USERS } from './demo-users.ts';

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>*{box-sizing:border-box}body{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem}
label{display:block;margin:.6rem 0}input{width:100%;min-height:44px;padding:.4rem}button{min-height:44px;min-width:44px;padding:.5rem 1rem;margin-top:.8rem}
.note{background:#fff6d5;padding:.6rem;border-radius:4px}.err{color:#b00}</style></head>
<body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;
}

export function loginPage(uid: string, error?: string): string {
  const users = DEMO_USERS.map(
    (u) => `<li><code>${escapeHtml(u.email)}</code> (${escapeHtml(u.role)})</li>`,
  ).join('');
  return page(
    'MyLog development sign-in',
    `<p class="note">Development identity provider: never enabled in production.<br>
Demo accounts, password <code>${escapeHtml(DEMO_PASSWORD)}</code>:</p><ul>${users}</ul>
${error ? `<p class="err">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/dev-idp/interaction/${encodeURIComponent(uid)}/login">
<label>Email <input name="email" type="email" autocomplete="username" required></label>
<label>Password <input name="password" type="password" autocomplete="current-password" required></label>
<button type="submit">Sign in</button></form>`,
  );
}

export function consentPage(uid: string, clientId: string, scopes: readonly string[]): string {
  return page(
    'Allow access?',
    `<p><strong>${escapeHtml(clientId)}</strong> asks to see: ${scopes.map((s) => `<code>${escapeHtml(s)}</code>`).join(', ')}</p>
<form method="post" action="/dev-idp/interaction/${encodeURIComponent(uid)}/confirm">
<button type="submit">Allow</button></form>`,
  );
}
