import { fireEvent, render, screen } from '@testing-library/react';
import { avatarColor } from '../../lib/colors';
import { Avatar } from './Avatar';

describe('Avatar', () => {
  it('shows initials on the user’s colour without a picture', () => {
    render(<Avatar id="u1" name="Ada Lovelace" />);
    const initials = screen.getByTestId('avatar-initials');
    expect(initials).toHaveTextContent('AL');
    expect(initials.style.background).not.toBe('');
    expect(avatarColor('u1')).toBe(avatarColor('u1'));
  });

  it('shows the picture, and falls back to initials if it fails to load', () => {
    const { container } = render(<Avatar id="u1" name="Ada Lovelace" url="https://example.com/a.png" />);
    const img = container.querySelector('img') as HTMLImageElement;
    expect(img).toHaveAttribute('src', 'https://example.com/a.png');
    expect(img).toHaveAttribute('alt', '');
    fireEvent.error(img);
    expect(screen.getByTestId('avatar-initials')).toHaveTextContent('AL');
  });

  it('shows a presence dot when online', () => {
    const { rerender } = render(<Avatar id="u1" name="Ada" online />);
    expect(screen.getByTestId('online-dot')).toBeInTheDocument();
    rerender(<Avatar id="u1" name="Ada" />);
    expect(screen.queryByTestId('online-dot')).toBeNull();
  });

  it('shows a deleted account as a neutral silhouette: no initials, picture or presence', () => {
    const { container } = render(<Avatar id="u1" name="deleted:3f0c2a0e6d1b4c53" url="https://example.com/a.png" online deleted />);
    expect(screen.getByTestId('avatar-deleted')).toBeInTheDocument();
    expect(screen.queryByTestId('avatar-initials')).toBeNull();
    expect(container.querySelector('img')).toBeNull();
    expect(screen.queryByTestId('online-dot')).toBeNull();
  });
});
