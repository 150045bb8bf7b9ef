import {
  ApiError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  NotFoundError,
  PermissionDeniedError,
  type ProblemDetails,
  RateLimitError,
  ServerError,
  UnprocessableEntityError,
} from '@mailplatform/sdk';

type ApiErrorOptions = ConstructorParameters<typeof ApiError>[1];

const BY_STATUS: Record<number, new (message: string, options: ApiErrorOptions) => ApiError> = {
  400: BadRequestError,
  401: AuthenticationError,
  403: PermissionDeniedError,
  404: NotFoundError,
  409: ConflictError,
  422: UnprocessableEntityError,
  429: RateLimitError,
};

/** The SDK's typed error for a non-2xx answer of the control API (`NotFoundError` for 404, ...). */
export async function controlError(method: string, path: string, response: Response): Promise<ApiError> {
  const text = await response.text();
  let problem: ProblemDetails | undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed))
      problem = parsed as ProblemDetails;
  } catch {
    problem = undefined;
  }
  const requestId = response.headers.get('x-request-id') ?? problem?.requestId;
  const options: ApiErrorOptions = {
    status: response.status,
    ...(problem ? { problem } : {}),
    ...(requestId ? { requestId } : {}),
  };
  const message = `${method} ${path}: ${response.status} ${problem?.code ?? response.statusText}${problem?.detail ? `: ${problem.detail}` : ''}`;
  const ErrorClass = BY_STATUS[response.status] ?? (response.status >= 500 ? ServerError : ApiError);
  return new ErrorClass(message, options);
}
