import { applyDecorators } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiBody, ApiConflictResponse, ApiForbiddenResponse, ApiNotFoundResponse, ApiOkResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { z } from 'zod';
import { openApi } from './zod-request';
import { errorSchema } from './work-order.schemas';

const error = openApi(errorSchema);

/** A JSON body documented from the same zod schema that validates it. */
export const JsonBody = (schema: z.ZodType, description?: string) => ApiBody({ schema: openApi(schema), description });

export const JsonOk = (schema: z.ZodType, description = 'OK') => ApiOkResponse({ schema: openApi(schema), description });

/** The error answers every authenticated endpoint can give. */
export const AuthenticatedErrors = () =>
  applyDecorators(
    ApiBearerAuth(),
    ApiBadRequestResponse({ schema: error, description: 'VALIDATION_FAILED: `issues` names each field and rule' }),
    ApiUnauthorizedResponse({ schema: error, description: 'TOKEN_MISSING or TOKEN_INVALID' }),
    ApiForbiddenResponse({ schema: error, description: 'ROLE_REQUIRED, ROLE_NOT_ALLOWED, NOT_LEAD_UNIT…' }),
  );

/** Commands on one order add 404 and 409. */
export const CommandErrors = () =>
  applyDecorators(
    AuthenticatedErrors(),
    ApiNotFoundResponse({ schema: error, description: 'WORK_ORDER_NOT_FOUND (also for another unit’s order)' }),
    ApiConflictResponse({ schema: error, description: 'ILLEGAL_TRANSITION, STALE_VERSION or a failed precondition (code says which)' }),
  );
