// The Dashboards nav icon: bars on an axis, in the stroke style of components/icons.tsx.
export function DashboardIcon() {
  return (
    <svg
      width="16"
      height="16"
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth="2"
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
    >
      <path d="M3 3v18h18M8 17v-5m5 5V8m5 9v-8" />
    </svg>
  );
}
