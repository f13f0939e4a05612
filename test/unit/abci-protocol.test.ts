// The ABCI socket protocol against request bytes written by hand from the CometBFT v0.38 spec
// (tendermint/abci/types.proto field numbers): pipelining, Flush, Info + replay after a restart,
// exceptions, and malformed frames that close only their own connection.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { connect, type Socket } from "node:net";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { pino, type Logger } from "pino";
import { DirectSecp256k1HdWallet } from "@cosmjs/proto-signing";
import { SigningStargateClient } from "@cosmjs/stargate";
import { TxRaw } from "cosmjs-types/cosmos/tx/v1beta1/tx";
import { QueryAccountRequest, QueryAccountResponse } from "cosmjs-types/cosmos/auth/v1beta1/query";
import { BaseAccount } from "cosmjs-types/cosmos/auth/v1beta1/auth";
import { Response } from "cosmjs-types/tendermint/abci/types";
import { TrainchainApp } from "../../chain/app.ts";
import { ChainDb } from "../../chain/store/db.ts";
import { readGenesis } from "../../chain/node/genesis.ts";
import { homePaths } from "../../chain/node/config.ts";
import { AbciServer } from "../../chain/abci/server.ts";
import { FrameDecoder, encodeFrame } from "../../chain/abci/frame.ts";
import { makeHome, type TestHome } from "../helpers/chain.ts";
import { referenceVarint } from "../helpers/varint.ts";

// ---- a protobuf writer small enough to check by eye ----
const varint = referenceVarint;
const utf8 = (s: string): number[] => [...new TextEncoder().encode(s)];
/** Length-delimited field (wire type 2). */
const ld = (field: number, bytes: ArrayLike<number>): number[] => [...varint((field << 3) | 2), ...varint(bytes.length), ...Array.from(bytes)];
/** Varint field (wire type 0). */
const vi = (field: number, n: number | bigint): number[] => [...varint(field << 3), ...varint(n)];
const frame = (body: number[]): number[] => [...varint(body.length), ...body];
const hex = (bytes: ArrayLike<number>): string => Buffer.from(Array.from(bytes)).toString("hex");

// Request oneof fields: echo 1, flush 2, info 3, init_chain 5, query 6, check_tx 8, commit 11,
// list_snapshots 12, offer_snapshot 13, finalize_block 20.
const REQ = {
  echo: (msg: string): number[] => ld(1, ld(1, utf8(msg))),
  flush: (): number[] => ld(2, []),
  info: (): number[] => ld(3, [...ld(1, utf8("0.38.12")), ...vi(2, 11), ...vi(3, 8), ...ld(4, utf8("2.0.0"))]),
  initChain: (seconds: bigint, chainId: string, appState: Uint8Array): number[] => ld(5, [...ld(1, vi(1, seconds)), ...ld(2, utf8(chainId)), ...ld(5, appState), ...vi(6, 1)]),
  query: (path: string, data: Uint8Array): number[] => ld(6, [...ld(1, data), ...ld(2, utf8(path))]),
  checkTx: (tx: ArrayLike<number>, recheck: boolean): number[] => ld(8, [...ld(1, tx), ...(recheck ? vi(2, 1) : [])]),
  commit: (): number[] => ld(11, []),
  listSnapshots: (): number[] => ld(12, []),
  offerSnapshot: (): number[] => ld(13, []),
  finalizeBlock: (height: number, seconds: bigint, txs: Uint8Array[]): number[] =>
    ld(20, [...txs.flatMap((t) => ld(1, t)), ...ld(4, new Array<number>(32).fill(height)), ...vi(5, height), ...ld(6, vi(1, seconds)), ...ld(8, new Array<number>(20).fill(7))]),
};

/** A raw connection that collects decoded response frames. */
class RawConn {
  readonly frames: Uint8Array[] = [];
  closed = false;
  private readonly decoder = new FrameDecoder();
  private waiters: (() => void)[] = [];

  private constructor(readonly socket: Socket) {
    socket.on("data", (c: Buffer) => {
      for (const e of this.decoder.push(c)) if (e.kind === "frame") this.frames.push(e.body);
      this.wake();
    });
    socket.on("close", () => {
      this.closed = true;
      this.wake();
    });
  }

  static async open(path: string): Promise<RawConn> {
    const socket = connect(path);
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", resolve);
      socket.once("error", reject);
    });
    return new RawConn(socket);
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  send(bytes: number[]): void {
    this.socket.write(Uint8Array.from(bytes));
  }

  async until(pred: () => boolean, what: string): Promise<void> {
    const deadline = Date.now() + 10_000;
    while (!pred()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  /** Sends the frames and waits for `count` responses, returned decoded. */
  async exchange(bytes: number[], count: number): Promise<Response[]> {
    const start = this.frames.length;
    this.send(bytes);
    await this.until(() => this.frames.length >= start + count, `${count} responses`);
    return this.frames.slice(start, start + count).map((f) => Response.decode(f));
  }

  close(): void {
    this.socket.destroy();
  }
}

function capture(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb): void {
      lines.push(chunk.toString());
      cb();
    },
  });
  return { logger: pino({ level: "info" }, stream), lines };
}

function oneofOf(r: Response): string {
  return Object.entries(r).find(([, v]) => v !== undefined)![0];
}

describe("ABCI socket protocol (hand-encoded CometBFT v0.38 bytes)", { timeout: 120_000 }, () => {
  let home: TestHome;
  let dir: string;
  let socketPath: string;
  let db: ChainDb;
  let server: AbciServer;
  const log = capture();
  let appState: Uint8Array;
  let chainId: string;
  let signedSend: Uint8Array;
  const genesisSeconds = 1_700_000_000n;

  async function startApp(): Promise<void> {
    db = await ChainDb.open(homePaths(home.home).db);
    const app = await TrainchainApp.open({ db, logger: log.logger, minGasPrices: [{ denom: "utrain", ppm: 25_000n }] });
    server = await AbciServer.listen(app, { address: `unix://${socketPath}`, logger: log.logger, maxFrameBytes: 1 << 20 });
  }

  async function stopApp(): Promise<void> {
    await server.close();
    await db.close();
  }

  before(async () => {
    home = await makeHome({ chainId: "abci-proto-1", accounts: 2 });
    dir = mkdtempSync(join(tmpdir(), "abci-proto-"));
    socketPath = join(dir, "app.sock");
    const genesis = readGenesis(homePaths(home.home).genesis);
    chainId = genesis.chain_id;
    appState = new TextEncoder().encode(JSON.stringify(genesis.app_state));
    await startApp();
  });

  after(async () => {
    await stopApp();
    home.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it("answers Echo with the exact bytes and Flush with an empty flush", async () => {
    const c = await RawConn.open(socketPath);
    // Request{echo{message:"hi"}} = 0a 04 0a 02 68 69, framed with length 6
    assert.equal(hex(frame(REQ.echo("hi"))), "060a040a026869");
    c.send(frame(REQ.echo("hi")));
    c.send(frame(REQ.flush()));
    await c.until(() => c.frames.length >= 2, "echo + flush");
    // Response{echo{message:"hi"}} = 12 04 0a 02 68 69 ; Response{flush{}} = 1a 00
    assert.equal(hex(c.frames[0]!), "12040a026869");
    assert.equal(hex(c.frames[1]!), "1a00");
    c.close();
  });

  it("InitChain, then empty Info is height 0", async () => {
    const c = await RawConn.open(socketPath);
    const [info] = await c.exchange(frame(REQ.info()), 1);
    // Response{info{data:"trainchain", version:"0.1.0", app_version:1}} with height 0 and no app hash
    assert.equal(hex(Response.encode(info!).finish()), hex([...ld(4, [...ld(1, utf8("trainchain")), ...ld(2, utf8("0.1.0")), ...vi(3, 1)])]));
    const [init] = await c.exchange(frame(REQ.initChain(genesisSeconds, chainId, appState)), 1);
    assert.equal(oneofOf(init!), "initChain");
    assert.equal(init!.initChain!.validators.length, 1);
    assert.equal(init!.initChain!.validators[0]!.power, 100n);
    assert.equal(init!.initChain!.appHash.length, 32);
    c.close();
  });

  it("answers pipelined CheckTx (NEW and RECHECK) then Flush strictly in order, even fed a byte at a time", async () => {
    // sign a real bank send for the first account, with the account number the app reports
    const k0 = home.keys[1]!;
    const wallet = await DirectSecp256k1HdWallet.fromMnemonic(k0.mnemonic, { prefix: "train" });
    const signer = await SigningStargateClient.offline(wallet);
    const q = await RawConn.open(socketPath);
    const [acct] = await q.exchange(frame(REQ.query("/cosmos.auth.v1beta1.Query/Account", QueryAccountRequest.encode({ address: k0.address }).finish())), 1);
    assert.equal(acct!.query!.code, 0, acct!.query!.log);
    const base = BaseAccount.decode(QueryAccountResponse.decode(acct!.query!.value).account!.value);
    const signed = await signer.sign(
      k0.address,
      [{ typeUrl: "/cosmos.bank.v1beta1.MsgSend", value: { fromAddress: k0.address, toAddress: home.keys[2]!.address, amount: [{ denom: "utrain", amount: "5" }] } }],
      { amount: [{ denom: "utrain", amount: "2500" }], gas: "100000" },
      "",
      { accountNumber: base.accountNumber, sequence: 0, chainId },
    );
    signedSend = TxRaw.encode(signed).finish();
    q.close();

    const c = await RawConn.open(socketPath);
    const garbage = [1, 2, 3, 4, 5, 250, 251];
    const bytes = [
      ...frame(REQ.checkTx(garbage, false)),
      ...frame(REQ.checkTx(signedSend, false)),
      ...frame(REQ.echo("between")),
      ...frame(REQ.checkTx(signedSend, true)),
      ...frame(REQ.flush()),
    ];
    for (const b of bytes) c.send([b]);
    await c.until(() => c.frames.length >= 5, "five responses");
    const res = c.frames.map((f) => Response.decode(f));
    assert.deepEqual(res.map(oneofOf), ["checkTx", "checkTx", "echo", "checkTx", "flush"]);
    // Response.check_tx is field 9 (0x4a); ResponseCheckTx.code (field 1) = 2: sdk tx decode error
    assert.equal(c.frames[0]![0], 0x4a);
    assert.equal(hex(c.frames[0]!.subarray(2, 4)), "0802");
    assert.equal(res[0]!.checkTx!.codespace, "sdk");
    assert.equal(res[1]!.checkTx!.code, 0, res[1]!.checkTx!.log);
    assert.equal(res[1]!.checkTx!.gasWanted, 100000n);
    assert.equal(res[2]!.echo!.message, "between");
    // RECHECK runs against the check state, where the sequence already advanced: wrong sequence (32)
    assert.equal(res[3]!.checkTx!.code, 32);
    assert.equal(hex(c.frames[4]!), "1a00");
    c.close();
  });

  it("answers snapshot requests empty / ABORT", async () => {
    const c = await RawConn.open(socketPath);
    const [list, offer] = await c.exchange([...frame(REQ.listSnapshots()), ...frame(REQ.offerSnapshot())], 2);
    // Response.list_snapshots (field 13) empty; offer_snapshot (field 14) {result: ABORT=2}
    assert.equal(hex(Response.encode(list!).finish()), "6a00");
    assert.equal(hex(Response.encode(offer!).finish()), "72020802");
    c.close();
  });

  const appHashes: Uint8Array[] = [];

  it("FinalizeBlock returns one result per tx; Commit persists; a crash before Commit leaves the app one block behind", async () => {
    const c = await RawConn.open(socketPath);
    const garbage = Uint8Array.from([9, 9, 9]);
    const [fb1, commit1] = await c.exchange([...frame(REQ.finalizeBlock(1, genesisSeconds + 1n, [signedSend, garbage])), ...frame(REQ.commit())], 2);
    assert.equal(oneofOf(fb1!), "finalizeBlock");
    assert.equal(fb1!.finalizeBlock!.txResults.length, 2);
    assert.equal(fb1!.finalizeBlock!.txResults[0]!.code, 0, fb1!.finalizeBlock!.txResults[0]!.log);
    assert.equal(fb1!.finalizeBlock!.txResults[1]!.code, 2);
    assert.ok(fb1!.finalizeBlock!.txResults[0]!.events.some((e) => e.type === "transfer"));
    // Response.commit is field 12: 62 00 (retain_height 0 = keep every block)
    assert.equal(hex(Response.encode(commit1!).finish()), "6200");
    appHashes.push(fb1!.finalizeBlock!.appHash);
    const [fb2] = await c.exchange([...frame(REQ.finalizeBlock(2, genesisSeconds + 2n, [])), ...frame(REQ.commit())], 2);
    appHashes.push(fb2!.finalizeBlock!.appHash);
    const [fb3] = await c.exchange(frame(REQ.finalizeBlock(3, genesisSeconds + 3n, [])), 1);
    appHashes.push(fb3!.finalizeBlock!.appHash);
    // a height other than last+1 is refused with an exception (CometBFT halts on it)
    const [wrong] = await c.exchange(frame(REQ.finalizeBlock(7, genesisSeconds + 4n, [])), 1);
    assert.equal(oneofOf(wrong!), "exception");
    assert.match(wrong!.exception!.error, /height 7/);
    c.close();
    // "crash": the app goes away with block 3 finalized but not committed
    await stopApp();
  });

  it("after the restart Info reports the last committed height and app hash; CometBFT's replay of block 3 gives the same app hash", async () => {
    await startApp();
    const c = await RawConn.open(socketPath);
    const [info] = await c.exchange(frame(REQ.info()), 1);
    const expected = ld(4, [...ld(1, utf8("trainchain")), ...ld(2, utf8("0.1.0")), ...vi(3, 1), ...vi(4, 2), ...ld(5, appHashes[1]!)]);
    assert.equal(hex(Response.encode(info!).finish()), hex(expected));
    const [fb3, commit3, info3] = await c.exchange([...frame(REQ.finalizeBlock(3, genesisSeconds + 3n, [])), ...frame(REQ.commit()), ...frame(REQ.info())], 3);
    assert.deepEqual(fb3!.finalizeBlock!.appHash, appHashes[2]);
    assert.equal(oneofOf(commit3!), "commit");
    assert.equal(info3!.info!.lastBlockHeight, 3n);
    assert.deepEqual(info3!.info!.lastBlockAppHash, appHashes[2]);
    c.close();
  });

  for (const [name, bytes, reason] of [
    ["an oversized length prefix", [...varint(2n ** 40n)], /exceeds the limit/],
    ["a length prefix that is no varint", new Array<number>(11).fill(0x80), /longer than 10 bytes/],
    ["bad protobuf", frame([0x0a, 0x05, 0x01]), /undecodable Request/],
    ["an unknown oneof (field 7, v0.37 begin_block)", frame(ld(7, [])), /unknown oneof/],
    ["an empty Request", frame([]), /unknown oneof/],
  ] as const) {
    it(`closes the connection on ${name}, logs it, and keeps serving the others`, async () => {
      const bystander = await RawConn.open(socketPath);
      const bad = await RawConn.open(socketPath);
      const before = log.lines.length;
      // a good request first: it is still answered before the connection closes
      bad.send([...frame(REQ.echo("first")), ...bytes, ...frame(REQ.echo("never"))]);
      await bad.until(() => bad.closed, "the connection to close");
      assert.deepEqual(bad.frames.map((f) => Response.decode(f).echo?.message), ["first"]);
      const lines = log.lines.slice(before).filter((l) => l.includes("malformed ABCI frame"));
      assert.equal(lines.length, 1);
      assert.match(lines[0]!, reason);
      const [echo, info] = await bystander.exchange([...frame(REQ.echo("still here")), ...frame(REQ.info())], 2);
      assert.equal(echo!.echo!.message, "still here");
      assert.equal(info!.info!.lastBlockHeight, 3n);
      bystander.close();
    });
  }

  it("frames round-trip through the decoder however the bytes are split", () => {
    const bodies = [new Uint8Array(0), Uint8Array.of(1), new Uint8Array(300).fill(7), new Uint8Array(70_000).fill(3)];
    const stream = Buffer.concat(bodies.map((b) => encodeFrame(b)));
    for (const step of [1, 2, 7, 129, 4096, stream.length]) {
      const d = new FrameDecoder();
      const got: Uint8Array[] = [];
      for (let i = 0; i < stream.length; i += step) for (const e of d.push(stream.subarray(i, i + step))) if (e.kind === "frame") got.push(e.body);
      assert.deepEqual(got.map((g) => g.length), bodies.map((b) => b.length));
    }
    // 300 = ac 02
    assert.equal(hex(encodeFrame(new Uint8Array(300)).subarray(0, 2)), "ac02");
  });
});
