import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderAuthorizationDoc } from './authorization-matrix.ts';

/** Writes docs/authorization.md from the matrix: `node test/support/authorization-doc.ts`. */
const target = path.join(import.meta.dirname, '..', '..', 'docs', 'authorization.md');
writeFileSync(target, await renderAuthorizationDoc());
console.log(`wrote ${target}`);
