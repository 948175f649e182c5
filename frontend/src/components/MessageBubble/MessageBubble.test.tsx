import { fireEvent, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MessageBubble } from './MessageBubble';

const at = '2026-11-24T10:00:00.000Z';

describe('MessageBubble', () => {
  it('keeps line breaks and shows the time', () => {
    render(<MessageBubble content={'one\ntwo'} createdAt={at} mine={false} />);
    expect(screen.getByTestId('message')).toHaveTextContent('one two');
    expect(screen.getByTestId('message').querySelector('time')).toHaveAttribute('dateTime', at);
  });

  it('takes the direction of its text, so Hebrew or Arabic reads and aligns from the right', () => {
    render(<MessageBubble content="שלום, מה שלומך?" createdAt={at} mine={false} />);
    expect(screen.getByTestId('message-text')).toHaveAttribute('dir', 'auto');
  });

  it('renders markup as text', () => {
    const { container } = render(<MessageBubble content="<a href='javascript:alert(1)'>x</a>" createdAt={at} mine />);
    expect(screen.getByText("<a href='javascript:alert(1)'>x</a>")).toBeInTheDocument();
    expect(container.querySelector('a')).toBeNull();
  });

  it('shows the status of my messages only', () => {
    const { rerender } = render(<MessageBubble content="x" createdAt={at} mine status="delivered" />);
    expect(screen.getByRole('img', { name: 'Delivered' })).toBeInTheDocument();
    rerender(<MessageBubble content="x" createdAt={at} mine={false} />);
    expect(screen.queryByRole('img')).toBeNull();
  });

  it('says why a message of ours was not sent', () => {
    render(<MessageBubble content="x" createdAt={at} mine status="failed" error="You cannot send messages to this contact" />);
    expect(screen.getByText('Not sent: You cannot send messages to this contact')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Retry' })).toBeNull();
  });

  it('offers Retry on a failed message', async () => {
    const onRetry = jest.fn();
    render(<MessageBubble content="x" createdAt={at} mine status="failed" onRetry={onRetry} error="No answer from the server" />);
    expect(screen.getByRole('img', { name: 'Not sent' })).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(onRetry).toHaveBeenCalled();
  });

  it('highlights the search query', () => {
    render(<MessageBubble content="Find me, find ME" createdAt={at} mine={false} query="me" />);
    expect(Array.from(document.querySelectorAll('mark')).map((m) => m.textContent)).toEqual(['me', 'ME']);
  });

  it('says "edited" beside the time', () => {
    render(<MessageBubble content="x" createdAt={at} mine edited />);
    expect(screen.getByTestId('message').querySelector('time')?.previousSibling).toHaveTextContent('edited');
  });

  it('shows a deleted message as a tombstone, in italics', () => {
    render(<MessageBubble content="" createdAt={at} mine={false} deleted />);
    expect(screen.getByTestId('message')).toHaveTextContent('🚫 This message was deleted');
    expect(screen.getByText('This message was deleted')).toHaveClass('deleted');
  });

  it('shows a message the server cannot decrypt as one that cannot be displayed, in italics like a deleted one', () => {
    render(<MessageBubble content="" createdAt={at} mine={false} unavailable />);
    expect(screen.getByTestId('message')).toHaveTextContent("⚠️ This message can't be displayed");
    expect(screen.getByText("This message can't be displayed")).toHaveClass('deleted');
  });

  it('opens the menu on a long press', () => {
    jest.useFakeTimers();
    const onLongPress = jest.fn();
    render(<MessageBubble content="x" createdAt={at} mine={false} onLongPress={onLongPress} />);
    fireEvent.touchStart(screen.getByTestId('message'));
    jest.advanceTimersByTime(499);
    expect(onLongPress).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1);
    expect(onLongPress).toHaveBeenCalled();
    fireEvent.touchStart(screen.getByTestId('message'));
    fireEvent.touchMove(screen.getByTestId('message'));
    jest.advanceTimersByTime(600);
    expect(onLongPress).toHaveBeenCalledTimes(1);
    jest.useRealTimers();
  });
});
