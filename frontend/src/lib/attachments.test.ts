import { makeAttachment } from '../test-utils/fixtures';
import { attachmentKind, displaySize, fileBadge, formatBytes, megabytes, messagePreview } from './attachments';

const pdf = makeAttachment({ filename: 'report.pdf', content_type: 'application/pdf', size: 1_258_291 });

describe('attachments', () => {
  it('tells pictures, videos and audio from other files by their type', () => {
    expect(['image/png', 'video/mp4', 'audio/ogg', 'application/pdf', 'text/plain; charset=utf-8'].map((t) => attachmentKind({ content_type: t }))).toEqual([
      'image',
      'video',
      'audio',
      'file',
      'file',
    ]);
  });

  it('writes sizes as file managers do', () => {
    expect([0, 512, 1024, 1536, 183_204, 1_258_291, 25 * 1024 * 1024, 3 * 1024 ** 3].map(formatBytes)).toEqual([
      '0 B',
      '512 B',
      '1 KB',
      '1.5 KB',
      '179 KB',
      '1.2 MB',
      '25 MB',
      '3 GB',
    ]);
    expect(megabytes(25 * 1024 * 1024)).toBe(25);
  });

  it('labels a file card with its extension', () => {
    expect(['report.pdf', 'notes.docx', 'archive.tar.gz', 'README', '.env', 'weird.longext'].map(fileBadge)).toEqual(['PDF', 'DOCX', 'GZ', 'FILE', 'FILE', 'FILE']);
  });

  it('shows a picture at its aspect ratio within 330×330, never enlarged', () => {
    expect(displaySize({ width: 1280, height: 960 })).toEqual({ width: 330, height: 248 });
    expect(displaySize({ width: 600, height: 1200 })).toEqual({ width: 165, height: 330 });
    expect(displaySize({ width: 100, height: 50 })).toEqual({ width: 100, height: 50 });
    expect(displaySize({ width: null, height: null })).toEqual({ width: 240, height: 240 });
  });

  it('previews a message by what it carries, as WhatsApp does', () => {
    const photo = makeAttachment();
    expect(messagePreview({ content: '', attachments: [photo] })).toBe('📷 Photo');
    expect(messagePreview({ content: 'Look at this', attachments: [photo] })).toBe('📷 Look at this');
    expect(messagePreview({ content: '', attachments: [photo, makeAttachment()] })).toBe('📷 2 photos');
    expect(messagePreview({ content: '', attachments: [pdf] })).toBe('📄 report.pdf');
    expect(messagePreview({ content: '', attachments: [makeAttachment({ content_type: 'video/mp4', filename: 'clip.mp4' })] })).toBe('🎥 Video');
    expect(messagePreview({ content: '', attachments: [makeAttachment({ content_type: 'audio/ogg', filename: 'voice.ogg' })] })).toBe('🎵 Audio');
    expect(messagePreview({ content: 'Just text', attachments: [] })).toBe('Just text');
  });
});
