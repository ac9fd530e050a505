/**
 * Entry point of one demo replica: the sample app, plus a lifeline. The demo keeps this process's
 * stdin open; when the demo goes away, however it went (even SIGKILL), stdin ends and the replica
 * shuts down gracefully, so no replica outlives the demo.
 */
import { rmSync } from 'node:fs';

const demoGone = () => {
  // A demo killed with SIGKILL could not remove its temporary kubeconfig files; do it here.
  const tmp = process.env.DEMO_TMP_DIR;
  if (tmp) rmSync(tmp, { recursive: true, force: true });
  process.kill(process.pid, 'SIGTERM');
};
process.stdin.on('end', demoGone);
process.stdin.on('error', demoGone);
process.stdin.resume();
// Unref'd: the lifeline must not keep alive a replica whose app failed to start.
(process.stdin as NodeJS.ReadStream & { unref?: () => void }).unref?.();

await import('../sample/src/main.js');
