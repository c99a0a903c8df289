/**
 * Use cases: a client's verifications, newest first, and the review queue (every verification waiting
 * for a person, oldest decision first), a page at a time (docs/architecture.md §2).
 */
import { invalidInput } from './errors';
import { summary } from './get-verification';
import type { ListStore } from './ports/repository';
import { InvalidCursor } from './store-errors';

export interface ListRequest {
  /** A client's list; without it, the review queue. */
  clientId?: string;
  limit: number;
  cursor?: string;
}

export async function listVerifications(req: ListRequest, repo: ListStore) {
  try {
    const after = decodeCursor(req.cursor);
    const page =
      req.clientId === undefined
        ? await repo.listForReview(req.limit, after)
        : await repo.listByClient(req.clientId, req.limit, after);
    return { items: page.items.map(summary), nextCursor: page.next ? encodeCursor(page.next) : null };
  } catch (err) {
    if (err instanceof InvalidCursor) throw badCursor();
    throw err;
  }
}

const badCursor = () => invalidInput('cursor: not a cursor of this list');

/** Opaque to clients: the storage position, base64url JSON. The repository checks it belongs to the list. */
function encodeCursor(position: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

function decodeCursor(cursor: string | undefined): Record<string, unknown> | undefined {
  if (cursor === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw badCursor();
}
