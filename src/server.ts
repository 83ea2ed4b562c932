// Boots MyLog with the process's configuration and turns signals into the ordered shutdown.
import { ConfigError, loadConfig } from './config.ts';
import { startMyLog, StartupError } from './boot.ts';
import { installFatalHandlers, startStallWatchdog } from './infra/fatal-errors.ts';
import { createCliLogger } from './infra/logger.ts';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`mylog: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  installFatalHandlers();
  const logger = createCliLogger(config);
  const log = (message: string): void => logger.info(message);
  const started = Date.now();
  let running;
  try {
    running = await startMyLog(config, log);
  } catch (error) {
    const message =
      error instanceof StartupError
        ? error.message
        : error instanceof Error
          ? error.message
          : String(error);
    process.stderr.write(`mylog: startup failed: ${message}\n`);
    process.exit(1);
  }
  startStallWatchdog({ eventLoopStallExitMs: config.eventLoopStallExitMs });
  log(`MyLog ready on ${running.url} in ${Date.now() - started} ms (open ${config.publicUrl})`);

  let signals = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    signals += 1;
    if (signals > 1) {
      process.stderr.write('mylog: second signal, exiting now\n');
      process.exit(130);
    }
    void running.shutdown(signal).then((outcome) => process.exit(outcome === 'clean' ? 0 : 1));
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

void main();
