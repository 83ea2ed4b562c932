// The part of `ws` (a dependency of @fastify/websocket) that MyLog uses. @types/ws is not installed;
// this keeps the tail typed without it. Replace with @types/ws if it becomes a direct devDependency.
declare module 'ws' {
  import { EventEmitter } from 'node:events';
  import type { IncomingMessage } from 'node:http';
  import type { Socket } from 'node:net';

  type RawData = Buffer | ArrayBuffer | Buffer[];

  interface ClientOptions {
    headers?: Record<string, string>;
    origin?: string;
    maxPayload?: number;
    perMessageDeflate?: boolean;
    skipUTF8Validation?: boolean;
  }

  class WebSocket extends EventEmitter {
    static readonly CONNECTING: 0;
    static readonly OPEN: 1;
    static readonly CLOSING: 2;
    static readonly CLOSED: 3;
    constructor(address: string | URL, options?: ClientOptions);
    readonly readyState: 0 | 1 | 2 | 3;
    readonly bufferedAmount: number;
    /** The underlying TCP socket (tests pause it to play a slow client). */
    readonly _socket: Socket;
    send(data: string | Buffer, options?: { binary?: boolean }, cb?: (err?: Error) => void): void;
    send(data: string | Buffer, cb?: (err?: Error) => void): void;
    ping(data?: unknown, mask?: boolean, cb?: (err?: Error) => void): void;
    close(code?: number, reason?: string): void;
    terminate(): void;
    on(event: 'message', listener: (data: RawData, isBinary: boolean) => void): this;
    on(event: 'close', listener: (code: number, reason: Buffer) => void): this;
    on(event: 'error', listener: (error: Error) => void): this;
    on(event: 'open' | 'pong' | 'ping', listener: () => void): this;
    on(
      event: 'unexpected-response',
      listener: (request: unknown, response: IncomingMessage) => void,
    ): this;
    once(event: 'open', listener: () => void): this;
    once(event: 'close', listener: (code: number, reason: Buffer) => void): this;
    once(event: 'error', listener: (error: Error) => void): this;
    once(
      event: 'unexpected-response',
      listener: (request: unknown, response: IncomingMessage) => void,
    ): this;
  }

  class WebSocketServer extends EventEmitter {
    readonly clients: Set<WebSocket>;
    close(callback?: (error?: Error) => void): void;
  }

  export { WebSocket, WebSocketServer as Server, WebSocketServer, type RawData };
  export default WebSocket;
}
