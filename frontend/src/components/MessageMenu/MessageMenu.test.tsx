import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import type { MessageActions } from '../../lib/messageActions';
import { MessageMenu } from './MessageMenu';

const ALL: MessageActions = { reply: true, react: true, edit: true, delete: true };

function Harness({ actions = ALL, mine = null }: { actions?: MessageActions; mine?: string | null }) {
  const [open, setOpen] = useState(false);
  return (
    <MessageMenu
      actions={actions}
      mine={mine}
      open={open}
      onOpenChange={setOpen}
      align="end"
      onReply={handlers.onReply}
      onReact={handlers.onReact}
      onEdit={handlers.onEdit}
      onDelete={handlers.onDelete}
    />
  );
}

const handlers = { onReply: jest.fn(), onReact: jest.fn<void, [string]>(), onEdit: jest.fn(), onDelete: jest.fn() };
const trigger = () => screen.getByRole('button', { name: 'Message options' });

describe('MessageMenu', () => {
  it('opens from its button with the quick reactions and Reply, React, Edit, Delete, the first item focused', async () => {
    render(<Harness />);
    expect(trigger()).toHaveAttribute('aria-expanded', 'false');
    await userEvent.click(trigger());
    expect(trigger()).toHaveAttribute('aria-expanded', 'true');
    expect(screen.getAllByRole('menuitem').map((item) => item.textContent)).toEqual(['Reply', 'React', 'Edit', 'Delete']);
    expect(screen.getByRole('toolbar', { name: 'React' })).toHaveTextContent('👍❤️😂😮😢🙏+');
    expect(screen.getByRole('menuitem', { name: 'Reply' })).toHaveFocus();
  });

  it('offers only what the message allows', async () => {
    render(<Harness actions={{ reply: true, react: true, edit: false, delete: false }} />);
    await userEvent.click(trigger());
    expect(screen.getAllByRole('menuitem').map((item) => item.textContent)).toEqual(['Reply', 'React']);
  });

  it('moves with the arrow keys, and Escape closes it and gives the focus back to its button', async () => {
    render(<Harness />);
    await userEvent.click(trigger());
    await userEvent.keyboard('{ArrowDown}');
    expect(screen.getByRole('menuitem', { name: 'React' })).toHaveFocus();
    await userEvent.keyboard('{ArrowUp}{ArrowUp}');
    expect(screen.getByRole('menuitem', { name: 'Delete' })).toHaveFocus();
    await userEvent.keyboard('{Escape}');
    expect(screen.queryByRole('menu')).not.toBeInTheDocument();
    expect(trigger()).toHaveFocus();
  });

  it('hands on the action chosen and closes', async () => {
    render(<Harness />);
    await userEvent.click(trigger());
    await userEvent.click(screen.getByRole('menuitem', { name: 'Edit' }));
    expect(handlers.onEdit).toHaveBeenCalled();
    expect(screen.queryByRole('menu')).not.toBeInTheDocument();
    expect(trigger()).toHaveFocus();
  });

  it('reacts from the quick bar, shows the user’s reaction pressed, and opens the picker with + or React', async () => {
    render(<Harness mine="😂" />);
    await userEvent.click(trigger());
    expect(screen.getByRole('button', { name: '😂' })).toHaveAttribute('aria-pressed', 'true');
    await userEvent.click(screen.getByRole('button', { name: '❤️' }));
    expect(handlers.onReact).toHaveBeenLastCalledWith('❤️');

    await userEvent.click(trigger());
    await userEvent.click(screen.getByRole('button', { name: 'More reactions' }));
    const picker = screen.getByRole('group', { name: 'Pick a reaction' });
    expect(picker.querySelectorAll('button').length).toBeGreaterThan(30);
    await userEvent.click(screen.getByRole('button', { name: '🎉' }));
    expect(handlers.onReact).toHaveBeenLastCalledWith('🎉');

    await userEvent.click(trigger());
    await userEvent.click(screen.getByRole('menuitem', { name: 'React' }));
    expect(screen.getByRole('group', { name: 'Pick a reaction' })).toBeInTheDocument();
  });

  it('closes on a click elsewhere', async () => {
    render(
      <>
        <Harness />
        <p>elsewhere</p>
      </>,
    );
    await userEvent.click(trigger());
    await userEvent.click(screen.getByText('elsewhere'));
    expect(screen.queryByRole('menu')).not.toBeInTheDocument();
  });
});
