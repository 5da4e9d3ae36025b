// A tiny two-class corpus for grid tests (reproduce locally and through Slurm): deterministic, so two runs
// of the grid read the same documents. Each class has its own words; every document mixes in shared ones.
import { writeFileSync } from 'node:fs';

export function writeTinyData(path: string, opts: { train?: number; test?: number } = {}): void {
  const shared = ['the', 'a', 'of', 'and', 'to', 'in', 'is', 'it', 'was', 'for'];
  const own = [
    ['good', 'great', 'fine', 'happy', 'bright', 'warm', 'kind', 'calm'],
    ['bad', 'poor', 'sad', 'dark', 'cold', 'harsh', 'grim', 'dull'],
  ];
  let x = 12345;
  const next = (n: number): number => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return (x >>> 8) % n;
  };
  const lines: string[] = [];
  const doc = (split: string, i: number): void => {
    const label = i % 2;
    const sentences: string[] = [];
    for (let s = 0; s < 2 + next(3); s++) {
      const words: string[] = [];
      for (let w = 0; w < 4 + next(5); w++) words.push(next(3) === 0 ? own[label]![next(8)]! : shared[next(10)]!);
      sentences.push(words.join(' ') + '.');
    }
    lines.push(JSON.stringify({ label: label ? 'neg' : 'pos', text: sentences.join(' '), split }));
  };
  for (let i = 0; i < (opts.train ?? 120); i++) doc('train', i);
  for (let i = 0; i < (opts.test ?? 24); i++) doc('test', i);
  writeFileSync(path, lines.join('\n') + '\n');
}
