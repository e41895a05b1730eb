import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';

// `.openapi()` on zod schemas (examples, descriptions, component names). Imported before any
// wire schema is defined; extending twice is harmless.
extendZodWithOpenApi(z);

export { z };
