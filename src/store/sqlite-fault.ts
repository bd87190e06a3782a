/**
 * Whether an error says the database cannot take writes now (locked past the busy
 * timeout, disk full, read-only, an I/O error) or is damaged: faults of the storage, not
 * bugs. Healing goes on; the rows wait in the journal.
 */
export function sqliteFaultOf(
  error: unknown,
): 'busy' | 'full' | 'readonly' | 'io' | 'corrupt' | 'cantopen' | undefined {
  const code = error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
  if (code === undefined || !code.startsWith('SQLITE_')) return undefined;
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return 'busy';
  if (code === 'SQLITE_FULL') return 'full';
  if (code.startsWith('SQLITE_READONLY')) return 'readonly';
  if (code.startsWith('SQLITE_IOERR')) return 'io';
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') return 'corrupt';
  if (code.startsWith('SQLITE_CANTOPEN')) return 'cantopen';
  return undefined;
}
