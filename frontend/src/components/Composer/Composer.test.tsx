import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { AttachmentTray, TrayFile } from '../../hooks/useAttachmentTray';
import { Composer } from './Composer';

describe('Composer', () => {
  it('sends with Enter and with the send button, then clears', async () => {
    const onSend = jest.fn();
    render(<Composer onSend={onSend} />);
    const box = screen.getByRole('textbox', { name: 'Type a message' });
    await userEvent.type(box, 'hi{Enter}');
    expect(onSend).toHaveBeenLastCalledWith('hi');
    expect(box).toHaveValue('');
    await userEvent.type(box, 'again');
    await userEvent.click(screen.getByRole('button', { name: 'Send' }));
    expect(onSend).toHaveBeenLastCalledWith('again');
  });

  it('writes right-to-left text from the right (the direction comes from the text)', () => {
    render(<Composer onSend={jest.fn()} />);
    expect(screen.getByRole('textbox', { name: 'Type a message' })).toHaveAttribute('dir', 'auto');
  });

  it('puts an emoji from the picker where the cursor is, and closes the picker with Escape', async () => {
    const onSend = jest.fn();
    render(<Composer onSend={onSend} />);
    const box = screen.getByRole('textbox', { name: 'Type a message' });
    await userEvent.type(box, 'see you');
    (box as HTMLTextAreaElement).setSelectionRange(3, 3);
    await userEvent.click(screen.getByRole('button', { name: 'Emoji' }));
    await userEvent.click(within(screen.getByRole('group', { name: 'Emoji' })).getByRole('button', { name: '🎉' }));
    expect(box).toHaveValue('see🎉 you');
    await userEvent.keyboard('{Escape}');
    expect(screen.queryByRole('group', { name: 'Emoji' })).not.toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Send' }));
    expect(onSend).toHaveBeenCalledWith('see🎉 you');
  });

  it('inserts a new line with Shift+Enter', async () => {
    const onSend = jest.fn();
    render(<Composer onSend={onSend} />);
    await userEvent.type(screen.getByRole('textbox'), 'a{Shift>}{Enter}{/Shift}b');
    expect(screen.getByRole('textbox')).toHaveValue('a\nb');
    expect(onSend).not.toHaveBeenCalled();
  });

  it('reports typing, and stopping when cleared or left', async () => {
    const onTyping = jest.fn();
    const onStopTyping = jest.fn();
    render(<Composer onSend={jest.fn()} onTyping={onTyping} onStopTyping={onStopTyping} />);
    await userEvent.type(screen.getByRole('textbox'), 'ab');
    expect(onTyping).toHaveBeenCalledTimes(2);
    await userEvent.clear(screen.getByRole('textbox'));
    expect(onStopTyping).toHaveBeenCalled();
    onStopTyping.mockClear();
    await userEvent.tab();
    expect(onStopTyping).toHaveBeenCalled();
  });

  describe('editing in place', () => {
    function Editing({ onSend = jest.fn(), onCancel = jest.fn() }: { onSend?: jest.Mock; onCancel?: jest.Mock }) {
      return <Composer onSend={onSend} onCancel={onCancel} editing={{ id: 'm1', content: 'See you at 8' }} focusKey="m1" />;
    }

    it('shows "Editing" with the original text in the box; Enter saves', async () => {
      const onSend = jest.fn();
      render(<Editing onSend={onSend} />);
      expect(screen.getByTestId('editing')).toHaveTextContent('EditingSee you at 8');
      const box = screen.getByRole('textbox');
      expect(box).toHaveValue('See you at 8');
      expect(box).toHaveFocus();
      await userEvent.type(box, '.30{Enter}');
      expect(onSend).toHaveBeenCalledWith('See you at 8.30');
      expect(screen.getByRole('button', { name: 'Save' })).toBeInTheDocument();
    });

    it('Escape and the × cancel', async () => {
      const onCancel = jest.fn();
      render(<Editing onCancel={onCancel} />);
      await userEvent.keyboard('{Escape}');
      expect(onCancel).toHaveBeenCalledTimes(1);
      await userEvent.click(screen.getByRole('button', { name: 'Cancel editing' }));
      expect(onCancel).toHaveBeenCalledTimes(2);
    });

    it('empties the box when the edit ends', () => {
      const { rerender } = render(<Editing />);
      rerender(<Composer onSend={jest.fn()} editing={null} />);
      expect(screen.getByRole('textbox')).toHaveValue('');
      expect(screen.queryByTestId('editing')).not.toBeInTheDocument();
    });

    it('Up arrow in an empty box edits the last message; with text it moves the caret as usual', async () => {
      const onEditLast = jest.fn(() => true);
      render(<Composer onSend={jest.fn()} onEditLast={onEditLast} />);
      await userEvent.type(screen.getByRole('textbox'), 'x{ArrowUp}');
      expect(onEditLast).not.toHaveBeenCalled();
      await userEvent.clear(screen.getByRole('textbox'));
      await userEvent.keyboard('{ArrowUp}');
      expect(onEditLast).toHaveBeenCalledTimes(1);
    });
  });

  it('shows the message being replied to above the box; Escape cancels the reply', async () => {
    const onCancel = jest.fn();
    render(<Composer onSend={jest.fn()} onCancel={onCancel} replyTo={<span>quoted</span>} focusKey="m1" />);
    expect(screen.getByText('quoted')).toBeInTheDocument();
    expect(screen.getByRole('textbox')).toHaveFocus();
    await userEvent.keyboard('{Escape}');
    expect(onCancel).toHaveBeenCalled();
  });
});

describe('Composer near the length limit', () => {
  const counter = () => screen.queryByTestId('char-counter');

  it('counts down the characters left once 200 or fewer remain, counting an emoji as one', async () => {
    render(<Composer onSend={jest.fn()} draft={'a'.repeat(3_800)} />);
    expect(counter()).not.toBeInTheDocument();
    const box = screen.getByRole('textbox', { name: 'Type a message' });
    await userEvent.type(box, 'b'.repeat(95) + '🙂');
    expect(counter()).toHaveTextContent('200 characters left');
    await userEvent.type(box, 'c');
    expect(counter()).toHaveTextContent('199 characters left');
    expect(box).toHaveAccessibleDescription('199 characters left');
  });

  it('keeps a paste over the limit whole, says how much is over and does not send it', async () => {
    const onSend = jest.fn();
    render(<Composer onSend={onSend} />);
    const box = screen.getByRole('textbox', { name: 'Type a message' });
    box.focus();
    await userEvent.paste('x'.repeat(4_100));
    expect(box).toHaveValue('x'.repeat(4_100));
    expect(box).toHaveAttribute('aria-invalid', 'true');
    expect(counter()).toHaveTextContent('4 characters too many: a message can have at most 4,096 characters.');
    expect(screen.getByRole('button', { name: 'Send' })).toBeDisabled();
    await userEvent.type(box, '{Enter}');
    expect(onSend).not.toHaveBeenCalled();

    await userEvent.type(box, '{Backspace}{Backspace}{Backspace}{Backspace}');
    expect(counter()).toHaveTextContent('0 characters left');
    await userEvent.type(box, '{Enter}');
    expect(onSend).toHaveBeenCalledWith('x'.repeat(4_096));
  });
});

describe('Composer with files', () => {
  /** A tray as useAttachmentTray gives it, with one uploaded file (or none). */
  function trayWith(files: Partial<TrayFile>[] = []): AttachmentTray {
    const full = files.map((f, i): TrayFile => ({ key: `f${i}`, name: 'a.pdf', size: 10, kind: 'file', state: 'done', loaded: 10, total: 10, ...f }));
    return {
      files: full,
      notice: null,
      add: jest.fn(),
      remove: jest.fn(),
      retry: jest.fn(),
      take: jest.fn(() => ({ attachments: [], previews: {} })),
      whenUploaded: jest.fn((then: (ok: boolean) => void) => then(full.every((f) => f.state === 'done'))),
      uploading: full.some((f) => f.state === 'uploading'),
      failed: full.some((f) => f.state === 'failed'),
    };
  }

  it('offers the paperclip only with a tray, and not while editing a message', () => {
    const { rerender } = render(<Composer onSend={jest.fn()} />);
    expect(screen.queryByRole('button', { name: 'Attach' })).not.toBeInTheDocument();
    rerender(<Composer onSend={jest.fn()} attachments={trayWith()} />);
    expect(screen.getByRole('button', { name: 'Attach' })).toBeInTheDocument();
    rerender(<Composer onSend={jest.fn()} attachments={trayWith()} editing={{ id: 'm1', content: 'Hi' }} />);
    expect(screen.queryByRole('button', { name: 'Attach' })).not.toBeInTheDocument();
  });

  it('sends uploaded files with an empty caption, and not while one of them failed', async () => {
    const onSend = jest.fn();
    const tray = trayWith([{}]);
    const { rerender } = render(<Composer onSend={onSend} attachments={tray} />);
    expect(screen.getByRole('textbox', { name: 'Type a message' })).toHaveAttribute('placeholder', 'Add a caption');
    await userEvent.click(screen.getByRole('button', { name: 'Send' }));
    expect(onSend).toHaveBeenCalledWith('', { attachments: [], previews: {} });

    rerender(<Composer onSend={onSend} attachments={trayWith([{}, { name: 'b.exe', state: 'failed', error: "This type of file can't be sent" }])} />);
    expect(screen.getByRole('button', { name: 'Send' })).toBeDisabled();
    expect(screen.getByRole('alert')).toHaveTextContent("This type of file can't be sent");
  });
});
