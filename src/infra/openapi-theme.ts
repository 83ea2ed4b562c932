// Additions to swagger-ui's page at /docs so the API reference is usable on a phone and with
// assistive technology: swagger-ui ships no viewport meta tag (a phone lays it out 980 px wide),
// small controls, an unlabelled server picker, and operation links nested inside buttons. Served
// as swagger-ui theme files (same origin, so its strict CSP allows them).
const css = `
.swagger-ui .topbar { display: none; }
@media (pointer: coarse), (max-width: 640px) {
  .swagger-ui .wrapper { padding: 0 8px; }
  .swagger-ui button, .swagger-ui select, .swagger-ui input { min-height: 44px; min-width: 44px; }
  .swagger-ui a.nostyle, .swagger-ui .info a, .swagger-ui a.link {
    display: inline-flex; align-items: center; min-height: 44px; max-width: 100%;
  }
  .swagger-ui .opblock .opblock-summary { flex-wrap: wrap; }
  .swagger-ui .opblock-summary-path, .swagger-ui .opblock-summary-description {
    max-width: 100%; overflow-wrap: anywhere; word-break: break-word;
  }
  .swagger-ui .info .title { font-size: 24px; }
  .swagger-ui .scheme-container .schemes { flex-wrap: wrap; gap: 8px; }
  .swagger-ui select { max-width: 100%; height: 44px !important; min-height: 44px !important; }
}
`;

const js = `(function () {
  var meta = document.createElement('meta');
  meta.name = 'viewport';
  meta.content = 'width=device-width, initial-scale=1';
  document.head.appendChild(meta);
  function mend() {
    // The path inside each operation's toggle button is also a link: a control inside a control.
    document.querySelectorAll('.opblock-summary-control a.nostyle[href]').forEach(function (a) {
      a.removeAttribute('href');
    });
    document.querySelectorAll('.servers select:not([aria-label])').forEach(function (s) {
      s.setAttribute('aria-label', 'Server');
    });
  }
  mend();
  new MutationObserver(mend).observe(document.body, { childList: true, subtree: true });
})();
`;

export const OPENAPI_THEME = {
  title: 'MyLog API reference',
  css: [{ filename: 'mylog-docs.css', content: css }],
  js: [{ filename: 'mylog-docs.js', content: js }],
};
