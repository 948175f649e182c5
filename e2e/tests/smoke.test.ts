import { startApp, TestApp } from '../support/app';
import { registerUser } from '../support/users';

describe('smoke', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp();
  });
  afterAll(() => t.close());

  it('registers, logs in and reads its own account', async () => {
    const user = await registerUser(t);
    const me = await t.http().get('/users/me').set('Authorization', user.auth);
    expect(me.status).toBe(200);
    expect(me.body.username).toBe(user.username);
  });
});
