import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { SidePanel } from './SidePanel';

function setup() {
  const onClose = jest.fn();
  render(
    <SidePanel title="Linked devices" onClose={onClose}>
      <button type="button">Inside</button>
    </SidePanel>,
  );
  return { onClose };
}

describe('SidePanel', () => {
  it('is a region named by its title, which has the focus once it opens', () => {
    setup();
    expect(screen.getByRole('region', { name: 'Linked devices' })).toBeInTheDocument();
    expect(screen.getByRole('heading', { name: 'Linked devices' })).toHaveFocus();
  });

  it('goes back with its back button', async () => {
    const { onClose } = setup();
    await userEvent.click(screen.getByRole('button', { name: 'Back to chats' }));
    expect(onClose).toHaveBeenCalledTimes(1);
  });

  it('goes back with Escape from anywhere inside', async () => {
    const { onClose } = setup();
    await userEvent.click(screen.getByRole('button', { name: 'Inside' }));
    await userEvent.keyboard('{Escape}');
    expect(onClose).toHaveBeenCalledTimes(1);
  });
});
