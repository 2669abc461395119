import { INestApplication, Logger } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import type { DomainErrorBody } from './domain-error.filter';

/**
 * The largest request body the api reads. A work order's longest text is 10,000 characters (~30 KB of
 * UTF-8); anything far beyond that is a mistake or an attack and is refused before it is buffered whole.
 */
export const REQUEST_BODY_LIMIT = '100kb';

/** What body-parser attaches to the errors it raises (the `http-errors` shape). */
interface BodyParserError {
  type?: unknown;
  status?: unknown;
  expose?: unknown;
  message?: string;
}

const CODES: Record<string, string> = {
  'entity.parse.failed': 'MALFORMED_BODY',
  'entity.too.large': 'BODY_TOO_LARGE',
  'parameters.too.many': 'BODY_TOO_LARGE',
  'encoding.unsupported': 'UNSUPPORTED_BODY_ENCODING',
  'charset.unsupported': 'UNSUPPORTED_BODY_ENCODING',
  'request.aborted': 'MALFORMED_BODY',
  'request.size.invalid': 'MALFORMED_BODY',
};

interface ExpressResponse {
  headersSent: boolean;
  status(code: number): ExpressResponse;
  json(body: unknown): void;
}

/**
 * Parses JSON and form bodies, and answers the client's own mistakes with them (malformed JSON, too
 * large, unknown charset) as 400/413/415 in the api's error format, right where they happen.
 *
 * Why here and not in a Nest filter: body-parser fails in Express middleware, before Nest's routing, and
 * the error then travels Express's error chain. With the web app built, @nestjs/serve-static's error
 * middleware sits in that chain and turns every error on an /api path into "404 Cannot POST …", so
 * malformed JSON and 2 MB bodies were answered 404 (found by test/security/api-fuzz.spec.ts). Without the
 * web app, a 413 reached Nest's default filter. Answering here makes both cases the same, documented answer.
 *
 * Call right after NestFactory.create(..., { bodyParser: false }), before init: the parsers must be
 * registered before any route.
 */
export function useRequestBodyParsing(app: INestApplication): void {
  const logger = new Logger('RequestBodyParsing');
  const express = app as INestApplication & { useBodyParser(type: 'json' | 'urlencoded', options: Record<string, unknown>): unknown };
  express.useBodyParser('json', { limit: REQUEST_BODY_LIMIT });
  // extended: false (querystring): no nested objects from forms, so no a[__proto__][x]=1 games.
  express.useBodyParser('urlencoded', { limit: REQUEST_BODY_LIMIT, extended: false, parameterLimit: 200 });
  app.use((error: unknown, _request: unknown, response: ExpressResponse, next: (error?: unknown) => void) => {
    const parserError = error as BodyParserError;
    const code = typeof parserError?.type === 'string' ? CODES[parserError.type] : undefined;
    const status = typeof parserError?.status === 'number' ? parserError.status : 0;
    // Only the client's mistakes, as body-parser classifies them; anything else goes on to Nest (500, logged).
    if (!code || status < 400 || status >= 500 || response.headersSent) return next(error);
    logger.debug(`${status} ${code}: ${parserError.message ?? ''}`);
    const body: DomainErrorBody = {
      statusCode: status,
      error: STATUS_CODES[status] ?? 'Error',
      code,
      // body-parser's messages name the problem without echoing the body (expose is set for 4xx).
      message: parserError.expose === true && parserError.message ? parserError.message : (STATUS_CODES[status] ?? 'Bad request body'),
      details: code === 'BODY_TOO_LARGE' ? { limit: REQUEST_BODY_LIMIT } : {},
    };
    response.status(status).json(body);
  });
}
