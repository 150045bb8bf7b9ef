export type Body = { schema: string } | { page: string } | { media: string; description: string };
/** Success status → body (`null`: no body). */
export type Responses = Record<string, Body | null>;

export interface Operation {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  operationId: string;
  summary: string;
  tag: string;
  query?: string;
  request?: string;
  responses: Responses;
  idempotent?: boolean;
  errors?: number[];
}

export type OperationOptions = Pick<Operation, 'query' | 'request' | 'idempotent' | 'errors'>;
type Route = `${Operation['method']} /${string}`;

/** Builds the operations of one tag: `op('get /v1/things/{id}', 'getThing', 'Get a thing', json('Thing'))`. */
export function operation(tag: string) {
  return (
    route: Route,
    operationId: string,
    summary: string,
    responses: Responses,
    options: OperationOptions = {},
  ): Operation => {
    const [method, path] = route.split(' ') as [Operation['method'], string];
    return { method, path, operationId, summary, tag, responses, ...options };
  };
}

/** A JSON body of component `schema` (200 unless `status` says otherwise). */
export const json = (schema: string, status = 200): Responses => ({ [status]: { schema } });
/** A 200 page of `item`s. */
export const page = (item: string): Responses => ({ 200: { page: item } });
/** A 200 body that is not JSON. */
export const media = (type: string, description: string): Responses => ({
  200: { media: type, description },
});
export const NO_CONTENT: Responses = { 204: null };
