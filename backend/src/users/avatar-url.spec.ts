import { validate } from 'class-validator';
import { plainToInstance } from 'class-transformer';
import { avatarUrlProblem, servableAvatarUrl } from './avatar-url';
import { UpdateMeDto } from './dto/update-me.dto';

describe('avatarUrlProblem', () => {
  it.each([
    'https://cdn.example.com/avatars/1.png',
    'https://example.com/a.png?size=64#x',
    'https://images.example.org:8443/me.webp',
    'https://93.184.215.14/a.png',
    'https://[2606:2800:21f:cb07:6820:80da:af6b:8b2c]/a.png',
    'https://xn--nxasmq6b.com/a.png',
    'http://example.com/a.png',
  ])('accepts %s', (url) => {
    expect(avatarUrlProblem(url)).toBeNull();
  });

  it.each([
    ['ftp://example.com/a.png', 'http(s) URL'],
    ['javascript:alert(1)//https://example.com', 'http(s) URL'],
    ['data:image/png;base64,iVBORw0KGgo=', 'http(s) URL'],
    ['//example.com/a.png', 'http(s) URL'],
    ['https:example.com/a.png', 'http(s) URL'],
    ['https://user:secret@example.com/a.png', 'user name or password'],
    ['https://user@example.com/a.png', 'user name or password'],
    ['https://127.0.0.1/a.png', 'private'],
    ['https://127.1.2.3/a.png', 'private'],
    ['https://10.1.2.3/a.png', 'private'],
    ['https://172.20.0.5/a.png', 'private'],
    ['https://192.168.1.1/a.png', 'private'],
    ['https://169.254.169.254/latest/meta-data', 'private'],
    ['https://100.64.0.1/a.png', 'private'],
    ['https://0.0.0.0/a.png', 'private'],
    ['https://[::1]/a.png', 'private'],
    ['https://[fe80::1]/a.png', 'private'],
    ['https://[fd00::1]/a.png', 'private'],
    ['https://[::ffff:10.0.0.1]/a.png', 'private'],
    ['https://[::ffff:127.0.0.1]/a.png', 'private'],
    ['https://localhost/a.png', 'public host'],
    ['https://LOCALHOST/a.png', 'public host'],
    ['https://app.localhost/a.png', 'public host'],
    ['https://printer.local/a.png', 'public host'],
    ['https://metadata.google.internal/a.png', 'public host'],
    ['https://router.home.arpa/a.png', 'public host'],
    ['https://intranet/a.png', 'public host'],
  ])('refuses %s (%s)', (url, why) => {
    expect(avatarUrlProblem(url)).toContain(why);
  });

  it('refuses every other spelling of a loopback host', () => {
    // Whichever check catches them, none is accepted.
    for (const url of ['https://0x7f.1/a.png', 'https://2130706433/a.png', 'https://0177.0.0.1/a.png', 'https://localhost./a.png', 'https://127.0.0.1./a.png']) {
      expect(avatarUrlProblem(url)).not.toBeNull();
    }
  });
});

describe('servableAvatarUrl', () => {
  it('serves a URL that follows the policy and hides one saved before it', () => {
    expect(servableAvatarUrl('https://cdn.example.com/a.png')).toBe('https://cdn.example.com/a.png');
    expect(servableAvatarUrl('http://192.168.1.10/a.png')).toBeNull();
    expect(servableAvatarUrl('http://192.168.1.10/a.png')).toBeNull();
    expect(servableAvatarUrl(null)).toBeNull();
  });
});

describe('UpdateMeDto.avatar_url', () => {
  async function messages(avatar_url: unknown): Promise<string[]> {
    const errors = await validate(plainToInstance(UpdateMeDto, { avatar_url }));
    return errors.flatMap((e) => Object.values(e.constraints ?? {}));
  }

  it('says what is wrong with a refused URL', async () => {
    expect(await messages('https://10.0.0.1/a.png')).toEqual(['avatar_url must not point at a private, loopback, link-local or reserved address']);
    expect(await messages('ftp://example.com/a.png')).toEqual(['avatar_url must be an http(s) URL']);
    expect(await messages('http://192.168.1.1/a.png')).toEqual(['avatar_url must not point at a private, loopback, link-local or reserved address']);
  });

  it('accepts null (clearing the picture) and a public https URL', async () => {
    expect(await messages(null)).toEqual([]);
    expect(await messages('https://example.com/a.png')).toEqual([]);
  });
});
