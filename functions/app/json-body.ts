/** The one JSON parser of request bodies (start, review, iDenfy's webhooks): a body that is not JSON is a 400 naming the problem. */
import { invalidInput } from './errors';

export function parseJsonBody(body: Buffer): unknown {
  if (body.length === 0) throw invalidInput('(body): a JSON body is required');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    throw invalidInput('(body): not valid UTF-8');
  }
  try {
    return JSON.parse(text);
  } catch {
    throw invalidInput('(body): malformed JSON');
  }
}
