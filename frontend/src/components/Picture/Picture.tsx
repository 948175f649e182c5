import { useState } from 'react';
import styles from './Picture.module.css';

interface PictureProps {
  src: string;
  alt: string;
  /** The size it is shown at (its aspect ratio holds when the bubble is narrower); without it, the class's. */
  size?: { width: number; height: number };
  className?: string;
  onExpired?: () => Promise<boolean>;
}

/** An image whose link may expire: a failed load asks for a fresh link once; one that still fails says so, in the same space. */
export function Picture({ src, alt, size, className = '', onExpired }: PictureProps) {
  // The link that failed with nothing fresh to come: a new link (props) tries again.
  const [broken, setBroken] = useState<string | null>(null);
  if (broken === src) {
    return (
      <span className={`${styles.broken} ${className}`} style={size} role="img" aria-label={`${alt} (can't be loaded)`}>
        Photo unavailable
      </span>
    );
  }
  return (
    <img
      className={`${styles.picture} ${className}`}
      src={src}
      alt={alt}
      // width and height reserve its space (as an aspect ratio) before it loads: the history does not jump.
      width={size?.width}
      height={size?.height}
      style={size && { width: size.width, aspectRatio: `${size.width} / ${size.height}` }}
      onError={() => {
        if (!onExpired || src.startsWith('blob:')) {
          setBroken(src);
          return;
        }
        void onExpired().then((renewed) => {
          if (!renewed) setBroken(src);
        });
      }}
    />
  );
}

