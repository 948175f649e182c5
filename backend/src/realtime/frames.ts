import { CLIENT_FRAME_TYPES, type ErrorCode, isClientFrameType } from '@chatflow/protocol';
import { plainToInstance } from 'class-transformer';
import { Equals, IsBoolean, IsIn, IsInt, IsOptional, IsUUID, Max, Min, validate } from 'class-validator';
import { SendMessageDto } from '../conversations/dto/send-message.dto';
import { MAX_INPUT_DEPTH, nestedDeeperThan } from '../platform/http/nesting';

/** What the WebSocket adapter hands to a @SubscribeMessage handler for a frame it could not accept. */
export interface InvalidFrame {
  code: ErrorCode;
  detail: string;
}

/**
 * Maps a raw frame to the gateway's handlers: `{"type": "message", …}` goes to 'message';
 * anything that is not JSON, not an object or of an unknown type goes to 'invalid', which
 * answers with an `error` event and keeps the connection.
 */
export function parseFrame(data: unknown): { event: string; data: unknown } {
  let frame: unknown;
  try {
    const text = typeof data === 'string' ? data : Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8');
    frame = JSON.parse(text);
  } catch {
    return invalid('invalid_json', 'A frame is a JSON object');
  }
  if (typeof frame !== 'object' || frame === null || Array.isArray(frame)) {
    return invalid('invalid_frame', 'A frame is a JSON object with a "type"');
  }
  if (nestedDeeperThan(frame)) return invalid('invalid_frame', `A frame nests objects and arrays at most ${MAX_INPUT_DEPTH} deep`);
  const type = (frame as { type?: unknown }).type;
  if (!isClientFrameType(type)) {
    return invalid('unknown_type', `Unknown frame type ${JSON.stringify(type ?? null)}; expected one of ${CLIENT_FRAME_TYPES.join(', ')}`);
  }
  return { event: type, data: frame };
}

function invalid(code: ErrorCode, detail: string): { event: string; data: InvalidFrame } {
  return { event: 'invalid', data: { code, detail } };
}

class ConversationFrame {
  @IsOptional()
  @IsUUID('all', { message: 'conversation_id must be a UUID' })
  conversation_id?: string;
}

export class MessageFrame extends SendMessageDto {
  @Equals('message')
  type!: 'message';

  @IsOptional()
  @IsUUID('all', { message: 'conversation_id must be a UUID' })
  conversation_id?: string;
}

export class TypingFrame extends ConversationFrame {
  @IsIn(['typing'])
  type!: 'typing';

  @IsBoolean()
  is_typing!: boolean;
}

export class ReadFrame extends ConversationFrame {
  @IsIn(['read'])
  type!: 'read';

  /** Extension: read up to this message only (the newest the reader has seen). */
  @IsOptional()
  @IsInt({ message: 'up_to_seq must be a positive integer' })
  @Min(1, { message: 'up_to_seq must be a positive integer' })
  // Past this it is no message number (and no PostgreSQL bigint): the property tests found it an `internal` error.
  @Max(Number.MAX_SAFE_INTEGER, { message: 'up_to_seq must be a positive integer' })
  up_to_seq?: number;
}

export class FrameError extends Error {
  constructor(
    readonly code: ErrorCode,
    detail: string,
  ) {
    super(detail);
  }
}

/** Validates a frame with the same rules as the REST bodies; throws a FrameError listing the problems. */
export async function validFrame<T extends object>(type: new () => T, frame: unknown): Promise<T> {
  const instance = plainToInstance(type, frame);
  const errors = await validate(instance, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true });
  if (errors.length) {
    const detail = errors.flatMap((e) => Object.values(e.constraints ?? {})).join('; ');
    throw new FrameError('invalid_frame', detail || 'Invalid frame');
  }
  return instance;
}
