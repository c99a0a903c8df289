/**
 * zod/mini with English messages only: the classic API with every locale weighs ~440 KB in each bundle.
 * Import `z` from here so the messages are configured wherever a schema is used.
 */
import { en } from 'zod/locales';
import * as z from 'zod/mini';

z.config(en());

export { z };
