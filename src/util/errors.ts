/**
 * An error whose message is meant for the user as is (bad input, missing file, wrong option):
 * the CLI prints it without a stack trace. Say which file, which line, what was expected.
 */
export class UserError extends Error {
  readonly userFacing = true;
  override name = 'UserError';
}
