// Errors with a codespace and a stable numeric code, as the Cosmos SDK registers them. A module
// registers its own codes under its own codespace; `sdk` codes follow cosmos-sdk/types/errors.

export class AppError extends Error {
  constructor(
    readonly codespace: string,
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = "AppError";
  }
}

export interface RegisteredError {
  codespace: string;
  code: number;
  description: string;
  /** Builds the error with a message that says what was wrong (prefixed by the description as the SDK does). */
  wrap(detail: string): AppError;
}

const registry = new Map<string, RegisteredError>();

export function registerError(codespace: string, code: number, description: string): RegisteredError {
  const id = `${codespace}/${code}`;
  const existing = registry.get(id);
  if (existing) {
    if (existing.description !== description) throw new Error(`error ${id} registered twice`);
    return existing;
  }
  const err: RegisteredError = {
    codespace,
    code,
    description,
    wrap: (detail: string) => new AppError(codespace, code, detail ? `${detail}: ${description}` : description),
  };
  registry.set(id, err);
  return err;
}

export function registeredErrors(): RegisteredError[] {
  return [...registry.values()];
}

export const SdkErrors = {
  TxDecode: registerError("sdk", 2, "tx parse error"),
  InvalidSequence: registerError("sdk", 3, "invalid sequence"),
  Unauthorized: registerError("sdk", 4, "unauthorized"),
  InsufficientFunds: registerError("sdk", 5, "insufficient funds"),
  UnknownRequest: registerError("sdk", 6, "unknown request"),
  InvalidAddress: registerError("sdk", 7, "invalid address"),
  InvalidPubKey: registerError("sdk", 8, "invalid pubkey"),
  UnknownAddress: registerError("sdk", 9, "unknown address"),
  InvalidCoins: registerError("sdk", 10, "invalid coins"),
  OutOfGas: registerError("sdk", 11, "out of gas"),
  MemoTooLarge: registerError("sdk", 12, "memo too large"),
  InsufficientFee: registerError("sdk", 13, "insufficient fee"),
  TooManySignatures: registerError("sdk", 14, "maximum number of signatures exceeded"),
  NoSignatures: registerError("sdk", 15, "no signatures supplied"),
  InvalidRequest: registerError("sdk", 18, "invalid request"),
  TxInMempoolCache: registerError("sdk", 19, "tx already in mempool"),
  MempoolIsFull: registerError("sdk", 20, "mempool is full"),
  TxTooLarge: registerError("sdk", 21, "tx too large"),
  KeyNotFound: registerError("sdk", 22, "key not found"),
  InvalidGasLimit: registerError("sdk", 26, "invalid gas limit"),
  TxTimeoutHeight: registerError("sdk", 30, "tx timeout height"),
  WrongSequence: registerError("sdk", 32, "incorrect account sequence"),
  InvalidType: registerError("sdk", 29, "invalid type"),
  NotSupported: registerError("sdk", 37, "feature not supported"),
  NotFound: registerError("sdk", 38, "not found"),
  Panic: registerError("undefined", 111222, "panic"),
} as const;

/** Maps anything thrown inside the state machine to (codespace, code, log). */
export function errorResult(err: unknown): { codespace: string; code: number; log: string } {
  if (err instanceof AppError) return { codespace: err.codespace, code: err.code, log: err.message };
  const message = err instanceof Error ? err.message : String(err);
  return { codespace: "undefined", code: 1, log: `internal error: ${message}` };
}

/** Quotes user input for an error message (JSON.stringify is banned in state-machine code). */
export function quote(s: string): string {
  const shown = s.length > 80 ? `${s.slice(0, 80)}…` : s;
  return `"${shown.replace(/["\\]/g, (c) => `\\${c}`).replace(/[\u0000-\u001f]/g, "?")}"`;
}
