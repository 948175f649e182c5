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

type FieldProps = Omit<InputHTMLAttributes<HTMLInputElement>, 'className'> & { id: string; label: string; error?: string };

/**
 * A text input with its (visually hidden) label; the placeholder repeats the label unless
 * given. What is wrong with it shows right under it, and is its description.
 */
function Field({ id, label, placeholder = label, error, ...input }: FieldProps) {
  const errorId = `${id}-error`;
  return (
    <>
      <label className="visually-hidden" htmlFor={id}>
        {label}
      </label>
      <input
        id={id}
        className={styles.input}
        placeholder={placeholder}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? errorId : undefined}
        {...input}
      />
      {error && (
        <p id={errorId} className={styles.fieldError} role="alert">
          {error}
        </p>
      )}
    </>
  );
}

/** Login and registration: one centred card under the product's name, as in the original ChatFlow design. */
export function AuthPage() {
  const [mode, setMode] = useState<'login' | 'register'>('login');
  return (
    <main className={styles.page}>
      <p className={styles.brand}>
        <svg viewBox="0 0 32 32" width="36" height="36" aria-hidden="true">
          <circle cx="16" cy="16" r="15" fill="#25d366" />
          <path d="M9 11h14a2 2 0 0 1 2 2v7a2 2 0 0 1-2 2h-8l-5 4v-4H9a2 2 0 0 1-2-2v-7a2 2 0 0 1 2-2z" fill="white" />
        </svg>
        ChatFlow
      </p>
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

/** What is wrong, by the field it concerns (`form` for what concerns none). */
type RegisterErrors = Partial<Record<keyof RegisterFields | 'form', string>>;

function validate(fields: RegisterFields): RegisterErrors {
  const problems: RegisterErrors = {};
  if (!USERNAME.test(fields.username)) problems.username = 'Username: 3 to 32 letters, digits, dots, dashes or underscores.';
  if (!EMAIL.test(fields.email.trim())) problems.email = 'Enter a valid email address.';
  if (fields.fullName.trim().length > 100) problems.fullName = 'Full name: at most 100 characters.';
  if (!passwordLengthOk(fields.password)) problems.password = `Password: ${PASSWORD_LENGTH_RULE}.`;
  return problems;
}

/** The server's refusal, beside the field it names (a taken username or email), else for the whole form. */
function refusalOf(error: unknown): RegisterErrors {
  const message = messageOf(error);
  if (/username/i.test(message)) return { username: message };
  if (/email/i.test(message)) return { email: message };
  if (/password/i.test(message)) return { password: message };
  return { form: message };
}

function RegisterForm({ onLogin }: { onLogin: () => void }) {
  const logIn = useSession((s) => s.logIn);
  const [fields, setFields] = useState<RegisterFields>({ username: '', email: '', fullName: '', password: '' });
  const [errors, setErrors] = useState<RegisterErrors>({});
  const [busy, setBusy] = useState(false);
  const titleId = useId();
  const change = (key: keyof RegisterFields) => (e: { target: { value: string } }) =>
    setFields((f) => ({ ...f, [key]: e.target.value }));

  async function submit(event: FormEvent) {
    event.preventDefault();
    const problems = validate(fields);
    setErrors(problems);
    if (Object.keys(problems).length) return;
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
      setErrors(refusalOf(e));
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
        error={errors.username}
        autoFocus
      />
      <Field
        id="register-email"
        label="Email"
        type="email"
        autoComplete="email"
        value={fields.email}
        onChange={change('email')}
        error={errors.email}
      />
      <Field
        id="register-full-name"
        label="Full name (optional)"
        autoComplete="name"
        value={fields.fullName}
        onChange={change('fullName')}
        error={errors.fullName}
      />
      <Field
        id="register-password"
        label="Password"
        type="password"
        placeholder="Password (at least 8 characters)"
        autoComplete="new-password"
        value={fields.password}
        onChange={change('password')}
        error={errors.password}
      />
      {errors.form && (
        <p className={styles.error} role="alert">
          {errors.form}
        </p>
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
