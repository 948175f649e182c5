import type { AttachmentTray, TrayFile } from '../../hooks/useAttachmentTray';
import { fileBadge, formatBytes } from '../../lib/attachments';
import { IconButton } from '../IconButton/IconButton';
import { CloseIcon, FileIcon, RetryIcon } from '../Icons/Icons';
import styles from './AttachmentTray.module.css';

interface AttachmentTrayViewProps {
  tray: AttachmentTray;
  /** Send was pressed: the message goes once the uploads finish. */
  waiting: boolean;
}

/** Above the composer: the files picked for the next message, each with its upload's progress or why it failed. */
export function AttachmentTrayView({ tray, waiting }: AttachmentTrayViewProps) {
  return (
    <div className={styles.tray}>
      {tray.files.length > 0 && (
        <ul className={styles.list} aria-label="Files to send">
          {tray.files.map((file) => (
            <TrayItem key={file.key} file={file} onRemove={() => tray.remove(file.key)} onRetry={() => tray.retry(file.key)} />
          ))}
        </ul>
      )}
      <p className={styles.status} aria-live="polite">
        {tray.notice ?? (waiting ? 'Sending when the uploads finish…' : '')}
      </p>
    </div>
  );
}

function TrayItem({ file, onRemove, onRetry }: { file: TrayFile; onRemove: () => void; onRetry: () => void }) {
  const percent = file.total > 0 ? Math.min(100, Math.round((file.loaded / file.total) * 100)) : 0;
  return (
    <li className={`${styles.item} ${file.state === 'failed' ? styles.failed : ''}`} data-testid="tray-file">
      {file.previewUrl ? (
        <img className={styles.thumb} src={file.previewUrl} alt="" />
      ) : (
        <span className={styles.fileIcon} aria-hidden="true">
          <FileIcon size={28} />
          <span className={styles.badge}>{fileBadge(file.name)}</span>
        </span>
      )}
      <div className={styles.body}>
        <span className={styles.name} title={file.name}>
          {file.name}
        </span>
        <span className={styles.size}>{formatBytes(file.size)}</span>
        {file.state === 'uploading' && (
          <div
            className={styles.progress}
            role="progressbar"
            aria-label={`Uploading ${file.name}`}
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={percent}
          >
            <div className={styles.bar} style={{ width: `${percent}%` }} />
          </div>
        )}
        {file.state === 'failed' && (
          <span className={styles.error} role="alert">
            {file.error}
          </span>
        )}
      </div>
      {file.state === 'failed' && file.retryable && (
        <IconButton label={`Retry ${file.name}`} onClick={onRetry}>
          <RetryIcon size={18} />
        </IconButton>
      )}
      <IconButton label={file.state === 'uploading' ? `Cancel ${file.name}` : `Remove ${file.name}`} onClick={onRemove}>
        <CloseIcon size={18} />
      </IconButton>
    </li>
  );
}
