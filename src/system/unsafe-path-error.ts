/**
 * A path the watchdog will not use because someone other than root or its own user could
 * have redirected it (a symbolic link they could plant, a folder they can write). Its
 * `code` is `EUNSAFEPATH`, so code that handles file-system errors by code handles it too,
 * and its message says which component and why.
 */
export class UnsafePathError extends Error {
  readonly code = 'EUNSAFEPATH';
  /** The component that was refused. */
  readonly path: string;

  constructor(message: string, path: string) {
    super(message);
    this.name = 'UnsafePathError';
    this.path = path;
  }
}
