// A refusal with its own status, free of Next imports: server.ts's modules throw it too.
/** A refusal with its own status (401, 403, 503 …); the message is meant for the client. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}
