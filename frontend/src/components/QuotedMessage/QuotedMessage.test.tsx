import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { QuotedMessage } from './QuotedMessage';

describe('QuotedMessage', () => {
  it('in a bubble: the sender and the first characters, as a button that opens the original', async () => {
    const onOpen = jest.fn();
    render(<QuotedMessage senderName="Alice" senderColor="var(--name-1)" preview="See you at 8" deleted={false} onOpen={onOpen} />);
    const quote = screen.getByRole('button', { name: 'Alice See you at 8' });
    await userEvent.click(quote);
    expect(onOpen).toHaveBeenCalled();
  });

  it('says when the quoted message was deleted', () => {
    render(<QuotedMessage senderName="Alice" senderColor="red" preview="" deleted onOpen={jest.fn()} />);
    expect(screen.getByRole('button')).toHaveTextContent('AliceThis message was deleted');
  });

  it('above the composer: a cancel ×', async () => {
    const onCancel = jest.fn();
    render(<QuotedMessage senderName="You" senderColor="red" preview="hello" deleted={false} onCancel={onCancel} />);
    expect(screen.getByTestId('reply-preview')).toHaveTextContent('Youhello');
    await userEvent.click(screen.getByRole('button', { name: 'Cancel reply' }));
    expect(onCancel).toHaveBeenCalled();
  });
});
