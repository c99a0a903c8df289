/**
 * zod/mini, with English messages only. Modules import `* as z from 'zod/mini'` themselves and this
 * module for its effect: the namespace must never be re-exported as a value, or esbuild keeps all of
 * zod (every locale, JSON Schema) in each bundle (≈ 420 KiB).
 */
import { config } from 'zod/mini';
import { en } from 'zod/v4/locales';

config(en());
