import type { ButtonHTMLAttributes, Ref } from 'react';
import styles from './IconButton.module.css';

interface IconButtonProps extends Omit<ButtonHTMLAttributes<HTMLButtonElement>, 'type' | 'aria-label'> {
  ref?: Ref<HTMLButtonElement>;
  /** Its accessible name, also shown as a tooltip. */
  label: string;
  /** Its diameter in pixels. */
  size?: number;
}

/** A round button showing only an icon, named for screen readers and on hover. */
export function IconButton({ ref, label, size = 32, className = '', children, style, ...props }: IconButtonProps) {
  return (
    <button
      ref={ref}
      type="button"
      className={`${styles.button} ${className}`}
      aria-label={label}
      title={label}
      style={{ width: size, height: size, ...style }}
      {...props}
    >
      {children}
    </button>
  );
}
