// Chain benchmark: committed signed MsgSend per second through broadcast_tx_sync from many funded
// accounts, beside raw native secp256k1 verifications per second measured in the same run, and
// the node's RSS after the run. Prints figures only. Run: node --import tsx test/bench/chain-throughput.ts [txs] [accounts] [batch]
import secp256k1 from "secp256k1";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { makeHome, startNode } from "../helpers/chain.ts";
import { accountInfo, signedSend, signerFromMnemonic } from "../helpers/txs.ts";

const TOTAL = Number(process.argv[2] ?? 100_000);
const ACCOUNTS = Number(process.argv[3] ?? 50);
const BATCH = Number(process.argv[4] ?? 20);

function verifyRate(): number {
  const priv = createHash("sha256").update("bench").digest();
  const msg = createHash("sha256").update("msg").digest();
  const pub = secp256k1.publicKeyCreate(priv, true);
  const { signature } = secp256k1.ecdsaSign(msg, priv);
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < 1000) {
    for (let i = 0; i < 100; i++) secp256k1.ecdsaVerify(signature, msg, pub);
    n += 100;
  }
  return n / ((performance.now() - t0) / 1000);
}

async function committedCount(api: string): Promise<number> {
  const text = await (await fetch(`${api}/metrics`)).text();
  const m = /^trainchain_txs_committed_total (\d+)/m.exec(text);
  return m ? Number(m[1]) : 0;
}

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const m = /VmRSS:\s+(\d+) kB/.exec(status);
  return m ? Number(m[1]) / 1024 : NaN;
}

async function main(): Promise<void> {
  const verifies = verifyRate();
  console.log(`raw secp256k1 verify: ${verifies.toFixed(0)}/s (one core, native addon)`);
  const home = await makeHome({ chainId: "bench-1", accounts: ACCOUNTS });
  const node = await startNode(home.home, { blockTime: "1s", ...(process.env.BENCH_PROF ? { nodeArgs: ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_PROF}`] } : {}) });
  try {
    const signers = await Promise.all(home.keys.slice(1).map((k) => signerFromMnemonic(k.mnemonic)));
    const perAccount = Math.ceil(TOTAL / ACCOUNTS);
    console.log(`pre-signing ${perAccount * ACCOUNTS} txs from ${ACCOUNTS} accounts…`);
    const queues: Uint8Array[][] = [];
    for (let a = 0; a < signers.length; a++) {
      const s = signers[a]!;
      const info = await accountInfo(node.rpc, s.address);
      const q: Uint8Array[] = [];
      for (let i = 0; i < perAccount; i++) {
        q.push(signedSend(s, { chainId: "bench-1", accountNumber: info.accountNumber, sequence: info.sequence + BigInt(i), to: signers[(a + 1) % signers.length]!.address, fee: "5000", gas: 100_000n }));
      }
      queues.push(q);
    }
    const total = perAccount * ACCOUNTS;
    const base = await committedCount(node.api);
    const rss0 = rssMiB(node.proc.pid!);
    // One sender per account keeps each account's txs in sequence order; all accounts in parallel.
    let rejected = 0;
    let firstError = "";
    const t0 = performance.now();
    // Each account sends its txs in order as JSON-RPC batches of BATCH broadcast_tx_sync calls
    // (CometBFT's batch form: one HTTP round trip, answered call by call in order).
    const call = (tx: Uint8Array, id: number): string => `{"jsonrpc":"2.0","id":${id},"method":"broadcast_tx_sync","params":{"tx":"${Buffer.from(tx).toString("base64")}"}}`;
    async function sender(queue: Uint8Array[]): Promise<void> {
      for (let start = 0; start < queue.length; ) {
        const chunk = queue.slice(start, start + BATCH);
        const res = (await (await fetch(node.rpc, { method: "POST", body: `[${chunk.map((tx, i) => call(tx, i)).join(",")}]`, headers: { "content-type": "application/json" } })).json()) as { result?: { code: number; log: string } }[];
        let accepted = 0;
        for (const r of res) {
          const code = r.result?.code ?? -1;
          if (code === 20) break; // mempool full: resend from here after a pause
          if (code !== 0) {
            rejected++;
            firstError ||= `code ${code}: ${r.result?.log ?? JSON.stringify(r)}`;
          }
          accepted++;
        }
        start += accepted;
        if (accepted < chunk.length) await new Promise((r) => setTimeout(r, 50));
      }
    }
    await Promise.all(queues.map((q) => sender(q)));
    const tSent = performance.now();
    let committed = 0;
    for (;;) {
      committed = (await committedCount(node.api)) - base;
      if (committed >= total - rejected) break;
      if (performance.now() - tSent > 120_000) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const t1 = performance.now();
    const seconds = (t1 - t0) / 1000;
    const tps = committed / seconds;
    const rss = rssMiB(node.proc.pid!);
    console.log(`sent as JSON-RPC batches of ${BATCH} broadcast_tx_sync calls per account stream`);
    console.log(`submitted ${total} txs in ${((tSent - t0) / 1000).toFixed(1)} s (${rejected} rejected at CheckTx${firstError ? `; first: ${firstError}` : ""})`);
    console.log(`committed ${committed} signed MsgSend in ${seconds.toFixed(1)} s: ${tps.toFixed(0)} tx/s`);
    console.log(`ratio committed tx/s ÷ raw verify/s: ${(tps / verifies).toFixed(3)}  (targets: ≥ 3000 tx/s, ratio ≥ 0.2)`);
    console.log(`node RSS: ${rss0.toFixed(0)} MiB before, ${rss.toFixed(0)} MiB after ${committed} txs`);
  } finally {
    await node.stop();
    home.cleanup();
  }
}

await main();
