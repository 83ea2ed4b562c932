// Keyboard focus: what can take it inside an element, Tab kept inside a modal, and popovers that
// close on Escape, on a click or Tab elsewhere, and give focus back to their toggle button.
import { useEffect, useRef, type KeyboardEvent as ReactKeyboardEvent, type RefObject } from 'react';

const FOCUSABLE = [
  'a[href]',
  'button:not([disabled])',
  'input:not([disabled]):not([type=hidden])',
  'select:not([disabled])',
  'textarea:not([disabled])',
  'summary',
  '[tabindex]:not([tabindex="-1"])',
].join(', ');

/** The elements Tab visits inside `root`, in order (shown ones only). */
export function focusableIn(root: HTMLElement): HTMLElement[] {
  return Array.from(root.querySelectorAll<HTMLElement>(FOCUSABLE)).filter(
    (el) => el.tabIndex >= 0 && el.getClientRects().length > 0,
  );
}

/**
 * Tab and Shift+Tab wrap around inside `root`. A modal <dialog> already makes the page behind it
 * inert, but from its last control the browser moves focus out to its own toolbar; a keyboard user
 * expects the first control again.
 */
export function keepTabInside(event: KeyboardEvent | ReactKeyboardEvent, root: HTMLElement): void {
  if (event.key !== 'Tab' || event.defaultPrevented) return;
  const list = focusableIn(root);
  const first = list[0];
  const last = list[list.length - 1];
  if (!first || !last) return;
  const active = document.activeElement;
  if (event.shiftKey && (active === first || !root.contains(active))) {
    event.preventDefault();
    last.focus();
  } else if (!event.shiftKey && (active === last || !root.contains(active))) {
    event.preventDefault();
    first.focus();
  }
}

/**
 * A popover anchored in the returned element, whose first `[aria-expanded]` element is its toggle:
 * while `open`, a mousedown outside or Tab out of it closes it, and Escape closes it and focuses
 * the toggle. When it closes by a choice made inside it (the chosen control disappears with it),
 * focus goes back to the toggle rather than to the page's start.
 */
export function usePopover(open: boolean, close: () => void): RefObject<HTMLDivElement> {
  const root = useRef<HTMLDivElement>(null);
  const closeRef = useRef(close);
  closeRef.current = close;
  useEffect(() => {
    const element = root.current;
    if (!open || !element) return;
    const toggle = element.querySelector<HTMLElement>('[aria-expanded]');
    // Focus returns to the toggle unless the user went elsewhere (clicked or tabbed away).
    let giveBack = true;
    const outside = (event: MouseEvent): void => {
      if (element.contains(event.target as Node)) return;
      giveBack = false;
      closeRef.current();
    };
    const escape = (event: KeyboardEvent): void => {
      if (event.key !== 'Escape') return;
      // This Escape is the popover's, not the page's (the explorer closes its log detail on one).
      event.stopPropagation();
      closeRef.current();
    };
    const leave = (event: FocusEvent): void => {
      const next = event.relatedTarget as Node | null;
      // A press on plain content inside the popover (a checkbox's label) moves focus to the
      // nearest focusable ancestor, such as <main tabindex=-1>: that is not leaving.
      if (!next || element.contains(next) || next.contains(element)) return;
      giveBack = false;
      closeRef.current();
    };
    document.addEventListener('mousedown', outside);
    element.addEventListener('keydown', escape);
    element.addEventListener('focusout', leave);
    return () => {
      document.removeEventListener('mousedown', outside);
      element.removeEventListener('keydown', escape);
      element.removeEventListener('focusout', leave);
      const active = document.activeElement;
      const lost = !active || active === document.body || element.contains(active);
      if (giveBack && lost && toggle?.isConnected) toggle.focus();
    };
  }, [open]);
  return root;
}
