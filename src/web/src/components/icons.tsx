// Inline SVG icons (stroke style, 16px grid), so the bundle needs no icon font.
import type { SVGProps } from 'react';

function Icon({ d, ...props }: SVGProps<SVGSVGElement> & { d: string }) {
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
      {...props}
    >
      <path d={d} />
    </svg>
  );
}

type P = SVGProps<SVGSVGElement>;
export const SearchIcon = (p: P) => (
  <Icon {...p} d="M11 19a8 8 0 1 1 0-16 8 8 0 0 1 0 16zm10 2-4.35-4.35" />
);
export const ClockIcon = (p: P) => (
  <Icon {...p} d="M12 22a10 10 0 1 1 0-20 10 10 0 0 1 0 20zm0-16v6l4 2" />
);
export const PlayIcon = (p: P) => <Icon {...p} d="m6 4 14 8-14 8z" />;
export const PauseIcon = (p: P) => <Icon {...p} d="M7 4h3v16H7zm7 0h3v16h-3z" />;
export const CopyIcon = (p: P) => <Icon {...p} d="M9 9h11v11H9zM5 15H4V4h11v1" />;
export const CheckIcon = (p: P) => <Icon {...p} d="m5 12 5 5L20 7" />;
export const CloseIcon = (p: P) => <Icon {...p} d="M18 6 6 18M6 6l12 12" />;
export const ChevronDown = (p: P) => <Icon {...p} d="m6 9 6 6 6-6" />;
export const SunIcon = (p: P) => (
  <Icon
    {...p}
    d="M12 17a5 5 0 1 0 0-10 5 5 0 0 0 0 10zM12 1v2m0 18v2M4.2 4.2l1.4 1.4m12.8 12.8 1.4 1.4M1 12h2m18 0h2M4.2 19.8l1.4-1.4M18.4 5.6l1.4-1.4"
  />
);
export const MoonIcon = (p: P) => <Icon {...p} d="M21 12.8A9 9 0 1 1 11.2 3 7 7 0 0 0 21 12.8z" />;
export const FilterIcon = (p: P) => <Icon {...p} d="M22 3H2l8 9.5V19l4 2v-8.5z" />;
export const MinusCircle = (p: P) => (
  <Icon {...p} d="M12 22a10 10 0 1 1 0-20 10 10 0 0 1 0 20zM8 12h8" />
);
export const ListIcon = (p: P) => (
  <Icon {...p} d="M8 6h13M8 12h13M8 18h13M3 6h.01M3 12h.01M3 18h.01" />
);
export const SettingsIcon = (p: P) => (
  <Icon
    {...p}
    d="M12 15a3 3 0 1 0 0-6 3 3 0 0 0 0 6zm7.4-3a7.4 7.4 0 0 0-.1-1.2l2-1.6-2-3.4-2.4 1a7.6 7.6 0 0 0-2-1.2L14.5 3h-4l-.4 2.6a7.6 7.6 0 0 0-2 1.2l-2.4-1-2 3.4 2 1.6a7.4 7.4 0 0 0 0 2.4l-2 1.6 2 3.4 2.4-1a7.6 7.6 0 0 0 2 1.2l.4 2.6h4l.4-2.6a7.6 7.6 0 0 0 2-1.2l2.4 1 2-3.4-2-1.6c.1-.4.1-.8.1-1.2z"
  />
);
export const StarIcon = (p: P) => (
  <Icon {...p} d="m12 2 3 7 7 .6-5.3 4.7 1.6 7.2L12 17.8 5.7 21.5l1.6-7.2L2 9.6 9 9z" />
);
export const KeyIcon = (p: P) => (
  <Icon {...p} d="M15 7a4 4 0 1 1-3.9 5H3v3h3v3h3v-3h2.1A4 4 0 0 1 15 7zm1 2h.01" />
);
export const UsersIcon = (p: P) => (
  <Icon
    {...p}
    d="M17 21v-2a4 4 0 0 0-4-4H5a4 4 0 0 0-4 4v2m8-10a4 4 0 1 0 0-8 4 4 0 0 0 0 8zm14 10v-2a4 4 0 0 0-3-3.9M16 3.1a4 4 0 0 1 0 7.8"
  />
);
export const BoxIcon = (p: P) => <Icon {...p} d="M21 8 12 3 3 8v8l9 5 9-5zM3 8l9 5 9-5M12 13v8" />;
export const ShieldIcon = (p: P) => <Icon {...p} d="M12 22s8-4 8-10V5l-8-3-8 3v7c0 6 8 10 8 10z" />;
export const BuildingIcon = (p: P) => (
  <Icon {...p} d="M3 21h18M5 21V3h10v18m0-12h4v12M9 7h2m-2 4h2m-2 4h2" />
);
export const LogOutIcon = (p: P) => (
  <Icon {...p} d="M9 21H5a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2h4m7 14 5-5-5-5m5 5H9" />
);
export const ArrowUp = (p: P) => <Icon {...p} d="M12 19V5m-7 7 7-7 7 7" />;
export const ZoomOutIcon = (p: P) => (
  <Icon {...p} d="M11 19a8 8 0 1 1 0-16 8 8 0 0 1 0 16zm10 2-4.35-4.35M8 11h6" />
);
export const TrashIcon = (p: P) => <Icon {...p} d="M3 6h18M8 6V4h8v2m2 0v14H6V6" />;
export const RotateIcon = (p: P) => <Icon {...p} d="M21 12a9 9 0 1 1-3-6.7L21 8m0-5v5h-5" />;
export const PlusIcon = (p: P) => <Icon {...p} d="M12 5v14M5 12h14" />;
export const DownloadIcon = (p: P) => <Icon {...p} d="M12 3v12m-5-5 5 5 5-5M4 21h16" />;
export const MenuIcon = (p: P) => <Icon {...p} d="M3 6h18M3 12h18M3 18h18" />;
