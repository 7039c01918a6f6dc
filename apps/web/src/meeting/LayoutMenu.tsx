import { useEffect, useId, useRef, useState } from 'react';
import { LayoutIcon } from '../ui/icons';
import type { ChosenLayout } from './stageLayout';

const CHOICES: { value: ChosenLayout; label: string }[] = [
  { value: 'gallery', label: 'Gallery' },
  { value: 'speaker', label: 'Speaker' },
];

/**
 * The "Layout" button and its choices (MEET-LAYOUT): radio buttons, so a screen reader says which
 * is on. While someone presents, the stage shows the presentation whatever is chosen here.
 */
export function LayoutMenu({
  value,
  presenting,
  onChange,
}: {
  value: ChosenLayout;
  presenting: boolean;
  onChange: (layout: ChosenLayout) => void;
}) {
  const [open, setOpen] = useState(false);
  const id = useId();
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!open) return;
    const outside = (e: PointerEvent) => {
      if (!root.current?.contains(e.target as Node)) setOpen(false);
    };
    const escape = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      setOpen(false);
      button.current?.focus();
    };
    document.addEventListener('pointerdown', outside);
    document.addEventListener('keydown', escape);
    return () => {
      document.removeEventListener('pointerdown', outside);
      document.removeEventListener('keydown', escape);
    };
  }, [open]);

  return (
    <div className="layout-menu" ref={root}>
      <button
        ref={button}
        type="button"
        className={`control ${open ? 'control-active' : ''}`}
        aria-label="Layout"
        aria-expanded={open}
        aria-controls={id}
        title="Layout"
        onClick={() => setOpen((o) => !o)}
      >
        <LayoutIcon size={22} />
      </button>
      <fieldset id={id} className="layout-popover" hidden={!open}>
        <legend>Layout</legend>
        {CHOICES.map((choice) => (
          <label key={choice.value}>
            <input
              type="radio"
              name={`${id}-layout`}
              value={choice.value}
              checked={value === choice.value}
              onChange={() => onChange(choice.value)}
            />
            {choice.label}
          </label>
        ))}
        {presenting && <p className="muted-dark">Someone is presenting: their screen is shown.</p>}
      </fieldset>
    </div>
  );
}
