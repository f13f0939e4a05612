// The validator's verifier: each block, ask the chain which challenged proofs still await this
// validator's vote, re-execute their challenged intervals (bounded concurrency) and vote once.
import type { Logger } from "pino";
import { blobSignerFromMnemonic } from "../blob/auth.ts";
import { ArtifactStore, DEFAULT_CACHE_DIR } from "../proof/artifacts.ts";
import { ChainClient, TxError } from "../proof/chain.ts";
import { headSources, prepareTask, trainingContext, type PreparedTask } from "../proof/prepare.ts";
import { sleep } from "../proof/retry.ts";
import type { TrainingContext } from "../proof/task.ts";
import { verdictName } from "../../modules/training-task/validation.ts";
import { MsgSubmitVerification, type Proof, type Task } from "../../proto/trainchain/training_task/v1/generated.ts";
import { judgeChallengedProof } from "./verify.ts";

export interface VerifierOptions {
  rpc: string;
  blobBase: string;
  /** Mnemonic of a bonded validator's operator key. */
  mnemonic: string;
  /** Proofs verified at once (default 2). */
  concurrency?: number;
  log: Logger;
  cacheDir?: string;
  /** Poll interval for pending challenges, ms (default 500, about a block). */
  pollMs?: number;
  /** Attempts to fetch each checkpoint before voting UNAVAILABLE (default 4). */
  fetchAttempts?: number;
}

export interface VerifierHandle {
  stop(): Promise<void>;
  /** Resolves once the verifier checked its key and follows the chain; rejects with a one-line error. */
  ready: Promise<void>;
  /** Resolves when stopped; rejects with a one-line error when it cannot run. */
  done: Promise<void>;
  /** Votes cast by this process: proof id → verdict name. */
  readonly votes: ReadonlyMap<bigint, string>;
}

const VOTE = "/trainchain.training_task.v1.MsgSubmitVerification";

/** Refuses (one line) unless `address` operates a bonded, unjailed validator. */
export async function requireBondedValidator(c: ChainClient): Promise<void> {
  const v = await c.validator(c.address);
  if (!v) throw new Error(`key ${c.address} is not a validator operator: the verifier votes with a bonded validator's key (see "trainchain tx staking create-validator")`);
  if (v.jailed || BigInt(v.tokens || "0") === 0n) throw new Error(`validator ${c.address} is not bonded (${v.jailed ? "jailed" : "no bonded tokens"}); its votes would carry no stake`);
}

export function startVerifier(options: VerifierOptions): VerifierHandle {
  const log = options.log.child({ module: "verifier" });
  const concurrency = Math.max(1, options.concurrency ?? 2);
  const stopper = new AbortController();
  const votes = new Map<bigint, string>();
  const inflight = new Map<bigint, Promise<void>>();
  const failures = new Map<bigint, number>();
  const tasks = new Map<string, Promise<PreparedTask>>();
  const contexts = new Map<string, TrainingContext[]>();
  let chain: ChainClient | undefined;
  let markReady: () => void = () => undefined;
  let markFailed: (err: Error) => void = () => undefined;
  const ready = new Promise<void>((resolve, reject) => {
    markReady = resolve;
    markFailed = reject;
  });
  ready.catch(() => undefined);

  async function withContext<T>(p: PreparedTask, fn: (ctx: TrainingContext) => Promise<T>): Promise<T> {
    const key = `${p.taskId}:${p.stepGraphHash}`;
    const free = contexts.get(key) ?? [];
    contexts.set(key, free);
    const ctx = free.pop() ?? (await trainingContext(p, log));
    try {
      return await fn(ctx);
    } finally {
      free.push(ctx);
    }
  }

  async function verify(c: ChainClient, store: ArtifactStore, proof: Proof): Promise<void> {
    const plog = log.child({ proofId: proof.id.toString(), taskId: proof.taskId.toString(), segment: proof.segment.toString() });
    const task: Task | undefined = await c.task(proof.taskId);
    if (!task) throw new Error(`task ${proof.taskId} of proof ${proof.id} not found`);
    const key = proof.taskId.toString();
    let prepared = tasks.get(key);
    if (!prepared) {
      prepared = prepareTask(task, c, store);
      tasks.set(key, prepared);
      prepared.catch(() => tasks.delete(key));
    }
    const p = await prepared;
    const started = Date.now();
    const judgement = await withContext(p, async (ctx) =>
      judgeChallengedProof(ctx, {
        proof,
        prepared: p,
        headUris: await headSources(task, c),
        fetch: (hash, uris) => store.get(hash, uris),
        fetchAttempts: options.fetchAttempts ?? 4,
        log: plog,
      }),
    );
    const verdict = verdictName(judgement.verdict);
    if ((await c.height()) > Number(proof.deadlineHeight)) {
      plog.warn({ verdict }, "verification window closed before the vote; not voting");
      votes.set(proof.id, "LATE");
      return;
    }
    const alreadyVoted = async (): Promise<boolean> => ((await c.proof(proof.id))?.votes ?? []).some((v) => v.validator === c.address);
    try {
      await c.send("submit verification", [{ typeUrl: VOTE, value: MsgSubmitVerification.fromPartial({ validator: c.address, proofId: proof.id, verdict: judgement.verdict, distancesPpb: judgement.distancesPpb }) }], alreadyVoted);
    } catch (err) {
      if (!(err instanceof TxError)) throw err;
      plog.warn({ err: err.message.split("\n")[0] }, "vote refused");
    }
    votes.set(proof.id, verdict);
    const fields = { verdict, intervals: proof.challengedIntervals, distancesPpb: judgement.distancesPpb.map(String), ms: Date.now() - started };
    if (judgement.problems.length > 0) plog.warn({ ...fields, problems: judgement.problems }, "voted");
    else plog.info(fields, "voted");
  }

  async function run(): Promise<void> {
    let c: ChainClient;
    try {
      c = await ChainClient.connect({ rpc: options.rpc, mnemonic: options.mnemonic, log, signal: stopper.signal });
      chain = c;
      await requireBondedValidator(c);
    } catch (err) {
      const e = new Error((err as Error).message.split("\n")[0]);
      markFailed(e);
      throw e;
    }
    const store = new ArtifactStore(options.blobBase, options.cacheDir ?? DEFAULT_CACHE_DIR, log, await blobSignerFromMnemonic(options.mnemonic), 3);
    log.info({ validator: c.address, concurrency }, "verifier started");
    markReady();
    while (!stopper.signal.aborted) {
      let pending: Proof[] = [];
      try {
        pending = await c.pendingChallenges(c.address);
      } catch (err) {
        if (stopper.signal.aborted) break;
        log.warn({ err: (err as Error).message.split("\n")[0] }, "cannot list pending challenges");
      }
      for (const proof of pending) {
        if (inflight.size >= concurrency) break;
        if (votes.has(proof.id) || inflight.has(proof.id) || (failures.get(proof.id) ?? 0) >= 3) continue;
        const job = verify(c, store, proof)
          .catch((err: unknown) => {
            failures.set(proof.id, (failures.get(proof.id) ?? 0) + 1);
            log.warn({ proofId: proof.id.toString(), err: (err as Error).message.split("\n")[0] }, "verification failed; will retry");
          })
          .finally(() => inflight.delete(proof.id));
        inflight.set(proof.id, job);
      }
      await sleep(options.pollMs ?? 500, stopper.signal);
    }
    await Promise.all(inflight.values());
  }

  const done = run().finally(async () => {
    for (const list of contexts.values()) for (const ctx of list) await ctx.runner.release().catch(() => undefined);
    chain?.disconnect();
  });
  done.catch(() => undefined);
  return {
    ready,
    done,
    votes,
    async stop(): Promise<void> {
      stopper.abort();
      await done.catch(() => undefined);
    },
  };
}
