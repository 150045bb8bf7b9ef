import { type ApiError, errorFromResponse } from '@mailplatform/sdk';

/** The SDK's typed error for a non-2xx answer of the control API (`NotFoundError` for 404, ...). */
export async function controlError(response: Response): Promise<ApiError> {
  return errorFromResponse({
    status: response.status,
    headers: response.headers,
    bodyText: await response.text(),
    requestId: response.headers.get('x-request-id') ?? undefined,
  });
}
