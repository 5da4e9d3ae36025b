// Every message the report stage shows a user, in one place (tests assert the exact text).
export const msg = {
  runFileMissing: (folder: string, path: string) =>
    `run folder ${folder} has no ${path}: a run folder (what attnlab test writes) holds tested-model.json and documents.jsonl (see docs/report.md)`,
  runFolderMissing: (folder: string) => `run folder ${folder} does not exist: give the folders attnlab test wrote (e.g. runs/reproduce/<data>/<model>/erasure)`,
  runFolderNotFolder: (folder: string) => `run folder ${folder} is a file, not a folder: give the folders attnlab test wrote`,
  trainedModelFolder: (folder: string, erasure: string) =>
    `${folder} is a trained model's folder (model.json), not an erasure run folder: give ${erasure}`,
  runHasNoDocuments: (path: string) => `${path} has no documents`,
  badJson: (where: string, why: string) => `${where}: not valid JSON (${why})`,
  badField: (where: string, field: string, expected: string) => `${where}: ${field} must be ${expected}`,
  noRunFolders: () => 'report: give at least one run folder (a folder with tested-model.json and documents.jsonl)',
  duplicateRun: (a: string, b: string, name: string) => `${a} and ${b} are both ${name}: give each data set × model once`,
  badArguments: (why: string) => `report: ${why}`,
  wrote: (path: string) => `attnlab report: wrote ${path}`,
} as const;
