// The module interface: what a module registers with the application.
import type { ValidatorUpdate } from "cosmjs-types/tendermint/abci/types";
import type { Context } from "./context.ts";

export interface ProtoCodec<M> {
  encode(message: M): { finish(): Uint8Array };
  decode(bytes: Uint8Array): M;
}

export interface MsgResponse {
  typeUrl: string;
  value: Uint8Array;
}

export interface MsgHandler<M> {
  typeUrl: string;
  codec: ProtoCodec<M>;
  /** Bech32 addresses that must sign the message, in order. */
  signers(msg: M): string[];
  /** Stateless checks; throws an AppError that says what is wrong. */
  validateBasic(msg: M): void;
  handle(ctx: Context, msg: M): MsgResponse;
}

export interface QueryHandler {
  /** gRPC-style ABCI query path, e.g. "/cosmos.bank.v1beta1.Query/Balance". */
  path: string;
  handle(ctx: Context, request: Uint8Array): Uint8Array;
}

export interface Invariant {
  name: string;
  /** Returns a description of the broken invariant, or undefined when it holds. */
  check(ctx: Context): string | undefined;
}

export interface AppModule {
  name: string;
  /** One-byte store prefix (chain/app.ts keeps the table; never renumbered). */
  storePrefix: number;
  msgs: MsgHandler<unknown>[];
  queries: QueryHandler[];
  defaultGenesis(): unknown;
  initGenesis(ctx: Context, state: unknown): void;
  exportGenesis(ctx: Context): unknown;
  beginBlock?(ctx: Context): void;
  endBlock?(ctx: Context): ValidatorUpdate[] | void;
  invariants?: Invariant[];
}

/** Erases a handler's message type for registration (the router decodes before calling). */
export function msgHandler<M>(handler: MsgHandler<M>): MsgHandler<unknown> {
  return handler as unknown as MsgHandler<unknown>;
}
