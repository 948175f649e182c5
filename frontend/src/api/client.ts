import type { ConversationChangeEvent } from '@chatflow/protocol';
import type { components, operations } from './schema';

type Schemas = components['schemas'];
export type User = Schemas['UserDto'];
export type PublicUser = Schemas['PublicUserDto'];
/** A conversation's participant: a PublicUser with their role in it. */
export type Participant = Schemas['ParticipantDto'];
/** A participant's role: a group's owner and admins manage it. */
export type Role = Participant['role'];
export type Message = Schemas['MessageDto'];
/** A file sent with a message (`POST /attachments`); its URLs are signed and short-lived. */
export type Attachment = Schemas['AttachmentDto'];
export type MessageStatus = Message['status'];
export type Conversation = Schemas['ConversationDto'];
/** A page of `GET /search`: messages found, newest first, with `next_before` for the next page. */
export type SearchPage = Schemas['SearchPageDto'];
export type SearchResult = Schemas['SearchResultDto'];
export type Token = Schemas['TokenDto'];
/** One login of the user, as GET /auth/sessions lists it (a device, to the user). */
export type AuthSession = Schemas['SessionDto'];
export type ReadState = Schemas['ReadStateDto'];
/** The user's own settings of a chat (an extension): muted, pinned, archived, marked unread. */
export type ChatSettings = Schemas['ChatSettingsDto'];
export type ChatSettingsChange = Schemas['UpdateChatSettingsDto'];
export type ErrorBody = Schemas['ErrorDto'];
/**
 * A page of `GET /conversations/{id}/events`. The OpenAPI document types `events` as bare
 * objects; they are the protocol's change events, each as the socket announced it.
 */
export type EventsPage = Omit<Schemas['EventsPageDto'], 'events'> & { events: ConversationChangeEvent[] };

type JsonOf<R> = R extends { content: { 'application/json': infer T } } ? T : never;
/** The JSON body of an operation's 200 or 201 response, as the OpenAPI document declares it. */
type Success<Op> = Op extends { responses: infer R } ? JsonOf<R[Extract<keyof R, 200 | 201>]> : never;
type Body<Op> = Op extends { requestBody?: { content: { 'application/json': infer B } } } ? B : never;
type Query<Op> = Op extends { parameters: { query?: infer Q } } ? NonNullable<Q> : never;

/** A non-2xx answer; `message` is the server's message, joined when it is a list. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly body?: ErrorBody,
    /** A 429's Retry-After: how many seconds until a retry can succeed. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** A file the server sent to be saved (Content-Disposition: attachment). */
export interface Download {
  blob: Blob;
  /** The name the server gave it, else a fallback. */
  filename: string;
}

export interface ApiClientOptions {
  /** Prefix of every path; empty means the page's own origin (the dev server and the static server proxy the API). */
  baseUrl?: string;
  getToken: () => string | null;
  /** Called when an authenticated request answers 401: the token expired or was revoked. */
  onUnauthorized?: () => void;
}

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export function createApiClient({ baseUrl = '', getToken, onUnauthorized }: ApiClientOptions) {
  /** The response of a request that succeeded (2xx), its body not read yet; otherwise an ApiError. */
  async function send(method: Method, path: string, body?: unknown, query?: object): Promise<Response> {
    const token = getToken();
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (token) headers.Authorization = `Bearer ${token}`;
    let response: Response;
    try {
      response = await fetch(baseUrl + path + queryString(query), {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch {
      throw new ApiError(0, 'Cannot reach ChatFlow. Check your connection and try again.');
    }
    if (!response.ok) {
      const data: unknown = await response.json().catch(() => undefined);
      if (response.status === 401 && token) onUnauthorized?.();
      throw new ApiError(response.status, errorMessage(response.status, data), isErrorBody(data) ? data : undefined, retryAfter(response));
    }
    return response;
  }

  async function request<T>(method: Method, path: string, body?: unknown, query?: object): Promise<T> {
    const response = await send(method, path, body, query);
    return (await response.json().catch(() => undefined)) as T;
  }

  async function download(path: string, fallbackName: string): Promise<Download> {
    const response = await send('GET', path);
    return { blob: await response.blob(), filename: attachmentName(response.headers.get('Content-Disposition')) ?? fallbackName };
  }

  return {
    register: (body: Body<operations['AuthController_register']>) =>
      request<Success<operations['AuthController_register']>>('POST', '/auth/register', body),
    login: (body: { username: string; password: string }) =>
      request<Success<operations['AuthController_login']>>('POST', '/auth/login', body),
    /** Ends this token's session on the server (204): the token is refused everywhere from then on. */
    logout: () => request<void>('POST', '/auth/logout'),
    listSessions: () => request<Success<operations['AuthController_listSessions']>>('GET', '/auth/sessions'),
    /** Ends another of the user's sessions (204); 404 when it is not theirs, or no longer live. */
    revokeSession: (id: string) => request<void>('DELETE', `/auth/sessions/${enc(id)}`),
    me: () => request<Success<operations['UsersController_me']>>('GET', '/users/me'),
    /** 204: every other session of the user is logged out; 403 wrong current password, 400 a weak new one, 429 too many tries. */
    changePassword: (body: Body<operations['AccountsController_changePassword']>) => request<void>('POST', '/users/me/password', body),
    /** 204: the account is gone and every session with it (this one too); 403 wrong password. */
    deleteAccount: (body: Body<operations['AccountsController_deleteAccount']>) => request<void>('DELETE', '/users/me', body),
    /** Everything of the account as a JSON file; 429 past a few an hour. */
    exportData: () => download('/users/me/export', 'chatflow-export.json'),
    updateMe: (body: Body<operations['UsersController_updateMe']>) =>
      request<Success<operations['UsersController_updateMe']>>('PATCH', '/users/me', body),
    listUsers: (query: Query<operations['UsersController_list']> = {}) =>
      request<Success<operations['UsersController_list']>>('GET', '/users', undefined, query),
    listConversations: () => request<Success<operations['ConversationsController_list']>>('GET', '/conversations'),
    getConversation: (id: string) =>
      request<Success<operations['ConversationsController_get']>>('GET', `/conversations/${enc(id)}`),
    createConversation: (body: Body<operations['ConversationsController_create']>) =>
      request<Success<operations['ConversationsController_create']>>('POST', '/conversations', body),
    /** Messages the user can read that hold every word of `q` (server-side, over content encrypted at rest), newest first. */
    searchMessages: (query: Query<operations['SearchController_find']>) =>
      request<Success<operations['SearchController_find']>>('GET', '/search', undefined, query),
    listMessages: (id: string, query: Query<operations['ConversationsController_listMessages']> = {}) =>
      request<Success<operations['ConversationsController_listMessages']>>(
        'GET',
        `/conversations/${enc(id)}/messages`,
        undefined,
        query,
      ),
    sendMessage: (id: string, body: Body<operations['ConversationsController_send']>) =>
      request<Success<operations['ConversationsController_send']>>('POST', `/conversations/${enc(id)}/messages`, body),
    editMessage: (id: string, messageId: string, body: Body<operations['ConversationsController_edit']>) =>
      request<Success<operations['ConversationsController_edit']>>('PATCH', messagePath(id, messageId), body),
    deleteMessage: (id: string, messageId: string) =>
      request<Success<operations['ConversationsController_delete']>>('DELETE', messagePath(id, messageId)),
    react: (id: string, messageId: string, emoji: string) =>
      request<Success<operations['ConversationsController_react']>>('PUT', `${messagePath(id, messageId)}/reactions/${enc(emoji)}`),
    unreact: (id: string, messageId: string) =>
      request<Success<operations['ConversationsController_unreact']>>('DELETE', `${messagePath(id, messageId)}/reactions`),
    listEvents: (id: string, query: Query<operations['ConversationsController_events']>) =>
      request<EventsPage>('GET', `/conversations/${enc(id)}/events`, undefined, query),
    changeChatSettings: (id: string, body: ChatSettingsChange) =>
      request<Success<operations['ConversationsController_changeSettings']>>('PATCH', `/conversations/${enc(id)}/settings`, body),
    /** Reads every message, or only up to message `upToSeq` (the newest the reader has seen). */
    markRead: (id: string, upToSeq?: number) =>
      request<Success<operations['ConversationsController_markRead']>>(
        'POST',
        `/conversations/${enc(id)}/read`,
        upToSeq === undefined ? undefined : { up_to_seq: upToSeq },
      ),
    renameGroup: (id: string, body: Body<operations['GroupsController_rename']>) =>
      request<Success<operations['GroupsController_rename']>>('PATCH', `/conversations/${enc(id)}`, body),
    addMembers: (id: string, body: Body<operations['GroupsController_addMembers']>) =>
      request<Success<operations['GroupsController_addMembers']>>('POST', `/conversations/${enc(id)}/participants`, body),
    removeMember: (id: string, userId: string) =>
      request<Success<operations['GroupsController_remove']>>('DELETE', participantPath(id, userId)),
    changeRole: (id: string, userId: string, body: Body<operations['GroupsController_changeRole']>) =>
      request<Success<operations['GroupsController_changeRole']>>('PATCH', participantPath(id, userId), body),
    /** 204: no body. */
    leaveGroup: (id: string) => request<void>('POST', `/conversations/${enc(id)}/leave`),
    listBlocks: () => request<Success<operations['UsersController_blocks']>>('GET', '/users/me/blocks'),
    /** 204: no body; blocking someone already blocked is harmless. */
    block: (userId: string) => request<void>('POST', `/users/${enc(userId)}/block`),
    /** 204: no body; unblocking someone not blocked is harmless. */
    unblock: (userId: string) => request<void>('DELETE', `/users/${enc(userId)}/block`),
  };
}

export type ApiClient = ReturnType<typeof createApiClient>;

const enc = encodeURIComponent;

function messagePath(conversationId: string, messageId: string): string {
  return `/conversations/${enc(conversationId)}/messages/${enc(messageId)}`;
}

function participantPath(conversationId: string, userId: string): string {
  return `/conversations/${enc(conversationId)}/participants/${enc(userId)}`;
}

function queryString(query?: object): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** Retry-After in seconds (the server sends seconds, not a date). */
function retryAfter(response: Response): number | undefined {
  const seconds = Number(response.headers.get('Retry-After'));
  return response.headers.has('Retry-After') && Number.isFinite(seconds) && seconds >= 0 ? seconds : undefined;
}

/** The filename of `Content-Disposition: attachment; filename="…"`, without any folder in it. */
export function attachmentName(header: string | null): string | null {
  const name = /filename="([^"]*)"/u.exec(header ?? '')?.[1] ?? /filename=([^;\s]+)/u.exec(header ?? '')?.[1];
  const base = name?.split(/[/\\]/u).pop()?.trim();
  return base || null;
}

export function isErrorBody(data: unknown): data is ErrorBody {
  return typeof data === 'object' && data !== null && 'statusCode' in data && 'message' in data;
}

function errorMessage(status: number, data: unknown): string {
  if (isErrorBody(data)) {
    const message = Array.isArray(data.message) ? data.message.join('; ') : data.message;
    if (message) return message;
  }
  if (status === 429) return 'Too many attempts. Try again later.';
  if (status >= 500) return 'The server is unavailable. Try again in a moment.';
  return `Request failed (${status})`;
}

/**
 * A failure to retry with backoff, keeping the session: the server could not be reached (0),
 * or a proxy or the server said it cannot answer now (502, 503 — its database is down — 504).
 */
export function isRetryable(error: unknown): error is ApiError {
  return error instanceof ApiError && [0, 502, 503, 504].includes(error.status);
}
