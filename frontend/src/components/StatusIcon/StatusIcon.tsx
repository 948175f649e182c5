import { deliveryLabel, type DeliveryState } from '../../lib/ticks';
import { AlertIcon, ClockIcon, DoubleTickIcon, TickIcon } from '../Icons/Icons';
import styles from './StatusIcon.module.css';

/** The clock, ✓, grey ✓✓ or blue ✓✓ of one of your messages, with its name for screen readers. */
export function StatusIcon({ state }: { state: DeliveryState }) {
  const label = deliveryLabel(state);
  return (
    <span className={`${styles.status} ${styles[state]}`} role="img" aria-label={label} title={label} data-status={state}>
      {state === 'sending' && <ClockIcon size={15} />}
      {state === 'failed' && <AlertIcon size={15} />}
      {state === 'sent' && <TickIcon width={12} height={11} />}
      {(state === 'delivered' || state === 'read') && <DoubleTickIcon width={16} height={11} />}
    </span>
  );
}
