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

  it('leaves the focus where its content put it as it opened, and names its way back as told', () => {
    render(
      <SidePanel title="Settings" backLabel="Back to settings" onClose={jest.fn()}>
        <button type="button" autoFocus>
          Profile
        </button>
      </SidePanel>,
    );
    expect(screen.getByRole('button', { name: 'Profile' })).toHaveFocus();
    expect(screen.getByRole('button', { name: 'Back to settings' })).toBeInTheDocument();
  });

  it('goes back with Escape from anywhere inside', async () => {
    const { onClose } = setup();
    await userEvent.click(screen.getByRole('button', { name: 'Inside' }));
    await userEvent.keyboard('{Escape}');
    expect(onClose).toHaveBeenCalledTimes(1);
  });
});
