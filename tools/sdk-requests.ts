/**
 * Reading the AWS SDK's requests as they leave (the bench's counters and the least-privilege test wrap
 * `NodeHttpHandler.handle`): the operation and the JSON body, and the items a DynamoDB write writes.
 */

/** `DynamoDB_20120810.PutItem` → service `DynamoDB_20120810`, operation `PutItem`. */
export function sdkTarget(headers: Record<string, string>): { service: string; operation: string } {
  const [service = '', operation = ''] = String(
    headers['x-amz-target'] ?? headers['X-Amz-Target'] ?? '',
  ).split('.');
  return { service, operation };
}

/** The request's JSON body (the SDK sends a string or bytes). */
export function requestJson(raw: unknown): RequestBody {
  const text = typeof raw === 'string' ? raw : raw instanceof Uint8Array ? new TextDecoder().decode(raw) : '';
  return JSON.parse(text || '{}');
}

/** The parts of a written item (low-level JSON) that name its partition and the index keys it sets. */
export interface WrittenItem {
  Key?: Record<string, { S?: string }>;
  Item?: Record<string, { S?: string }>;
  ExpressionAttributeValues?: Record<string, { S?: string }>;
}

/** A request's JSON body: what a write names, and anything else the operation takes. */
export interface RequestBody extends WrittenItem {
  TransactItems?: Record<string, WrittenItem>[];
  [field: string]: unknown;
}

/** The items a DynamoDB write operation writes (a transaction's one by one), or none for a read. */
export function itemsWritten(operation: string, body: RequestBody): { item: WrittenItem; inTx: boolean }[] {
  if (operation === 'TransactWriteItems')
    return (body.TransactItems ?? []).flatMap((i) => Object.values(i).map((item) => ({ item, inTx: true })));
  return ['PutItem', 'UpdateItem', 'DeleteItem'].includes(operation) ? [{ item: body, inTx: false }] : [];
}
