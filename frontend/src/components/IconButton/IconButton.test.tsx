import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { IconButton } from './IconButton';

describe('IconButton', () => {
  it('is a button named by its label, also as its tooltip', async () => {
    const onClick = jest.fn();
    render(
      <IconButton label="Cancel reply" onClick={onClick}>
        <svg />
      </IconButton>,
    );
    const button = screen.getByRole('button', { name: 'Cancel reply' });
    expect(button).toHaveAttribute('title', 'Cancel reply');
    expect(button).toHaveAttribute('type', 'button');
    await userEvent.click(button);
    expect(onClick).toHaveBeenCalled();
  });
});
