import { allowedType, contentDisposition, sanitizeFilename, TEXT_TYPE } from './file-types';

describe('sanitizeFilename', () => {
  it.each([
    ['photo.jpg', 'photo.jpg'],
    ['../../etc/passwd', 'passwd'],
    ['C:\\Users\\me\\report.pdf', 'report.pdf'],
    ['evil\u202Egnp.exe', 'evilgnp.exe'],
    ['a\u0000b\u0007c\u001b.txt', 'abc.txt'],
    ['  .hidden  ', 'hidden'],
    ['name. . .', 'name'],
    ['...', 'file'],
    ['', 'file'],
    ['what?*<>|"x".txt', 'what______x_.txt'],
    ['tab\tand\nnewline.txt', 'tabandnewline.txt'],
    ['Cafe\u0301.txt', 'Café.txt'],
  ])('%j → %j', (raw, clean) => {
    expect(sanitizeFilename(raw)).toBe(clean);
  });

  it('keeps at most 200 bytes, the extension included', () => {
    const name = sanitizeFilename(`${'é'.repeat(300)}.docx`);
    expect(Buffer.byteLength(name)).toBeLessThanOrEqual(200);
    expect(name.endsWith('é.docx')).toBe(true);
  });
});

describe('allowedType', () => {
  it('takes images, PDF, office documents, audio and video by their detected type', () => {
    for (const type of ['image/jpeg', 'image/png', 'application/pdf', 'audio/mpeg', 'video/mp4', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document']) {
      expect(allowedType(type, 'x', false)).toBe(type);
    }
  });

  it('refuses programs, archives and scripts whatever their name', () => {
    for (const type of ['application/x-elf', 'application/x-msdownload', 'application/zip', 'application/x-sh', 'text/html', 'image/svg+xml']) {
      expect(allowedType(type, 'cat.png', false)).toBeUndefined();
    }
  });

  it('takes undetected bytes only as UTF-8 text', () => {
    expect(allowedType(undefined, 'notes', true)).toBe(TEXT_TYPE);
    expect(allowedType(undefined, 'notes.txt', false)).toBeUndefined();
  });

  it('names a legacy Office container after its extension, and refuses one without', () => {
    expect(allowedType('application/x-cfb', 'budget.XLS', false)).toBe('application/vnd.ms-excel');
    expect(allowedType('application/x-cfb', 'thing.msi', false)).toBeUndefined();
  });
});

describe('contentDisposition', () => {
  it('gives an ASCII fallback and the UTF-8 name', () => {
    expect(contentDisposition('inline', 'Grüße "x" 100%.png')).toBe(
      `inline; filename="Gr__e _x_ 100_.png"; filename*=UTF-8''Gr%C3%BC%C3%9Fe%20%22x%22%20100%25.png`,
    );
  });
});
