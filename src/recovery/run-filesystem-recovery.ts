import type { FilesystemConfig } from '../config/types.js';
import { planCommand } from './plan-recovery.js';
import {
  runRecordedPipeline,
  type RecordedPipelineRequest,
  type RecoveryDeps,
  type RecoveryReport,
} from './run-recorded-pipeline.js';

/**
 * Runs a file system entry's recovery: its commands in order (a cleanup of old logs...),
 * recorded and told as a process's recovery is ({@link runRecordedPipeline}). It succeeds
 * when every command does; whether space is back is the next tick's check to say.
 */
export function runFilesystemRecovery(
  request: Omit<RecordedPipelineRequest, 'subject'> & { filesystem: FilesystemConfig },
  deps: RecoveryDeps,
): Promise<RecoveryReport> {
  const { filesystem } = request;
  return runRecordedPipeline({ ...request, subject: filesystem }, deps, () => ({
    plans: request.actions.map((action) => planCommand(filesystem, action, 'filesystems')),
    commandsMustSucceed: true,
  }));
}
