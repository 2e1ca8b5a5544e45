import { setTimeout as sleep } from 'node:timers/promises';

/** One server-sent event of a gateway's /events. */
export interface StreamedEvent {
  /** The SSE event ID (the gateway's sequence number). */
  readonly id: number;
  readonly eventName: string;
  readonly txId: string;
  readonly blockNumber: number;
}

/** A client of a gateway's /events that reconnects with Last-Event-ID, as a browser's EventSource. */
export interface EventStreamClient {
  readonly events: readonly StreamedEvent[];
  /** Connections opened after the first one. */
  readonly reconnects: number;
  /** Failed connection attempts and broken streams, with their reason. */
  readonly interruptions: readonly string[];
  /** Resolves once the first connection is open. */
  readonly connected: Promise<void>;
  /** Waits until `done` holds for the events received, or rejects after the timeout. */
  waitFor(done: (events: readonly StreamedEvent[]) => boolean, timeoutMs: number): Promise<void>;
  stop(): Promise<void>;
}

/** Options of {@link streamEvents}. */
export interface StreamOptions {
  readonly base: string;
  /** Answers a fresh bearer token (called again after a 401). */
  readonly login: () => Promise<string>;
  /** Wait before reconnecting (ms). */
  readonly retryMs?: number;
}

class Stream implements EventStreamClient {
  readonly events: StreamedEvent[] = [];
  readonly interruptions: string[] = [];
  reconnects = 0;
  readonly connected: Promise<void>;
  readonly #options: StreamOptions;
  readonly #stop = new AbortController();
  #markConnected: () => void = () => undefined;
  #running: Promise<void>;
  #lastId: number | undefined;

  constructor(options: StreamOptions) {
    this.#options = options;
    this.connected = new Promise((resolve) => {
      this.#markConnected = resolve;
    });
    this.#running = this.#loop();
  }

  async waitFor(
    done: (events: readonly StreamedEvent[]) => boolean,
    timeoutMs: number,
  ): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!done(this.events)) {
      if (Date.now() > deadline)
        throw new Error(`the awaited events did not arrive within ${String(timeoutMs)} ms`);
      await sleep(250);
    }
  }

  async stop(): Promise<void> {
    this.#stop.abort();
    await this.#running;
  }

  #stopped(): boolean {
    return this.#stop.signal.aborted;
  }

  async #loop(): Promise<void> {
    let token: string | undefined;
    let opened = 0;
    while (!this.#stop.signal.aborted) {
      try {
        token ??= await this.#options.login();
        const response = await fetch(`${this.#options.base}/events`, {
          headers: {
            authorization: `Bearer ${token}`,
            accept: 'text/event-stream',
            ...(this.#lastId === undefined ? {} : { 'last-event-id': String(this.#lastId) }),
          },
          signal: this.#stop.signal,
        });
        if (response.status === 401) {
          token = undefined;
          throw new Error('401: token refused, logging in again');
        }
        if (response.status !== 200 || response.body === null)
          throw new Error(`/events answered ${String(response.status)}`);
        if (opened > 0) this.reconnects += 1;
        opened += 1;
        this.#markConnected();
        await this.#read(response.body as AsyncIterable<Uint8Array>);
        throw new Error('the stream ended');
      } catch (error) {
        if (this.#stopped()) break;
        this.interruptions.push(error instanceof Error ? error.message : String(error));
        await sleep(this.#options.retryMs ?? 500);
      }
    }
  }

  async #read(body: AsyncIterable<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of body) {
      buffer += decoder.decode(chunk, { stream: true });
      for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let id: number | undefined;
        const data: string[] = [];
        for (const line of block.split('\n')) {
          if (line.startsWith('id:')) id = Number(line.slice(3).trim());
          else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
        }
        if (id === undefined || data.length === 0) continue;
        const parsed = JSON.parse(data.join('\n')) as {
          eventName: string;
          txId: string;
          blockNumber: number;
        };
        this.events.push({
          id,
          eventName: parsed.eventName,
          txId: parsed.txId,
          blockNumber: parsed.blockNumber,
        });
        this.#lastId = id;
      }
    }
  }
}

/** Opens a reconnecting /events stream of a gateway (only events from now on, then resumed by ID). */
export function streamEvents(options: StreamOptions): EventStreamClient {
  return new Stream(options);
}
