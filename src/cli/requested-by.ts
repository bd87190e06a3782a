import { userInfo } from 'node:os';

/** Who runs a manual command, for the audit log: the user behind sudo when there is one. */
export function requestedBy(env: Readonly<Record<string, string | undefined>>): string {
  const user = env.USER ?? env.LOGNAME ?? currentUser();
  if (env.SUDO_USER !== undefined && env.SUDO_USER !== user) return `${env.SUDO_USER} (sudo as ${user})`;
  return user;
}

function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    // No passwd entry for this uid (a container, a stripped image).
    return `uid ${process.getuid?.() ?? '?'}`;
  }
}
