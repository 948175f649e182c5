import { useId, useRef, useState } from 'react';
import { useDevices, type DeviceRow } from '../../hooks/useDevices';
import { useNow } from '../../hooks/useNow';
import { dayAndTime } from '../../lib/dates';
import { ConfirmDialog } from '../ConfirmDialog/ConfirmDialog';
import { LaptopIcon, PhoneIcon } from '../Icons/Icons';
import { SidePanel, type PanelProps } from '../SidePanel/SidePanel';
import styles from './DevicesPanel.module.css';

/** The devices logged in to the account, in place of the chat list: each of the others can be logged out. */
export function DevicesPanel({ onClose, backLabel }: PanelProps) {
  const devices = useDevices();
  const now = new Date(useNow(60_000));
  const [confirming, setConfirming] = useState(false);
  const othersHeading = useRef<HTMLHeadingElement>(null);
  const thisId = useId();
  const othersId = useId();

  async function logOut(row: DeviceRow) {
    // Its button goes with it: the focus stays in the list's section.
    if (await devices.logOut(row)) othersHeading.current?.focus();
  }

  async function logOutOthers() {
    setConfirming(false);
    await devices.logOutOthers();
    othersHeading.current?.focus();
  }

  return (
    <SidePanel title="Linked devices" onClose={onClose} backLabel={backLabel}>
      <p className={styles.intro}>Every browser logged in to your account. Log out the ones you do not use or do not know.</p>
      <p role="status" className={styles.status}>
        {devices.loaded ? devices.status : devices.loadFailed ? null : 'Loading your devices…'}
      </p>
      {devices.loadFailed && (
        <div role="alert" className={styles.section}>
          <p className={styles.error}>Could not load your devices.</p>
          <button type="button" className={styles.action} onClick={devices.reload}>
            Try again
          </button>
        </div>
      )}
      {devices.loaded && (
        <>
          {devices.current && (
            <section className={styles.section} aria-labelledby={thisId}>
              <h3 id={thisId} className={styles.heading}>
                This device
              </h3>
              <ul className={styles.list}>
                <Device row={devices.current} now={now} />
              </ul>
            </section>
          )}
          <section className={styles.section} aria-labelledby={othersId}>
            <h3 id={othersId} ref={othersHeading} tabIndex={-1} className={styles.heading}>
              Other devices
            </h3>
            {devices.others.length > 0 ? (
              <ul className={styles.list}>
                {devices.others.map((row) => (
                  <Device key={row.id} row={row} now={now} onLogOut={() => void logOut(row)} />
                ))}
              </ul>
            ) : (
              <p className={styles.none}>No other device is logged in.</p>
            )}
            {devices.error && (
              <p role="alert" className={styles.error}>
                {devices.error}
              </p>
            )}
            {devices.others.length > 0 && (
              <button
                type="button"
                className={styles.logOutAll}
                aria-disabled={devices.endingOthers}
                onClick={() => !devices.endingOthers && setConfirming(true)}
              >
                {devices.endingOthers ? 'Logging out other devices…' : 'Log out all other devices'}
              </button>
            )}
          </section>
        </>
      )}
      {confirming && (
        <ConfirmDialog
          title="Log out all other devices? Each will need your password to log in again."
          confirmLabel="Log out all"
          onConfirm={() => void logOutOthers()}
          onCancel={() => setConfirming(false)}
        />
      )}
    </SidePanel>
  );
}

interface DeviceProps {
  row: DeviceRow;
  now: Date;
  onLogOut?: () => void;
}

function Device({ row, now, onLogOut }: DeviceProps) {
  const nameId = useId();
  const buttonId = useId();
  const whenId = useId();
  const Icon = row.mobile ? PhoneIcon : LaptopIcon;
  return (
    <li className={styles.device}>
      <span className={styles.icon}>
        <Icon />
      </span>
      <span className={styles.text}>
        <span id={nameId} className={styles.name}>
          {row.name}
        </span>
        <span id={whenId} className={styles.when}>
          {row.current ? 'Active now' : `Last active ${dayAndTime(row.lastUsedAt, now)}`}
          <br />
          Logged in {dayAndTime(row.createdAt, now)}
        </span>
      </span>
      {onLogOut && (
        <button
          type="button"
          id={buttonId}
          className={styles.action}
          aria-labelledby={`${buttonId} ${nameId}`}
          aria-describedby={whenId}
          aria-disabled={row.ending}
          onClick={() => !row.ending && onLogOut()}
        >
          Log out
        </button>
      )}
    </li>
  );
}
