// Loaded with `--import` (through NODE_OPTIONS, which refuses --cpu-prof) into a process whose
// main-thread CPU profile a bench wants: profiles from start to exit, then writes
// <MYLOG_CPU_PROFILE_DIR>/<pid>.cpuprofile.
import fs from 'node:fs';
import { Session } from 'node:inspector';
import path from 'node:path';

const dir = process.env.MYLOG_CPU_PROFILE_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.start');
  // An in-thread inspector session answers synchronously, so this works in an exit handler.
  process.on('exit', () => {
    session.post('Profiler.stop', (error, result) => {
      if (error) return;
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, `${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}
