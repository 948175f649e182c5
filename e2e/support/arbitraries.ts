import fc from 'fast-check';
import type { Operation, Parameter, Schema } from './openapi-operations';

/**
 * fast-check generators for hostile input: values near what a schema asks for (valid ones,
 * and well-typed-but-wrong ones), anything JSON, and broken encodings. The ids a test knows
 * (its users, conversations, messages, sessions) are mixed in so that requests reach past
 * validation: someone else's id, a deleted one, one of the wrong kind.
 */

/** Strings that have broken servers before: control characters, lone surrogates, look-alikes of numbers and code. */
const NASTY_STRINGS = [
  '',
  ' ',
  '   \t\n',
  '\u0000',
  'a\u0000b',
  '\u0007\u001b[31m',
  '\u007f',
  '\ud800',
  'x\udfffy',
  '\ufeff',
  '\u202egnp.exe',
  'مرحبا بالعالم',
  '👩‍👩‍👧‍👦'.repeat(3),
  'e\u0301\u0301\u0301',
  '__proto__',
  'constructor',
  'toString',
  "' OR 1=1 --",
  '"; DROP TABLE users; --',
  '<script>alert(1)</script>',
  '${7*7}{{7*7}}',
  '%00',
  '%',
  '\\',
  '../../etc/passwd',
  'null',
  'undefined',
  'true',
  'NaN',
  'Infinity',
  '-1',
  '0',
  '1e999',
  '0x10',
  ' 5',
  '9'.repeat(40),
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
];

/** Some of the shapes a number can take in JSON that a server may not expect. */
const NASTY_NUMBERS = [0, -0, -1, 1, 0.5, -0.5, 2 ** 31, -(2 ** 31) - 1, 2 ** 53 + 2, -(2 ** 53) - 2, 1e308, -1e308, 5e-324];

const hugeString: fc.Arbitrary<string> = fc
  .tuple(fc.integer({ min: 257, max: 40_000 }), fc.constantFrom('x', 'é', '🙂', '\u0000', ' ', 'a b'))
  .map(([n, unit]) => unit.repeat(Math.ceil(n / unit.length)));

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constantFrom(...NASTY_STRINGS), weight: 4 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 40 }), weight: 3 },
  { arbitrary: fc.string({ unit: 'binary-ascii', maxLength: 40 }), weight: 2 },
  { arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }), weight: 2 },
  { arbitrary: hugeString, weight: 1 },
);

export const hostileNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(...NASTY_NUMBERS),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

/** Any JSON value, nested a little. */
export const anyJson: fc.Arbitrary<unknown> = fc.jsonValue({ maxDepth: 3 });

/** JSON text nested thousands deep (what recursive code, not the parser, may choke on), with a field to put it in. */
export const deepJson: fc.Arbitrary<string> = fc
  .tuple(fc.integer({ min: 500, max: 12_000 }), fc.constantFrom(['[', ']'], ['{"a":', '}']))
  .map(([depth, [open, close]]) => `${open.repeat(depth)}${open === '[' ? '' : '1'}${close.repeat(depth)}`);

/** A value of the wrong kind for whatever field it lands in. */
export const wrongValue: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  hostileNumber,
  fc.boolean(),
  fc.constant(null),
  fc.array(anyJson, { maxLength: 4 }),
  fc.dictionary(fc.string({ maxLength: 8 }), anyJson, { maxKeys: 4 }),
);

/** Names a client could add to a body: close to real ones, prototype keys, anything. */
const extraKey = fc.oneof(fc.constantFrom('id', 'user_id', 'sender_id', 'role', 'is_admin', 'password_hash', 'constructor', 'prototype', '__proto__'), fc.string({ maxLength: 12 }));

/** The ids a test knows, by kind, and the usernames and passwords that reach past a login. */
export interface KnownIds {
  users: string[];
  conversations: string[];
  messages: string[];
  sessions: string[];
  usernames: string[];
  passwords: string[];
}

type IdKind = 'users' | 'conversations' | 'messages' | 'sessions';

/** The kind of id a field or parameter holds, from its name (`participant_ids`, `reply_to_id`, `messageId`). */
function idKindOf(name: string): IdKind | undefined {
  if (/user|participant/i.test(name)) return 'users';
  if (/message|reply_to|before|after/i.test(name)) return 'messages';
  if (/conversation/i.test(name)) return 'conversations';
  if (/session/i.test(name)) return 'sessions';
  return undefined;
}

/**
 * A UUID-typed value: mostly a known id of the kind the name asks for (as written or
 * upper-cased), otherwise a known id of another kind, a random UUID, or not a UUID.
 */
export function uuidish(known: KnownIds, name = ''): fc.Arbitrary<string> {
  const kind = idKindOf(name);
  const all = [...known.users, ...known.conversations, ...known.messages, ...known.sessions];
  const own = kind ? known[kind] : all;
  return fc.oneof(
    { arbitrary: fc.constantFrom(...own), weight: 8 },
    { arbitrary: fc.constantFrom(...own).map((id) => id.toUpperCase()), weight: 1 },
    { arbitrary: fc.constantFrom(...all), weight: 1 },
    { arbitrary: fc.uuid(), weight: 1 },
    { arbitrary: fc.uuid({ version: [1, 2, 3, 4, 5, 6, 7, 8, 15] }).map((id) => `{${id}}`), weight: 1 },
    { arbitrary: hostileString, weight: 1 },
  );
}

/** Emoji, percent-encoded or not, and what is not one. */
const emojiish: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constantFrom('👍', '❤️', '😂', '🎉'), weight: 3 },
  fc.constantFrom('👍', '❤️', '👩‍👩‍👧‍👦', '🇫🇷', '1️⃣', '😂😂', 'a', '☃', '\u200d', '\ufe0f'),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 4 }),
  hostileString,
);

function validString(schema: Schema, known: KnownIds, name: string): fc.Arbitrary<string> {
  if (schema.format === 'uuid') return uuidish(known, name);
  if (/password/.test(name)) return fc.oneof(fc.constantFrom(...known.passwords), fc.string({ minLength: 8, maxLength: 20 }));
  if (name === 'username' && !schema.pattern) return fc.oneof(fc.constantFrom(...known.usernames), fc.string({ maxLength: 20 }));
  if (schema.format === 'email') return fc.emailAddress();
  if (schema.pattern) return fc.stringMatching(new RegExp(schema.pattern.replace(/^\^?/, '^').replace(/\$?$/, '$'))).filter((s) => s.length >= (schema.minLength ?? 0) && s.length <= (schema.maxLength ?? Infinity));
  if (name === 'emoji') return emojiish;
  if (name === 'avatar_url') return fc.oneof(fc.webUrl(), fc.constantFrom('http://127.0.0.1/x.png', 'javascript:alert(1)', 'data:image/png;base64,AAAA', 'https://[::1]/a.png', 'https://10.0.0.1/a'));
  return fc.string({ unit: 'grapheme', minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 64, 64) });
}

/** A value for a field of this schema: a valid one, a boundary one, or one of the wrong kind. */
export function valueFor(schema: Schema, known: KnownIds, name = ''): fc.Arbitrary<unknown> {
  const near: Array<fc.Arbitrary<unknown> | { arbitrary: fc.Arbitrary<unknown>; weight: number }> = [];
  if (schema.enum) near.push(fc.constantFrom(...schema.enum), fc.constantFrom(...schema.enum).map((v) => String(v).toUpperCase()));
  else if (schema.type === 'string') {
    near.push(validString(schema, known, name));
    if (schema.maxLength !== undefined) near.push(fc.constantFrom(schema.maxLength, schema.maxLength + 1).map((n) => 'é'.repeat(n)));
  } else if (schema.type === 'number' || schema.type === 'integer') {
    const min = schema.minimum ?? -1000;
    const max = schema.maximum ?? 1000;
    near.push(fc.integer({ min, max }), fc.constantFrom(min - 1, max + 1, min + 0.5));
  } else if (schema.type === 'boolean') near.push(fc.boolean(), fc.constantFrom('true', 'false', 0, 1));
  else if (schema.type === 'array' && schema.items) {
    const items = schema.items;
    near.push(
      { arbitrary: fc.array(valueFor(items, known, name), { maxLength: 6 }), weight: 4 },
      fc.integer({ min: schema.maxItems ?? 300, max: (schema.maxItems ?? 300) + 2 }).map((n) => Array.from({ length: n }, (_, i) => known.users[i % known.users.length])),
    );
  } else if (schema.type === 'object' || schema.properties) near.push(objectFor(schema, known));
  if (schema.nullable) near.push(fc.constant(null));
  return fc.oneof({ arbitrary: fc.oneof(...near), weight: 4 }, { arbitrary: wrongValue, weight: 1 });
}

/** An object for this schema: each field valid, wrong or missing, sometimes with fields it does not declare. */
export function objectFor(schema: Schema, known: KnownIds): fc.Arbitrary<Record<string, unknown>> {
  const required = new Set(schema.required ?? []);
  // A required field is left out now and then; an optional one half of the time.
  const fields = Object.entries(schema.properties ?? {}).map(([name, field]) =>
    fc.option(valueFor(field, known, name).map((value) => [name, value] as const), { freq: required.has(name) ? 10 : 2, nil: undefined }),
  );
  const extras = fc.oneof({ arbitrary: fc.constant([]), weight: 6 }, { arbitrary: fc.array(fc.tuple(extraKey, anyJson), { maxLength: 3 }), weight: 1 });
  return fc.tuple(fc.tuple(...fields), extras).map(([declared, extra]) => {
    const body: Record<string, unknown> = {};
    for (const [key, value] of extra) Object.defineProperty(body, key, { value, enumerable: true, writable: true, configurable: true });
    for (const field of declared) if (field) body[field[0]] = field[1];
    return body;
  });
}

/** A request body: its bytes and the media type they are sent as (or none). */
export interface Body {
  contentType?: string;
  /** A Content-Encoding the bytes claim (and do not have). */
  encoding?: string;
  bytes?: Buffer;
}

/** A value as it goes into a URL or a form: a string as it is, anything else as JSON. */
const asText = (value: unknown): string => (typeof value === 'string' ? value : (JSON.stringify(value) ?? ''));

const json = (value: unknown): Body => ({ contentType: 'application/json', bytes: Buffer.from(JSON.stringify(value) ?? 'null') });

/** A body for an operation: near its schema most of the time, otherwise any JSON, broken JSON, another media type or none. */
export function bodyFor(op: Operation, known: KnownIds): fc.Arbitrary<Body> {
  const broken = fc.oneof(
    fc.constantFrom('{', '{"a":', '[1,]', "{'a':1}", '{"a":1}}', 'NaN', '\u0000', '{"__proto__":{"x":1}}', '{"constructor":{"prototype":{"x":1}}}'),
    hostileString,
  );
  const flat = fc.dictionary(fc.string({ maxLength: 10 }), fc.oneof(hostileString, fc.constant('')), { maxKeys: 4 });
  const other: fc.Arbitrary<Body>[] = [
    anyJson.map(json),
    fc
      .tuple(anyJson, fc.constantFrom('gzip', 'deflate', 'br', 'identity', 'x-unknown', 'gzip, gzip'))
      .map(([value, encoding]) => ({ ...json(value), encoding })),
    broken.map((text) => ({ contentType: 'application/json', bytes: Buffer.from(text) })),
    flat.map((fields) => ({ contentType: 'application/x-www-form-urlencoded', bytes: Buffer.from(new URLSearchParams(fields).toString()) })),
    fc.tuple(fc.constantFrom('text/plain', 'application/xml', 'multipart/form-data; boundary=x', 'application/json; charset=latin1', 'application/json; charset=utf-16'), hostileString).map(
      ([contentType, text]) => ({ contentType, bytes: Buffer.from(text) }),
    ),
    fc.uint8Array({ maxLength: 64 }).map((bytes) => ({ contentType: 'application/json', bytes: Buffer.from(bytes) })),
    deepJson.map((text) => ({ contentType: 'application/json', bytes: Buffer.from(text) })),
    fc.constant({}),
  ];
  if (!op.body) return fc.oneof({ arbitrary: fc.constant({}), weight: 5 }, { arbitrary: fc.oneof(...other), weight: 1 });
  const near = objectFor(op.body, known);
  const nearForm = op.consumes.includes('application/x-www-form-urlencoded')
    ? [near.map((fields) => ({ contentType: 'application/x-www-form-urlencoded', bytes: Buffer.from(new URLSearchParams(Object.entries(fields).map(([k, v]) => [k, asText(v)])).toString()) }))]
    : [];
  const fieldNames = Object.keys(op.body.properties ?? {});
  const deepField = fc
    .tuple(fc.constantFrom(...fieldNames, 'extra'), deepJson)
    .map(([field, deep]) => ({ contentType: 'application/json', bytes: Buffer.from(`{${JSON.stringify(field)}:${deep}}`) }));
  return fc.oneof(
    { arbitrary: near.map(json), weight: 6 },
    { arbitrary: deepField, weight: 1 },
    { arbitrary: near.map((fields) => json([fields])), weight: 1 },
    ...nearForm.map((arbitrary) => ({ arbitrary, weight: 1 })),
    { arbitrary: fc.oneof(...other), weight: 1 },
  );
}

/** A path segment for a parameter, already percent-encoded (or, sometimes, a broken encoding as it is). */
function pathSegment(param: Parameter, known: KnownIds, name: string): fc.Arbitrary<string> {
  const value = param.schema.format === 'uuid' ? uuidish(known, name) : valueFor(param.schema, known, name).map(asText);
  return fc.oneof(
    { arbitrary: value.map((v) => encodeURIComponent(v.isWellFormed() ? v : v.toWellFormed())), weight: 9 },
    { arbitrary: fc.constantFrom('%', '%zz', '%E0%A4%A', '%00', '%ff%fe', '.', '..', '%2F', '%2e%2e'), weight: 1 },
  );
}

type Pairs = Array<[string, string]>;

/** A query string: the declared parameters (valid, wrong, repeated, nested) and undeclared ones. */
function queryFor(op: Operation, known: KnownIds): fc.Arbitrary<string> {
  const declared = op.parameters.filter((p) => p.in === 'query');
  const pairs = declared.map((param) => {
    const single: fc.Arbitrary<Pairs> = valueFor(param.schema, known, param.name).map((v) => [[param.name, asText(v)]]);
    const repeated: fc.Arbitrary<Pairs> = fc.array(fc.string({ maxLength: 6 }), { minLength: 2, maxLength: 3 }).map((vs) => vs.map((v) => [param.name, v]));
    const nested: fc.Arbitrary<Pairs> = fc.tuple(fc.string({ maxLength: 6 }), fc.string({ maxLength: 6 })).map(([k, v]) => [[`${param.name}[${k}]`, v]]);
    const listed: fc.Arbitrary<Pairs> = fc.constant([[`${param.name}[]`, '1']]);
    return fc.option(fc.oneof({ arbitrary: single, weight: 12 }, repeated, nested, listed), { freq: param.required ? 10 : 2, nil: undefined });
  });
  const none: fc.Arbitrary<Pairs> = fc.constant([]);
  const undeclared = fc.oneof({ arbitrary: none, weight: 4 }, fc.array(fc.tuple(fc.string({ maxLength: 10 }), hostileString), { maxLength: 3 }));
  return fc.tuple(fc.tuple(...pairs), undeclared).map(([chosen, extra]) => {
    const all = [...chosen.flatMap((p) => p ?? []), ...extra].map(([k, v]) => [k.toWellFormed(), v.toWellFormed()]);
    const query = new URLSearchParams(all).toString();
    return query ? `?${query}` : '';
  });
}

/** A path parameter's name with what it names: `id` in `/users/{id}` is `users/id`. */
function qualifiedName(op: Operation, param: Parameter): string {
  return param.name === 'id' ? `${op.path.split('/').at(-2) === 'sessions' ? 'sessions' : op.path.split('/')[1]}/id` : param.name;
}

/** A request for an operation: its path with parameters filled in, its query and its body. */
export interface GeneratedRequest {
  path: string;
  body: Body;
  /** Extra headers (the login's User-Agent). */
  headers: Record<string, string>;
}

export function requestFor(op: Operation, known: KnownIds): fc.Arbitrary<GeneratedRequest> {
  const pathParams = op.parameters.filter((p) => p.in === 'path');
  const headerParams = op.parameters.filter((p) => p.in === 'header');
  const headerValue = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ minLength: 200, maxLength: 2000 }));
  return fc
    .record({
      segments: fc.tuple(...pathParams.map((p) => pathSegment(p, known, qualifiedName(op, p)))),
      query: queryFor(op, known),
      body: bodyFor(op, known),
      headers: fc.tuple(...headerParams.map((p) => fc.option(headerValue.map((v) => [p.name, v] as const), { nil: undefined }))),
    })
    .map(({ segments, query, body, headers }) => {
      let path = op.path;
      pathParams.forEach((p, i) => (path = path.replace(`{${p.name}}`, segments[i])));
      const request = { path: `${path}${query}`, body, headers: Object.fromEntries(headers.filter((h) => h !== undefined)) };
      return Object.defineProperty(request, fc.toStringMethod, { value: () => describeRequest(op, request) });
    });
}

/** Long runs of one thing as `x{×40000}`, so that a counterexample fits on a screen. */
export function compact(text: string): string {
  const folded = text.replace(/(.{1,12}?)\1{7,}/gs, (run, unit: string) => `${unit}{×${run.length / unit.length}}`);
  return folded.length > 600 ? `${folded.slice(0, 600)}…(${folded.length} characters)` : folded;
}

function describeRequest(op: Operation, request: GeneratedRequest): string {
  const { contentType, bytes } = request.body;
  const body = bytes === undefined ? 'no body' : `${contentType ?? 'no type'} ${JSON.stringify(compact(bytes.toString('latin1')))}`;
  return `${op.method} ${compact(request.path)} ${JSON.stringify(request.headers)} ${body}`;
}

/** The `Authorization` header: the caller's own token most of the time, otherwise none, garbage or a tampered token. */
export function authorizationFor(token: string): fc.Arbitrary<string | undefined> {
  const [header, payload] = token.split('.');
  return fc.oneof(
    { arbitrary: fc.constant(`Bearer ${token}`), weight: 12 },
    {
      arbitrary: fc.oneof(
        fc.constant(undefined),
        fc.constantFrom('Bearer', 'Bearer ', `bearer ${token}`, `Basic ${token}`, `Bearer ${token}x`, `Bearer ${header}.${payload}.`, `Bearer ${header}..`, 'Bearer a.b.c', `Bearer ${'A'.repeat(9000)}`),
        fc.string({ maxLength: 60 }).map((s) => `Bearer ${s}`),
      ),
      weight: 1,
    },
  );
}

/** Frame types a server might be fooled by: near the real ones, prototype names, what is not a string. */
const strangeType: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom('Message', 'TYPING', 'ack', 'error', 'ready', 'presence', '__proto__', 'constructor', 'toString', 'hasOwnProperty', ''),
  wrongValue,
);

/**
 * A WebSocket frame: mostly an object of a known type with fields near that type's schema,
 * otherwise an unknown type, any JSON, broken JSON, or bytes; as a text or a binary frame.
 */
export function frameFor(known: KnownIds, schemas: Record<string, Schema>): fc.Arbitrary<{ data: string | Buffer }> {
  const typed = fc.oneof(
    { arbitrary: fc.oneof(...Object.entries(schemas).map(([type, schema]) => objectFor(schema, known).map((rest) => ({ type, ...rest })))), weight: 8 },
    { arbitrary: fc.tuple(strangeType, fc.oneof(...Object.values(schemas).map((schema) => objectFor(schema, known)))).map(([type, rest]) => ({ type, ...rest })), weight: 2 },
  );
  const text = typed.map((frame) => JSON.stringify(frame));
  const deep = fc
    .tuple(fc.constantFrom(...Object.keys(schemas)), fc.constantFrom(...new Set(Object.values(schemas).flatMap((s) => Object.keys(s.properties ?? {})))), deepJson)
    .map(([type, field, nested]) => `{"type":${JSON.stringify(type)},${JSON.stringify(field)}:${nested}}`);
  const data: fc.Arbitrary<string | Buffer> = fc.oneof(
    { arbitrary: text, weight: 10 },
    { arbitrary: deep, weight: 1 },
    { arbitrary: text.map((json) => Buffer.from(json)), weight: 1 },
    { arbitrary: anyJson.map((value) => JSON.stringify(value)), weight: 1 },
    { arbitrary: fc.oneof(fc.constantFrom('{', '{"type":', '{"type":"message"', "{'type':'read'}", 'null', '[]', '""'), hostileString), weight: 1 },
    { arbitrary: fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes)), weight: 1 },
  );
  return data.map((frame) =>
    Object.defineProperty({ data: frame }, fc.toStringMethod, {
      value: () => (typeof frame === 'string' ? `text ${JSON.stringify(compact(frame))}` : `binary ${JSON.stringify(compact(frame.toString('latin1')))}`),
    }),
  );
}
