// Loads the libtorch addon (native/build/attnlab.node) once, with the thread settings this engine wants.
// This is the only module that touches the addon directly; everything else goes through Tensor.
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';

// OpenBLAS sizes its thread pool when the library loads: one BLAS thread, and torch's intra-op threads on
// all cores (both on oversubscribed 2 cores and made steps 2-8x slower). Users may override either.
process.env.OPENBLAS_NUM_THREADS ??= '1';

const addonPath = fileURLToPath(new URL('../../native/build/attnlab.node', import.meta.url));
if (!existsSync(addonPath)) {
  throw new Error(`attnlab: the native addon is not built (${addonPath} is missing); run \`npm run setup\``);
}

/** The raw addon: functions over opaque tensor handles. Use src/torch's Tensor instead. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const native: any = createRequire(import.meta.url)(addonPath);

const intraOp = Number(process.env.ATTNLAB_NUM_THREADS ?? availableParallelism());
native.setNumThreads(intraOp);
native.setBlasThreads(Number(process.env.OPENBLAS_NUM_THREADS));

/** An opaque handle owning one libtorch tensor. */
export type Handle = object & { readonly __handle: unique symbol };
