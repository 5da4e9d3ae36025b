// --device: where training and the erasure pass run. 'auto' is CUDA when the linked libtorch has a GPU,
// else the CPU. Batches, parameters and optimizer state live on the device; only results come back.
import { UserError } from '../util/errors.ts';

export const DEVICE_HELP = "cpu | cuda | cuda:N | auto (default: auto, CUDA when the linked libtorch has a GPU)";

const SPEC = /^(auto|cpu|cuda|cuda:\d+)$/;

/** Refuses a malformed --device before anything loads (no engine needed). */
export function checkDeviceSpec(spec: string, command: string): void {
  if (!SPEC.test(spec)) throw new UserError(`${command}: --device must be cpu, cuda, cuda:N or auto, got '${spec}'`);
}

/**
 * The device a spec names on this build: 'auto' -> 'cuda' or 'cpu'; 'cuda'/'cuda:N' checked against the
 * GPUs libtorch sees (a CPU-only libtorch sees none). On CUDA, deterministic kernels are switched on so
 * that a run repeats exactly, as it does on the CPU.
 */
export async function resolveDevice(spec: string, command = 'attnlab'): Promise<string> {
  checkDeviceSpec(spec, command);
  if (spec === 'cpu') return 'cpu';
  // cuBLAS reads this when its first handle is made: set before the first CUDA call (torch's own advice
  // for deterministic matrix products on CUDA >= 10.2).
  process.env.CUBLAS_WORKSPACE_CONFIG ??= ':4096:8';
  const torch = await import('../torch/index.ts');
  const gpus = torch.cudaDeviceCount();
  const cuda = torch.buildInfo().cuda;
  if (spec === 'auto') {
    if (gpus === 0) return 'cpu';
    torch.setDeterministic(true);
    return 'cuda';
  }
  const index = spec === 'cuda' ? 0 : Number(spec.slice(5));
  if (gpus === 0) {
    throw new UserError(
      `${command}: --device ${spec}: ${cuda ? 'libtorch was built with CUDA but sees no GPU (check nvidia-smi and CUDA_VISIBLE_DEVICES)' : `the linked libtorch (${torch.buildInfo().torchVersion}) has no CUDA`}; ` +
        'use --device cpu, or build against a CUDA libtorch: LIBTORCH=<pip torch folder> npm run setup (docs/scale.md)',
    );
  }
  if (index >= gpus) throw new UserError(`${command}: --device ${spec}: only ${gpus} GPU${gpus === 1 ? '' : 's'} visible (cuda:0..cuda:${gpus - 1})`);
  torch.setDeterministic(true);
  return spec;
}
