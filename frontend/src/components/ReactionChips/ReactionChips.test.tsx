import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ReactionChips } from './ReactionChips';

const names: Record<string, string> = { me: 'You', a: 'Alice', b: 'Bob' };
const nameOf = (id: string) => names[id] ?? 'Someone';

describe('ReactionChips', () => {
  const reactions = [
    { emoji: '👍', count: 2, user_ids: ['a', 'me'] },
    { emoji: '😂', count: 1, user_ids: ['b'] },
  ];

  it('shows each reaction with its count, who reacted, and mine pressed', () => {
    render(<ReactionChips reactions={reactions} meId="me" nameOf={nameOf} onToggle={jest.fn()} />);
    const [thumbs, laugh] = screen.getAllByRole('button');
    expect(thumbs).toHaveTextContent('👍2');
    expect(thumbs).toHaveAttribute('title', 'Alice, You');
    expect(thumbs).toHaveAccessibleName('👍 2: Alice, You');
    expect(thumbs).toHaveAttribute('aria-pressed', 'true');
    expect(laugh).toHaveTextContent('😂');
    expect(laugh).toHaveAttribute('aria-pressed', 'false');
  });

  it('hands on the emoji clicked (the caller toggles)', async () => {
    const onToggle = jest.fn();
    render(<ReactionChips reactions={reactions} meId="me" nameOf={nameOf} onToggle={onToggle} />);
    await userEvent.click(screen.getByRole('button', { name: /^😂/ }));
    expect(onToggle).toHaveBeenCalledWith('😂');
  });

  it('renders nothing without reactions', () => {
    const { container } = render(<ReactionChips reactions={[]} meId="me" nameOf={nameOf} onToggle={jest.fn()} />);
    expect(container).toBeEmptyDOMElement();
  });
});
