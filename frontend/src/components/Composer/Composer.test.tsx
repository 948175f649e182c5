import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
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

  it('limits a message to 4096 characters', () => {
    render(<Composer onSend={jest.fn()} />);
    expect(screen.getByRole('textbox')).toHaveAttribute('maxLength', '4096');
  });
});
