import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The part of a JSON Schema (as the server's OpenAPI document writes them) the generators read. */
export interface Schema {
  type?: string;
  format?: string;
  enum?: unknown[];
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  maxItems?: number;
  nullable?: boolean;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  $ref?: string;
}

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  schema: Schema;
}

/** One operation of the API, as its OpenAPI document declares it. */
export interface Operation {
  operationId: string;
  method: string;
  /** The templated path: `/conversations/{id}/messages`. */
  path: string;
  parameters: Parameter[];
  /** The JSON body's schema ($refs resolved one level), if it takes one. */
  body?: Schema;
  /** Media types the body may be sent as. */
  consumes: string[];
  /** Needs a bearer token. */
  secured: boolean;
}

interface Document {
  paths: Record<string, Record<string, RawOperation>>;
  components: { schemas: Record<string, Schema> };
}

interface RawOperation {
  operationId: string;
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: Schema }> };
  security?: unknown[];
}

/** The web client's snapshot of the document (the `openapi` suite keeps it equal to the server's). */
export function snapshotDocument(): Document {
  return JSON.parse(readFileSync(join(__dirname, '..', '..', 'frontend', 'src', 'api', 'openapi.json'), 'utf8')) as Document;
}

/** Every operation of a document, in its order. */
export function operationsOf(document: unknown): Operation[] {
  const doc = document as Document;
  const resolve = (schema: Schema): Schema => (schema.$ref ? doc.components.schemas[schema.$ref.replace('#/components/schemas/', '')] : schema);
  return Object.entries(doc.paths).flatMap(([path, operations]) =>
    Object.entries(operations).map(([method, op]) => {
      const content = op.requestBody?.content ?? {};
      const json = content['application/json']?.schema;
      return {
        operationId: op.operationId,
        method: method.toUpperCase(),
        path,
        parameters: (op.parameters ?? []).map((p) => ({ ...p, schema: resolve(p.schema) })),
        body: json ? resolve(json) : undefined,
        consumes: Object.keys(content),
        secured: Boolean(op.security?.length),
      };
    }),
  );
}
