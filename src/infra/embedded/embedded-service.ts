/** A service MyLog runs on the developer's machine when no URL for it is configured. */
export interface EmbeddedService {
  readonly name: string;
  readonly url: string;
  /** True when this process started or adopted it and so must stop it on shutdown. */
  readonly owned: boolean;
  /** The server process, so a supervisor (the test reaper) can stop it if we cannot. */
  readonly pid: number | undefined;
  stop(): Promise<void>;
}

export class EmbeddedServiceError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EmbeddedServiceError';
  }
}
