import { useId, useState, type FormEvent, type InputHTMLAttributes } from 'react';
import { ApiError } from '../../api/client';
import { PASSWORD_LENGTH_RULE, passwordLengthOk } from '../../lib/passwords';
import { api } from '../../store/api';
import { useSession } from '../../store/session';
import styles from './AuthPage.module.css';

const USERNAME = /^[A-Za-z0-9_.-]{3,32}$/u;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/u;

function messageOf(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 401) return 'Incorrect username or password.';
    return error.message;
  }
  return 'Something went wrong. Please try again.';
}

type FieldProps = Omit<InputHTMLAttributes<HTMLInputElement>, 'className'> & { id: string; label: string };

/** A text input with its (visually hidden) label; the placeholder repeats the label unless given. */
function Field({ id, label, placeholder = label, ...input }: FieldProps) {
  return (
    <>
      <label className="visually-hidden" htmlFor={id}>
        {label}
      </label>
      <input id={id} className={styles.input} placeholder={placeholder} {...input} />
    </>
  );
}

/** Login and registration: one centred card, as in the original ChatFlow design. */
export function AuthPage() {
  const [mode, setMode] = useState<'login' | 'register'>('login');
  return (
    <main className={styles.page}>
      {mode === 'login' ? <LoginForm onRegister={() => setMode('register')} /> : <RegisterForm onLogin={() => setMode('login')} />}
    </main>
  );
}

function LoginForm({ onRegister }: { onRegister: () => void }) {
  const logIn = useSession((s) => s.logIn);
  const notice = useSession((s) => s.notice);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const titleId = useId();

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!username.trim() || !password) {
      setError('Enter your username and password.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const token = await api.login({ username: username.trim(), password });
      logIn(token.access_token);
    } catch (e) {
      setError(messageOf(e));
      setBusy(false);
    }
  }

  return (
    <form className={styles.card} onSubmit={submit} aria-labelledby={titleId} noValidate>
      <h1 id={titleId} className={styles.title}>
        Login
      </h1>
      {notice && !error && (
        <p className={styles.notice} role="status">
          {notice}
        </p>
      )}
      <Field
        id="login-username"
        label="Username"
        autoComplete="username"
        autoCapitalize="none"
        spellCheck={false}
        value={username}
        onChange={(e) => setUsername(e.target.value)}
        autoFocus
      />
      <Field
        id="login-password"
        label="Password"
        type="password"
        autoComplete="current-password"
        value={password}
        onChange={(e) => setPassword(e.target.value)}
      />
      {error && (
        <p className={styles.error} role="alert">
          {error}
        </p>
      )}
      <button className={styles.primary} type="submit" disabled={busy}>
        {busy ? 'Logging in…' : 'Login'}
      </button>
      <button className={styles.switch} type="button" onClick={onRegister}>
        Don&apos;t have an account? Register
      </button>
    </form>
  );
}

interface RegisterFields {
  username: string;
  email: string;
  fullName: string;
  password: string;
}

function validate(fields: RegisterFields): string[] {
  const problems: string[] = [];
  if (!USERNAME.test(fields.username)) problems.push('Username: 3 to 32 letters, digits, dots, dashes or underscores.');
  if (!EMAIL.test(fields.email.trim())) problems.push('Enter a valid email address.');
  if (fields.fullName.trim().length > 100) problems.push('Full name: at most 100 characters.');
  if (!passwordLengthOk(fields.password)) problems.push(`Password: ${PASSWORD_LENGTH_RULE}.`);
  return problems;
}

function RegisterForm({ onLogin }: { onLogin: () => void }) {
  const logIn = useSession((s) => s.logIn);
  const [fields, setFields] = useState<RegisterFields>({ username: '', email: '', fullName: '', password: '' });
  const [errors, setErrors] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const titleId = useId();
  const change = (key: keyof RegisterFields) => (e: { target: { value: string } }) =>
    setFields((f) => ({ ...f, [key]: e.target.value }));

  async function submit(event: FormEvent) {
    event.preventDefault();
    const problems = validate(fields);
    setErrors(problems);
    if (problems.length) return;
    setBusy(true);
    try {
      await api.register({
        username: fields.username,
        email: fields.email.trim(),
        password: fields.password,
        ...(fields.fullName.trim() ? { full_name: fields.fullName.trim() } : {}),
      });
      const token = await api.login({ username: fields.username, password: fields.password });
      logIn(token.access_token);
    } catch (e) {
      setErrors([messageOf(e)]);
      setBusy(false);
    }
  }

  return (
    <form className={styles.card} onSubmit={submit} aria-labelledby={titleId} noValidate>
      <h1 id={titleId} className={styles.title}>
        Register
      </h1>
      <Field
        id="register-username"
        label="Username"
        autoComplete="username"
        autoCapitalize="none"
        spellCheck={false}
        value={fields.username}
        onChange={change('username')}
        autoFocus
      />
      <Field
        id="register-email"
        label="Email"
        type="email"
        autoComplete="email"
        value={fields.email}
        onChange={change('email')}
      />
      <Field
        id="register-full-name"
        label="Full name (optional)"
        autoComplete="name"
        value={fields.fullName}
        onChange={change('fullName')}
      />
      <Field
        id="register-password"
        label="Password"
        type="password"
        placeholder="Password (at least 8 characters)"
        autoComplete="new-password"
        value={fields.password}
        onChange={change('password')}
      />
      {errors.length > 0 && (
        <div className={styles.error} role="alert">
          {errors.map((problem) => (
            <p key={problem}>{problem}</p>
          ))}
        </div>
      )}
      <button className={styles.primary} type="submit" disabled={busy}>
        {busy ? 'Creating your account…' : 'Register'}
      </button>
      <button className={styles.switch} type="button" onClick={onLogin}>
        Already have an account? Login
      </button>
    </form>
  );
}
