import { z } from 'zod';

/** `limit` (1–500, default 50), opaque `cursor`, `order` (`desc` default). */
export const ListQueryBaseSchema = z
  .object({
    limit: z.coerce
      .number<number>()
      .int()
      .min(1)
      .max(500)
      .default(50)
      .meta({ description: 'Page size, 1–500 (default 50).' }),
    cursor: z.string().min(1).optional().meta({
      description:
        'Opaque cursor from nextCursor; only valid with the same filters (else 400 cursor_mismatch).',
    }),
    order: z.enum(['asc', 'desc']).default('desc').meta({ description: 'Sort by (createdAt, id).' }),
  })
  .meta({ id: 'ListQueryBase' });
export type ListQueryBase = z.input<typeof ListQueryBaseSchema>;

export interface Page<T> {
  data: T[];
  hasMore: boolean;
  nextCursor: string | null;
}

/** The list envelope `{ data, hasMore, nextCursor }` around `item`. */
export function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({
    data: z.array(item),
    hasMore: z.boolean(),
    nextCursor: z
      .string()
      .nullable()
      .meta({ description: 'Pass as cursor to get the next page; null on the last page.' }),
  });
}
