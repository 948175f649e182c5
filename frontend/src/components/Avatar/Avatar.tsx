import { useState } from 'react';
import { avatarColor, initials } from '../../lib/colors';
import { GroupIcon, PersonIcon } from '../Icons/Icons';
import styles from './Avatar.module.css';

interface AvatarProps {
  /** Stable id that picks the colour (a user's or a group's). */
  id: string;
  name: string;
  url?: string | null;
  size?: number;
  group?: boolean;
  online?: boolean;
  /** A deleted account: a neutral silhouette, whatever its name, picture or presence. */
  deleted?: boolean;
}

/** A picture from avatar_url, else initials on a colour derived from the id. Decorative: the name is always next to it. */
export function Avatar({ id, name, url, size = 40, group = false, online = false, deleted = false }: AvatarProps) {
  const [broken, setBroken] = useState<string | null>(null);
  const showImage = Boolean(url) && broken !== url && !deleted;
  return (
    <span className={styles.avatar} style={{ width: size, height: size }} aria-hidden="true">
      {deleted ? (
        <span className={styles.deleted} data-testid="avatar-deleted">
          <PersonIcon size={Math.round(size * 0.6)} />
        </span>
      ) : showImage ? (
        <img className={styles.image} src={url ?? undefined} alt="" onError={() => setBroken(url ?? null)} referrerPolicy="no-referrer" />
      ) : (
        <span
          className={styles.initials}
          data-testid="avatar-initials"
          style={{ background: avatarColor(id), fontSize: Math.round(size * 0.38) }}
        >
          {group ? <GroupIcon size={Math.round(size * 0.55)} /> : initials(name)}
        </span>
      )}
      {online && !deleted && <span className={styles.online} data-testid="online-dot" />}
    </span>
  );
}
