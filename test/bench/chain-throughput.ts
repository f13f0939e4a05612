// Chain benchmark: committed signed MsgSend per second through broadcast_tx_sync from many funded
// accounts, beside raw native secp256k1 verifications per second measured in the same run, and
// the node's RSS after the run. Prints figures only. Run: node --import tsx test/bench/chain-throughput.ts [txs] [accounts] [batch]
import secp256k1 from "secp256k1";
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Agent, request } from "node:http";
import { makeHome, startNode } from "../helpers/chain.ts";
import { describeShares, machineShares, machineTicks } from "./machine.ts";
import { accountInfo, signedSend, signerFromMnemonic } from "../helpers/txs.ts";

const TOTAL = Number(process.argv[2] ?? 100_000);
const ACCOUNTS = Number(process.argv[3] ?? 50);
const BATCH = Number(process.argv[4] ?? 20);
/**
 * The chain runs with the genesis `trainchain init` writes (CometBFT's default block params: no
 * block gas limit, 21 MiB blocks). BENCH_MAX_GAS sets another block gas limit for experiments
 * (100,000,000 holds 1,000 of these 100,000-gas sends: with 1 s blocks, a 1,000 tx/s cap).
 */
const BLOCK_MAX_GAS = process.env.BENCH_MAX_GAS;

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

/** The node's Prometheus /metrics text. */
async function metricsText(api: string): Promise<string> {
  return (await fetch(`${api}/metrics`)).text();
}

/** One unlabelled sample of a metric (NaN when absent). */
function metricValue(text: string, name: string): number {
  return Number(new RegExp(`^${name} (\\S+)`, "m").exec(text)?.[1] ?? NaN);
}

/** The node's V8 heap in use and its external (ArrayBuffer, native) memory. */
async function heapMiB(api: string): Promise<{ heap: number; external: number }> {
  const text = await metricsText(api);
  return { heap: metricValue(text, "nodejs_heap_size_used_bytes") / 2 ** 20, external: metricValue(text, "nodejs_external_memory_bytes") / 2 ** 20 };
}

/** Seconds the node's main thread spent in GC so far, by kind (minor = scavenge, major = mark-compact, incremental, weakcb). */
async function gcSeconds(api: string): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const m of (await metricsText(api)).matchAll(/^nodejs_gc_duration_seconds_sum\{kind="(\w+)"\} (\S+)/gm)) out.set(m[1]!, Number(m[2]));
  return out;
}

async function committedCount(api: string): Promise<number> {
  return metricValue(await metricsText(api), "trainchain_txs_committed_total") || 0;
}

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const m = /VmRSS:\s+(\d+) kB/.exec(status);
  return m ? Number(m[1]) / 1024 : NaN;
}

/** utime + stime, in seconds, from a /proc/…/stat line (clock ticks, USER_HZ = 100). */
function statSeconds(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** CPU seconds (user + system, all threads) a process has used so far. */
function cpuSeconds(pid: number): number {
  return statSeconds(readFileSync(`/proc/${pid}/stat`, "utf8"));
}

/** CPU seconds of each of a process's threads, keyed "comm#tid" ("comm#main" for the main thread). */
function threadSeconds(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
      const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      out.set(`${name}#${tid === String(pid) ? "main" : tid}`, statSeconds(stat));
    } catch {
      // the thread exited
    }
  }
  return out;
}

/** Seconds the process's main thread (the event loop) has run so far, and waited runnable for a core. */
function mainThreadSeconds(pid: number): { run: number; wait: number } {
  const [run, wait] = readFileSync(`/proc/${pid}/task/${pid}/schedstat`, "utf8").split(" ").map(Number);
  return { run: run! / 1e9, wait: wait! / 1e9 };
}

async function main(): Promise<void> {
  // Measured before and after the load (the node stopped): this VM's speed drifts by tens of
  // percent within minutes, and the ratio uses the mean of the two.
  const verifiesBefore = verifyRate();
  console.log(`raw secp256k1 verify: ${verifiesBefore.toFixed(0)}/s before the run (one core, native addon)`);
  const home = await makeHome({ chainId: "bench-1", accounts: ACCOUNTS });
  const genesisPath = join(home.home, "config", "genesis.json");
  const genesis = JSON.parse(readFileSync(genesisPath, "utf8")) as { consensus_params: { block: { max_gas: string } } };
  if (BLOCK_MAX_GAS !== undefined) {
    genesis.consensus_params.block.max_gas = BLOCK_MAX_GAS;
    writeFileSync(genesisPath, JSON.stringify(genesis, null, 2));
  }
  const maxGas = genesis.consensus_params.block.max_gas;
  // BENCH_PROF=<dir> profiles the node's threads; BENCH_NODE_ARGS adds node flags (experiments;
  // BENCH_NODE_LOG below keeps what they print).
  const nodeArgs = [...(process.env.BENCH_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_PROF}`] : []), ...(process.env.BENCH_NODE_ARGS?.split(" ").filter(Boolean) ?? [])];
  const node = await startNode(home.home, { blockTime: "1s", nodeArgs });
  let committedTps: number | undefined;
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
    // Each account sends its txs in order as JSON-RPC batches of BATCH broadcast_tx_sync calls
    // (CometBFT's batch form: one HTTP round trip, answered call by call in order). The calls are
    // encoded before the clock starts, so the client spends its share of the 2 cores on sending.
    const calls = queues.map((q) => q.map((tx, i) => `{"jsonrpc":"2.0","id":${i},"method":"broadcast_tx_sync","params":{"tx":"${Buffer.from(tx).toString("base64")}"}}`));
    const base = await committedCount(node.api);
    const gc0 = await gcSeconds(node.api);
    const rss0 = rssMiB(node.proc.pid!);
    // One sender per account keeps each account's txs in sequence order; all accounts in parallel.
    let rejected = 0;
    let firstError = "";
    const cpuNode0 = cpuSeconds(node.proc.pid!);
    const cpuClient0 = cpuSeconds(process.pid);
    const cpuMain0 = mainThreadSeconds(node.proc.pid!);
    const threads0 = threadSeconds(node.proc.pid!);
    const machine0 = machineTicks();
    const t0 = performance.now();
    // node:http with keep-alive: the client shares the 2 cores with the node, and fetch costs
    // several times more CPU per request.
    const agent = new Agent({ keepAlive: true, maxSockets: ACCOUNTS });
    const rpcUrl = new URL(node.rpc);
    function post(body: string): Promise<string> {
      return new Promise((resolve, reject) => {
        const req = request(
          { host: rpcUrl.hostname, port: rpcUrl.port, path: "/", method: "POST", agent, headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) } },
          (res) => {
            let text = "";
            res.setEncoding("utf8");
            res.on("data", (d: string) => (text += d));
            res.on("end", () => resolve(text));
            res.on("error", reject);
          },
        );
        req.on("error", reject);
        req.end(body);
      });
    }
    async function sender(queue: string[]): Promise<void> {
      for (let start = 0; start < queue.length; ) {
        const chunk = queue.slice(start, start + BATCH);
        const res = JSON.parse(await post(`[${chunk.join(",")}]`)) as { result?: { code: number; log: string } }[];
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
    await Promise.all(calls.map((q) => sender(q)));
    agent.destroy();
    const tSent = performance.now();
    let committed = 0;
    for (;;) {
      committed = (await committedCount(node.api)) - base;
      if (committed >= total - rejected) break;
      if (performance.now() - tSent > 120_000) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const t1 = performance.now();
    const cpuNode = cpuSeconds(node.proc.pid!) - cpuNode0;
    const cpuClient = cpuSeconds(process.pid) - cpuClient0;
    const main1 = mainThreadSeconds(node.proc.pid!);
    const cpuMain = main1.run - cpuMain0.run;
    const waitMain = main1.wait - cpuMain0.wait;
    const machine = machineShares(machine0);
    const threads = [...threadSeconds(node.proc.pid!)].map(([name, s]) => [name, s - (threads0.get(name) ?? 0)] as const).filter(([, s]) => s > 0.05).sort((a, b) => b[1] - a[1]);
    const seconds = (t1 - t0) / 1000;
    const tps = committed / seconds;
    const rss = rssMiB(node.proc.pid!);
    const heap = await heapMiB(node.api);
    const gc = [...(await gcSeconds(node.api))].map(([kind, s]) => [kind, s - (gc0.get(kind) ?? 0)] as const).filter(([, s]) => s > 0);
    console.log(`sent as JSON-RPC batches of ${BATCH} broadcast_tx_sync calls per account stream; block time 1 s, block max_gas ${maxGas}`);
    console.log(`submitted ${total} txs in ${((tSent - t0) / 1000).toFixed(1)} s (${rejected} rejected at CheckTx${firstError ? `; first: ${firstError}` : ""})`);
    console.log(`committed ${committed} signed MsgSend in ${seconds.toFixed(1)} s: ${tps.toFixed(0)} tx/s`);
    committedTps = tps;
    console.log(`CPU during the run: node ${cpuNode.toFixed(1)} s (${((cpuNode * 1e6) / Math.max(committed, 1)).toFixed(0)} µs/tx, all threads; main thread ${((cpuMain * 1e6) / Math.max(committed, 1)).toFixed(0)} µs/tx, ${((100 * cpuMain) / seconds).toFixed(0)} % busy, ${((100 * waitMain) / seconds).toFixed(0)} % runnable waiting for a core), client ${cpuClient.toFixed(1)} s (${((cpuClient * 1e6) / Math.max(committed, 1)).toFixed(0)} µs/tx)`);
    console.log(`node CPU by thread (µs/tx): ${threads.map(([name, s]) => `${name} ${((s * 1e6) / Math.max(committed, 1)).toFixed(0)}`).join(", ")}`);
    console.log(`node main-thread GC (µs/tx): ${gc.map(([kind, s]) => `${kind} ${((s * 1e6) / Math.max(committed, 1)).toFixed(1)}`).join(", ")}`);
    console.log(`machine during the run: ${describeShares(machine)}`);
    console.log(`node RSS: ${rss0.toFixed(0)} MiB before, ${rss.toFixed(0)} MiB after ${committed} txs (V8 heap in use ${heap.heap.toFixed(0)} MiB, external ${heap.external.toFixed(0)} MiB)`);
  } finally {
    await node.stop();
    // BENCH_NODE_LOG=<file> keeps the node's output (its log, and any V8 trace flags' output).
    if (process.env.BENCH_NODE_LOG) writeFileSync(process.env.BENCH_NODE_LOG, node.log());
    home.cleanup();
  }
  if (committedTps !== undefined) {
    const verifiesAfter = verifyRate();
    const verifies = (verifiesBefore + verifiesAfter) / 2;
    console.log(`raw secp256k1 verify: ${verifiesAfter.toFixed(0)}/s after the run; mean ${verifies.toFixed(0)}/s`);
    console.log(`ratio committed tx/s ÷ raw verify/s (mean): ${(committedTps / verifies).toFixed(3)}  (targets: ≥ 3000 tx/s, ratio ≥ 0.2; against before / after alone: ${(committedTps / verifiesBefore).toFixed(3)} / ${(committedTps / verifiesAfter).toFixed(3)})`);
  }
}

await main();
