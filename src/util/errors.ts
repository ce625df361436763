/**
 * Errors a user can cause or fix. Each carries the fix, so the one line that
 * `core.setFailed` prints tells the user what to do.
 */
export class BottleError extends Error {
  constructor(
    message: string,
    readonly fix?: string
  ) {
    super(fix ? `${message}. ${fix}` : message)
    this.name = new.target.name
  }
}

/** An action input is invalid. The message names the input; never a secret's value. */
export class InputError extends BottleError {
  constructor(
    readonly input: string,
    message: string,
    fix?: string
  ) {
    super(`Input '${input}': ${message}`, fix)
  }
}

/** A backend cannot be used here (docker missing, daemon unreachable, ...). */
export class BackendUnavailableError extends BottleError {}

/** Downloading, verifying or caching a tool failed. */
export class InstallError extends BottleError {}

/** A command the action ran failed. */
export class CommandError extends BottleError {
  constructor(
    readonly command: string,
    readonly exitCode: number | null,
    readonly stderr: string,
    fix?: string
  ) {
    const detail = stderr.trim().split('\n').slice(-3).join(' | ')
    super(`'${command}' failed (exit ${exitCode ?? 'signal'})${detail ? `: ${detail}` : ''}`, fix)
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}
