import { z } from 'zod';

export const ApiKeyScopeSchema = z.enum(['send', 'read', 'admin']).meta({ id: 'ApiKeyScope' });
export type ApiKeyScope = z.infer<typeof ApiKeyScopeSchema>;

export const AccountSchema = z
  .object({
    keyPrefix: z
      .string()
      .meta({ description: 'Redacted key: prefix and last four characters.', examples: ['mp_test_…a1b2'] }),
    mode: z.enum(['test', 'live']),
    namespace: z
      .string()
      .meta({ description: 'Data namespace of the key (one per test key in the sandbox).' }),
    scopes: z.array(ApiKeyScopeSchema),
  })
  .meta({ id: 'Account', description: 'GET /v1/me: who the API key is.' });
export type Account = z.infer<typeof AccountSchema>;
