import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { ApiErrorDto, ApiErrorIssueDto } from '@hotline/contracts';

export class ApiErrorIssueResponse implements ApiErrorIssueDto {
  @ApiProperty({ example: 'limit', description: 'The request field at fault' })
  field!: string;

  @ApiProperty({ example: 'max', description: 'The rule it broke' })
  rule!: string;

  @ApiProperty({ example: 'must be at most 100' })
  message!: string;
}

export class ApiErrorResponse implements ApiErrorDto {
  @ApiProperty({ example: 400 })
  statusCode!: number;

  @ApiProperty({ example: 'Bad Request' })
  error!: string;

  @ApiProperty({ example: 'limit: must be at most 100' })
  message!: string;

  @ApiPropertyOptional({ type: [ApiErrorIssueResponse] })
  issues?: ApiErrorIssueResponse[];
}
