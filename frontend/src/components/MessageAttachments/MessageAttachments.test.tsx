import { act, fireEvent, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { makeAttachment } from '../../test-utils/fixtures';
import { MessageAttachments } from './MessageAttachments';

const beach = makeAttachment({ filename: 'beach.jpg', width: 1280, height: 960, size: 183_204 });
const dunes = makeAttachment({ filename: 'dunes.png', content_type: 'image/png', width: 800, height: 1200 });
const report = makeAttachment({ filename: 'report.pdf', content_type: 'application/pdf', size: 1_258_291 });

describe('MessageAttachments', () => {
  it('shows a picture’s thumbnail in the space of its aspect ratio, kept before it loads', () => {
    render(<MessageAttachments attachments={[beach]} />);
    const image = screen.getByRole('img', { name: 'beach.jpg' });
    expect(image).toHaveAttribute('src', beach.thumbnail_url);
    expect(image).toHaveAttribute('width', '330');
    expect(image).toHaveAttribute('height', '248');
    expect(screen.getByRole('button', { name: 'Open photo beach.jpg' })).toContainElement(image);
  });

  it('falls back to the full picture when there is no thumbnail, and shows a picked picture from this page while sending', () => {
    const { rerender } = render(<MessageAttachments attachments={[{ ...beach, thumbnail_url: null }]} />);
    expect(screen.getByRole('img', { name: 'beach.jpg' })).toHaveAttribute('src', beach.url);
    rerender(<MessageAttachments attachments={[beach]} previews={{ [beach.id]: 'blob:preview-1' }} />);
    expect(screen.getByRole('img', { name: 'beach.jpg' })).toHaveAttribute('src', 'blob:preview-1');
  });

  it('shows a file as a card to download: its type, name and size', () => {
    render(<MessageAttachments attachments={[report]} />);
    const card = screen.getByRole('link', { name: 'Download report.pdf, 1.2 MB' });
    expect(card).toHaveAttribute('href', report.url);
    expect(card).toHaveAttribute('download', 'report.pdf');
    expect(card).toHaveAttribute('rel', 'noopener noreferrer');
    expect(card).toHaveTextContent('report.pdf');
    expect(card).toHaveTextContent('PDF · 1.2 MB');
  });

  it('plays audio and video in the browser’s own players', () => {
    const clip = makeAttachment({ filename: 'clip.mp4', content_type: 'video/mp4', width: 640, height: 360 });
    const voice = makeAttachment({ filename: 'voice.ogg', content_type: 'audio/ogg' });
    const { container } = render(<MessageAttachments attachments={[clip, voice]} />);
    const video = container.querySelector('video')!;
    expect(video).toHaveAttribute('src', clip.url);
    expect(video).toHaveAttribute('controls');
    expect(video).toHaveAttribute('aria-label', 'clip.mp4');
    expect(container.querySelector('audio')).toHaveAttribute('src', voice.url);
    expect(screen.getByRole('link', { name: /Download voice\.ogg/ })).toBeInTheDocument();
  });

  it('asks for fresh links when a player cannot load its file', () => {
    const onExpired = jest.fn(() => Promise.resolve(true));
    const clip = makeAttachment({ filename: 'clip.mp4', content_type: 'video/mp4', width: 640, height: 360 });
    const { container } = render(<MessageAttachments attachments={[clip]} onExpired={onExpired} />);
    fireEvent.error(container.querySelector('video')!);
    expect(onExpired).toHaveBeenCalledTimes(1);
  });

  it('asks for fresh links when a picture fails to load; says so when none come, and tries a new link', async () => {
    let renew = Promise.resolve(false);
    const onExpired = jest.fn(() => renew);
    const { rerender } = render(<MessageAttachments attachments={[beach]} onExpired={onExpired} />);
    await act(async () => {
      fireEvent.error(screen.getByRole('img', { name: 'beach.jpg' }));
      await renew;
    });
    expect(onExpired).toHaveBeenCalledTimes(1);
    expect(screen.getByRole('img', { name: "beach.jpg (can't be loaded)" })).toHaveTextContent('Photo unavailable');

    renew = Promise.resolve(true);
    const fresh = { ...beach, thumbnail_url: `/attachments/${beach.id}/thumbnail?expires=2&signature=b` };
    rerender(<MessageAttachments attachments={[fresh]} onExpired={onExpired} />);
    expect(screen.getByRole('img', { name: 'beach.jpg' })).toHaveAttribute('src', fresh.thumbnail_url);
  });

  describe('the lightbox', () => {
    it('opens a picture at full size with its name and a download link; Escape closes it and the focus goes back', async () => {
      render(<MessageAttachments attachments={[beach]} />);
      const opener = screen.getByRole('button', { name: 'Open photo beach.jpg' });
      await userEvent.click(opener);
      const dialog = screen.getByRole('dialog', { name: 'beach.jpg' });
      expect(dialog).toHaveAttribute('aria-modal', 'true');
      expect(within(dialog).getByRole('img', { name: 'beach.jpg' })).toHaveAttribute('src', beach.url);
      const download = within(dialog).getByRole('link', { name: 'Download beach.jpg' });
      expect(download).toHaveAttribute('href', beach.url);
      expect(download).toHaveAttribute('download', 'beach.jpg');
      expect(dialog).toContainElement(document.activeElement as HTMLElement);

      await userEvent.keyboard('{Escape}');
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
      expect(opener).toHaveFocus();
    });

    it('goes through the message’s pictures with the arrow keys, and keeps Tab inside', async () => {
      render(<MessageAttachments attachments={[beach, report, dunes]} />);
      // Two pictures: tiles, and the file card beside them.
      expect(screen.getByRole('link', { name: /Download report\.pdf/ })).toBeInTheDocument();
      await userEvent.click(screen.getByRole('button', { name: 'Open photo dunes.png' }));
      expect(screen.getByRole('dialog', { name: 'dunes.png' })).toHaveTextContent('2 of 2');
      await userEvent.keyboard('{ArrowRight}');
      expect(screen.getByRole('dialog', { name: 'beach.jpg' })).toHaveTextContent('1 of 2');
      await userEvent.keyboard('{ArrowLeft}');
      expect(screen.getByRole('dialog', { name: 'dunes.png' })).toBeInTheDocument();
      await userEvent.click(screen.getByRole('button', { name: 'Next photo' }));
      const dialog = screen.getByRole('dialog', { name: 'beach.jpg' });
      for (let i = 0; i < 6; i += 1) {
        await userEvent.tab();
        expect(dialog).toContainElement(document.activeElement as HTMLElement);
      }
    });

    it('closes on a click beside the picture, not on the picture', async () => {
      render(<MessageAttachments attachments={[beach]} />);
      await userEvent.click(screen.getByRole('button', { name: 'Open photo beach.jpg' }));
      const dialog = screen.getByRole('dialog');
      await userEvent.click(within(dialog).getByRole('img'));
      expect(screen.getByRole('dialog')).toBeInTheDocument();
      await userEvent.click(dialog.parentElement!);
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    });
  });
});
