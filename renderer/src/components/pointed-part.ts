import { useState } from 'react';

/**
 * Which part of a picture (a segment, a day) the pointer or the keyboard focus is on, and the
 * props that make a part focusable, named, and tracked.
 */
export function usePointedPart() {
  const [active, setActive] = useState<number>();
  const track = (index: number, label: string) => ({
    tabIndex: 0,
    role: 'img',
    'aria-label': label,
    onFocus: () => setActive(index),
    onBlur: () => setActive(undefined),
    onMouseEnter: () => setActive(index),
    onMouseLeave: () => setActive(undefined),
  });
  return { active, track };
}
