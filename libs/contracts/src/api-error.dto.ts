/** Every error the api answers has this body, so the web shows them one way. */
export interface ApiErrorIssueDto {
  /** The request field at fault, e.g. `limit` or `id`. */
  field: string;
  /** The rule it broke, e.g. `max`, `integer`, `uuid`. */
  rule: string;
  message: string;
}

export interface ApiErrorDto {
  statusCode: number;
  error: string;
  message: string;
  issues?: ApiErrorIssueDto[];
}
