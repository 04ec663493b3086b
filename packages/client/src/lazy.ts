/**
 * A part of the client that only some pages use (the operators' views, the browser tool host),
 * imported the first time it is needed, so a chat-only page never downloads it. `now` is the part
 * once it has arrived: what the session tells it before then concerns nothing it holds yet.
 */
export class Lazy<T> {
  now: T | undefined;
  private loading: Promise<T> | undefined;

  constructor(private readonly load: () => Promise<T>) {}

  get(): Promise<T> {
    return (this.loading ??= this.load().then(
      (part) => (this.now = part),
      (error: unknown) => {
        // A chunk that failed to load (offline, a redeploy) is asked for again next time.
        this.loading = undefined;
        throw error;
      },
    ));
  }

  /**
   * Runs `start` on the part once it is in and returns its undo at once, for APIs that answer
   * synchronously: undone before the part arrives, `start` never runs.
   */
  start(start: (part: T) => () => void): () => void {
    let undo: (() => void) | undefined;
    let undone = false;
    void this.get().then((part) => {
      if (!undone) undo = start(part);
    });
    return () => {
      undone = true;
      undo?.();
      undo = undefined;
    };
  }
}
