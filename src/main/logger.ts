// Where the backend writes what went wrong: the shells pass a console or a file logger.
export interface Logger {
  error(message: string, err?: unknown): void;
  warn?(message: string): void;
  info?(message: string): void;
}
