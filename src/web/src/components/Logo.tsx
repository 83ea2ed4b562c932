export function Logo({ large }: { large?: boolean }) {
  return (
    <span className={`logo${large ? ' logo-large' : ''}`}>
      <svg viewBox="0 0 32 32" width={large ? 36 : 22} height={large ? 36 : 22} aria-hidden="true">
        <rect width="32" height="32" rx="8" className="logo-mark" />
        <path d="M8 10h16M8 16h11M8 22h14" stroke="#fff" strokeWidth="3" strokeLinecap="round" />
      </svg>
      <span className="logo-text" translate="no">
        MyLog
      </span>
    </span>
  );
}
