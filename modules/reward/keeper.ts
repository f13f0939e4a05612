// reward: task escrow, worker bonds, per-block emission into the mining pool and its epoch
// distribution, and the payouts/slashes that follow a verification outcome. All amounts are
// bigint; every division remainder has a named recipient (see each method).
import type { Context } from "../../chain/framework/context.ts";
import { fromBech32, moduleAddress, toBech32 } from "../../chain/framework/address.ts";
import { formatCoins, type Coins } from "../../chain/framework/coins.ts";
import { concatBytes, readUint64BE, uint64BE } from "../../chain/store/bytes.ts";
import type { KVStore } from "../../chain/store/kv.ts";
import {
  Bond as BondCodec,
  Escrow as EscrowCodec,
  Params as ParamsCodec,
  PaymentKind,
  type PaidAmount,
} from "../../proto/trainchain/reward/v1/generated.ts";
import { RewardErrors } from "./errors.ts";
import { RewardEvents } from "./events.ts";
import type { BankForReward, StakingForReward } from "./expected-keepers.ts";
import {
  addressKey,
  bondKey,
  BondPrefix,
  EpochChallengesKey,
  EpochKey,
  escrowKey,
  EscrowPrefix,
  MINING_POOL,
  PaidPrefix,
  ParamsKey,
  PoolKey,
  REWARD_STORE_PREFIX,
  TASK_ESCROW,
  VotesPrefix,
  WORKER_BONDS,
  WorkPrefix,
} from "./keys.ts";
import { BPS, defaultRewardParams, validateRewardParams, type RewardParams } from "./params.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export interface EscrowEntry {
  taskId: bigint;
  creator: string;
  remaining: Coins;
}

export interface BondEntry {
  taskId: bigint;
  segment: bigint;
  worker: string;
  amount: Coins;
}

/** A validator (or any payee) weighted by stake. */
export interface StakeWeight {
  address: Uint8Array;
  stake: bigint;
}

export interface AcceptedSegment {
  taskId: bigint;
  segment: bigint;
  worker: Uint8Array;
  reward: Coins;
  dataOwner: Uint8Array;
  royaltyBps: number;
  /** Validators that voted VALID, with their bonded stake. */
  verifiers: StakeWeight[];
  /** segment_steps × flops_per_step, credited to the worker for this epoch. */
  work: bigint;
}

export interface SegmentPayout {
  royalty: bigint;
  verifierShares: bigint[];
  /** The worker's part, including the verifier-fee split remainder. */
  worker: bigint;
}

export interface SlashOutcome {
  paid: bigint[];
  burned: bigint;
  returned: bigint;
}

/**
 * Splits `amount` pro rata by stake, rounding each share down. The remainder (amount − Σ shares)
 * is returned for the caller to give to a named recipient. Zero total stake → all remainder.
 */
export function splitByStake(amount: bigint, weights: readonly bigint[]): { shares: bigint[]; remainder: bigint } {
  const total = weights.reduce((a, b) => a + b, 0n);
  if (total === 0n || amount === 0n) return { shares: weights.map(() => 0n), remainder: amount };
  const shares = weights.map((w) => (amount * w) / total);
  return { shares, remainder: amount - shares.reduce((a, b) => a + b, 0n) };
}

/** bps share of an amount, rounded down. */
export function bpsOf(amount: bigint, bps: number | bigint): bigint {
  return (amount * BigInt(bps)) / BPS;
}

export class RewardKeeper {
  constructor(
    private readonly bank: BankForReward,
    private readonly staking: StakingForReward,
  ) {}

  private store(ctx: Context): KVStore {
    return ctx.kv(REWARD_STORE_PREFIX);
  }

  // ---------------------------------------------------------------------------------- params

  getParams(ctx: Context): RewardParams {
    const raw = this.store(ctx).get(ParamsKey);
    return raw ? ParamsCodec.decode(raw) : defaultRewardParams();
  }

  setParams(ctx: Context, params: RewardParams): void {
    validateRewardParams(params);
    this.store(ctx).set(ParamsKey, ParamsCodec.encode(params).finish());
  }

  // ---------------------------------------------------------------------------------- escrow

  /** Moves reward × segments from the creator into the escrow account. */
  lockEscrow(ctx: Context, taskId: bigint, creator: Uint8Array, amount: Coins): void {
    if (this.store(ctx).has(escrowKey(taskId))) throw RewardErrors.EscrowExists.wrap(`task ${taskId}`);
    if (amount.amount > 0n) this.bank.sendToModule(ctx, creator, TASK_ESCROW, [amount]);
    this.setEscrow(ctx, { taskId, creator: toBech32(creator), remaining: amount });
    ctx.events.emit(RewardEvents.escrowLocked, [
      ["task_id", taskId.toString()],
      ["creator", toBech32(creator)],
      ["amount", formatCoins([amount])],
    ]);
  }

  getEscrow(ctx: Context, taskId: bigint): EscrowEntry | undefined {
    const raw = this.store(ctx).get(escrowKey(taskId));
    if (!raw) return undefined;
    const e = EscrowCodec.decode(raw);
    return { taskId: e.taskId, creator: e.creator, remaining: { denom: e.remaining!.denom, amount: BigInt(e.remaining!.amount) } };
  }

  private setEscrow(ctx: Context, e: EscrowEntry): void {
    this.store(ctx).set(
      escrowKey(e.taskId),
      EscrowCodec.encode({ taskId: e.taskId, creator: e.creator, remaining: { denom: e.remaining.denom, amount: e.remaining.amount.toString() } }).finish(),
    );
  }

  allEscrows(ctx: Context): EscrowEntry[] {
    return this.store(ctx)
      .range(Uint8Array.of(EscrowPrefix), Uint8Array.of(EscrowPrefix + 1))
      .map((e) => {
        const x = EscrowCodec.decode(e.value);
        return { taskId: x.taskId, creator: x.creator, remaining: { denom: x.remaining!.denom, amount: BigInt(x.remaining!.amount) } };
      });
  }

  /** Returns the unspent escrow to the task's creator and closes the escrow. */
  refundEscrow(ctx: Context, taskId: bigint): Coins {
    const e = this.getEscrow(ctx, taskId);
    if (!e) throw RewardErrors.EscrowNotFound.wrap(`task ${taskId}`);
    if (e.remaining.amount > 0n) this.bank.sendFromModule(ctx, TASK_ESCROW, fromBech32(e.creator), [e.remaining]);
    this.store(ctx).delete(escrowKey(taskId));
    ctx.events.emit(RewardEvents.escrowRefunded, [
      ["task_id", taskId.toString()],
      ["creator", e.creator],
      ["amount", formatCoins([e.remaining])],
    ]);
    return e.remaining;
  }

  /** Closes a fully spent escrow (task completed). A non-zero rest goes back to the creator. */
  closeEscrow(ctx: Context, taskId: bigint): void {
    if (this.getEscrow(ctx, taskId)) this.refundEscrow(ctx, taskId);
  }

  // ----------------------------------------------------------------------------------- bonds

  lockBond(ctx: Context, taskId: bigint, segment: bigint, worker: Uint8Array, amount: Coins): void {
    if (this.store(ctx).has(bondKey(taskId, segment))) throw RewardErrors.BondExists.wrap(`task ${taskId} segment ${segment}`);
    if (amount.amount > 0n) this.bank.sendToModule(ctx, worker, WORKER_BONDS, [amount]);
    const entry: BondEntry = { taskId, segment, worker: toBech32(worker), amount };
    this.store(ctx).set(bondKey(taskId, segment), encodeBond(entry));
    ctx.events.emit(RewardEvents.bondLocked, [
      ["task_id", taskId.toString()],
      ["segment", segment.toString()],
      ["worker", entry.worker],
      ["amount", formatCoins([amount])],
    ]);
  }

  getBond(ctx: Context, taskId: bigint, segment: bigint): BondEntry | undefined {
    const raw = this.store(ctx).get(bondKey(taskId, segment));
    return raw ? decodeBond(raw) : undefined;
  }

  allBonds(ctx: Context): BondEntry[] {
    return this.store(ctx)
      .range(Uint8Array.of(BondPrefix), Uint8Array.of(BondPrefix + 1))
      .map((e) => decodeBond(e.value));
  }

  private takeBond(ctx: Context, taskId: bigint, segment: bigint): BondEntry {
    const bond = this.getBond(ctx, taskId, segment);
    if (!bond) throw RewardErrors.BondNotFound.wrap(`task ${taskId} segment ${segment}`);
    this.store(ctx).delete(bondKey(taskId, segment));
    return bond;
  }

  /**
   * Returns the bond to its worker, burning `burnBps` of it first (0 = full return). Used for
   * abandonment (training_task's abandon_fee_bps) and window expiry without quorum (0).
   */
  returnBond(ctx: Context, taskId: bigint, segment: bigint, burnBps: number, reason: string): SlashOutcome {
    const bond = this.takeBond(ctx, taskId, segment);
    const burned = bpsOf(bond.amount.amount, burnBps);
    const returned = bond.amount.amount - burned;
    if (burned > 0n) {
      this.bank.burn(ctx, WORKER_BONDS, [{ denom: bond.amount.denom, amount: burned }]);
      this.emitSlashed(ctx, bond, burned, 0n, reason);
    }
    if (returned > 0n) this.bank.sendFromModule(ctx, WORKER_BONDS, fromBech32(bond.worker), [{ denom: bond.amount.denom, amount: returned }]);
    ctx.events.emit(RewardEvents.bondReturned, [
      ["task_id", taskId.toString()],
      ["segment", segment.toString()],
      ["worker", bond.worker],
      ["amount", `${returned}${bond.amount.denom}`],
      ["reason", reason],
    ]);
    return { paid: [], burned, returned };
  }

  /** Claim lease over with no proof: lease_slash_bps of the bond is burned, the rest returned. */
  slashLeaseExpired(ctx: Context, taskId: bigint, segment: bigint): SlashOutcome {
    return this.returnBond(ctx, taskId, segment, this.getParams(ctx).leaseSlashBps, "lease_expired");
  }

  /**
   * Rejected proof: the whole bond is slashed. slash_reward_bps of it goes to the validators that
   * voted with the outcome (by stake, rounded down); the rest — including the split remainder — is burned.
   */
  slashRejected(ctx: Context, taskId: bigint, segment: bigint, catchers: StakeWeight[]): SlashOutcome {
    const bond = this.takeBond(ctx, taskId, segment);
    const denom = bond.amount.denom;
    const pot = bpsOf(bond.amount.amount, this.getParams(ctx).slashRewardBps);
    const { shares } = splitByStake(pot, catchers.map((c) => c.stake));
    let paidTotal = 0n;
    catchers.forEach((c, i) => {
      const share = shares[i]!;
      if (share === 0n) return;
      paidTotal += share;
      this.pay(ctx, WORKER_BONDS, c.address, { denom, amount: share }, PaymentKind.PAYMENT_KIND_SLASH_REWARD, taskId, segment);
    });
    const burned = bond.amount.amount - paidTotal;
    if (burned > 0n) this.bank.burn(ctx, WORKER_BONDS, [{ denom, amount: burned }]);
    this.emitSlashed(ctx, bond, burned, paidTotal, "proof_rejected");
    return { paid: shares, burned, returned: 0n };
  }

  private emitSlashed(ctx: Context, bond: BondEntry, burned: bigint, paid: bigint, reason: string): void {
    ctx.events.emit(RewardEvents.slashed, [
      ["task_id", bond.taskId.toString()],
      ["segment", bond.segment.toString()],
      ["worker", bond.worker],
      ["amount", `${burned + paid}${bond.amount.denom}`],
      ["burned", `${burned}${bond.amount.denom}`],
      ["to_validators", `${paid}${bond.amount.denom}`],
      ["reason", reason],
    ]);
  }

  // --------------------------------------------------------------------------------- payouts

  /**
   * Accepted segment: out of the task's escrow, royalty_bps to the data owner, verifier_fee_bps
   * (capped at what the royalty leaves) split by stake among `verifiers`, the rest — with the
   * split remainder — to the worker. The bond goes back in full; the work is credited for the epoch.
   */
  payAcceptedSegment(ctx: Context, a: AcceptedSegment): SegmentPayout {
    const escrow = this.getEscrow(ctx, a.taskId);
    if (!escrow) throw RewardErrors.EscrowNotFound.wrap(`task ${a.taskId}`);
    const reward = a.reward.amount;
    if (escrow.remaining.denom !== a.reward.denom || escrow.remaining.amount < reward) {
      throw RewardErrors.InsufficientEscrow.wrap(`task ${a.taskId} holds ${formatCoins([escrow.remaining])}, segment reward is ${formatCoins([a.reward])}`);
    }
    escrow.remaining = { denom: escrow.remaining.denom, amount: escrow.remaining.amount - reward };
    this.setEscrow(ctx, escrow);

    const params = this.getParams(ctx);
    const royalty = bpsOf(reward, Math.min(Math.max(a.royaltyBps, 0), 10_000));
    const fee = min(bpsOf(reward, params.verifierFeeBps), reward - royalty);
    const { shares, remainder } = splitByStake(fee, a.verifiers.map((v) => v.stake));
    const workerPart = reward - royalty - fee + remainder;
    const denom = a.reward.denom;
    this.pay(ctx, TASK_ESCROW, a.dataOwner, { denom, amount: royalty }, PaymentKind.PAYMENT_KIND_ROYALTY, a.taskId, a.segment);
    a.verifiers.forEach((v, i) => this.pay(ctx, TASK_ESCROW, v.address, { denom, amount: shares[i]! }, PaymentKind.PAYMENT_KIND_VERIFIER_FEE, a.taskId, a.segment));
    this.pay(ctx, TASK_ESCROW, a.worker, { denom, amount: workerPart }, PaymentKind.PAYMENT_KIND_SEGMENT_REWARD, a.taskId, a.segment);
    this.returnBond(ctx, a.taskId, a.segment, 0, "proof_accepted");
    this.addWork(ctx, a.worker, a.work);
    return { royalty, verifierShares: shares, worker: workerPart };
  }

  private pay(ctx: Context, fromModule: string, to: Uint8Array, coin: Coins, kind: PaymentKind, taskId?: bigint, segment?: bigint): void {
    if (coin.amount <= 0n) return;
    this.bank.sendFromModule(ctx, fromModule, to, [coin]);
    const key = concatBytes(addressKey(PaidPrefix, to), Uint8Array.of(kind), encoder.encode(coin.denom));
    const store = this.store(ctx);
    const prev = store.get(key);
    store.set(key, encoder.encode(((prev ? BigInt(decoder.decode(prev)) : 0n) + coin.amount).toString()));
    const attrs: [string, string][] = [
      ["recipient", toBech32(to)],
      ["amount", formatCoins([coin])],
      ["kind", PAYMENT_KIND_NAMES[kind] ?? String(kind)],
    ];
    if (taskId !== undefined) attrs.push(["task_id", taskId.toString()]);
    if (segment !== undefined) attrs.push(["segment", segment.toString()]);
    ctx.events.emit(RewardEvents.rewardPaid, attrs);
  }

  /** Everything paid to `address` so far, by kind and denom. */
  paidTo(ctx: Context, address: Uint8Array): PaidAmount[] {
    const prefix = addressKey(PaidPrefix, address);
    return this.store(ctx)
      .range(prefix, concatBytes(prefix, Uint8Array.of(0xff)))
      .map((e) => ({ kind: e.key[prefix.length]!, amount: { denom: decoder.decode(e.key.subarray(prefix.length + 1)), amount: decoder.decode(e.value) } }));
  }

  // ------------------------------------------------------------------------ epoch accounting

  private addWork(ctx: Context, worker: Uint8Array, work: bigint): void {
    if (work <= 0n) return;
    const key = addressKey(WorkPrefix, worker);
    const prev = this.store(ctx).get(key);
    this.store(ctx).set(key, encoder.encode(((prev ? BigInt(decoder.decode(prev)) : 0n) + work).toString()));
  }

  /** A challenge was issued (the denominator of verification participation). */
  recordChallenge(ctx: Context): void {
    const raw = this.store(ctx).get(EpochChallengesKey);
    this.store(ctx).set(EpochChallengesKey, uint64BE((raw ? readUint64BE(raw) : 0n) + 1n));
  }

  /** A validator cast a verification vote. */
  recordVote(ctx: Context, validator: Uint8Array): void {
    const key = addressKey(VotesPrefix, validator);
    const raw = this.store(ctx).get(key);
    this.store(ctx).set(key, uint64BE((raw ? readUint64BE(raw) : 0n) + 1n));
  }

  epochChallenges(ctx: Context): bigint {
    const raw = this.store(ctx).get(EpochChallengesKey);
    return raw ? readUint64BE(raw) : 0n;
  }

  epoch(ctx: Context): bigint {
    const raw = this.store(ctx).get(EpochKey);
    return raw ? readUint64BE(raw) : 0n;
  }

  /** This epoch's accrued work per worker (address order). */
  pendingWork(ctx: Context): { address: Uint8Array; work: bigint }[] {
    return this.store(ctx)
      .range(Uint8Array.of(WorkPrefix), Uint8Array.of(WorkPrefix + 1))
      .map((e) => ({ address: e.key.subarray(2, 2 + e.key[1]!), work: BigInt(decoder.decode(e.value)) }));
  }

  /** This epoch's votes per validator (address order). */
  pendingVotes(ctx: Context): { address: Uint8Array; votes: bigint }[] {
    return this.store(ctx)
      .range(Uint8Array.of(VotesPrefix), Uint8Array.of(VotesPrefix + 1))
      .map((e) => ({ address: e.key.subarray(2, 2 + e.key[1]!), votes: readUint64BE(e.value) }));
  }

  // -------------------------------------------------------------------------------- the pool

  /** The tracked mining pool (what emission put in and epochs have not paid out). */
  getPool(ctx: Context): Coins {
    const raw = this.store(ctx).get(PoolKey);
    if (raw) {
      const [denom, amount] = decoder.decode(raw).split(" ");
      return { denom: denom!, amount: BigInt(amount!) };
    }
    return { denom: this.getParams(ctx).emissionPerBlock!.denom, amount: 0n };
  }

  private setPool(ctx: Context, pool: Coins): void {
    this.store(ctx).set(PoolKey, encoder.encode(`${pool.denom} ${pool.amount}`));
  }

  /** Mints this block's emission into the pool; at an epoch boundary distributes the pool. */
  beginBlock(ctx: Context): void {
    const params = this.getParams(ctx);
    const emission = BigInt(params.emissionPerBlock!.amount);
    const pool = this.getPool(ctx);
    if (emission > 0n) {
      const denom = params.emissionPerBlock!.denom;
      if (pool.amount > 0n && pool.denom !== denom) throw new Error(`mining pool holds ${pool.denom}, emission is ${denom}`);
      this.bank.mint(ctx, MINING_POOL, [{ denom, amount: emission }]);
      this.setPool(ctx, { denom, amount: pool.amount + emission });
    }
    if (ctx.block.height > 0n && ctx.block.height % params.epochBlocks === 0n) this.distributeEpoch(ctx);
  }

  /**
   * Pays worker_share_bps of the pool to workers pro rata by verified work and the rest to bonded
   * validators by stake × participation (votes / challenges, capped at 1; 1 when there were no
   * challenges), relative to total bonded stake. Rounding remainders and unclaimed parts (no work,
   * missed votes) stay in the pool for the next epoch.
   */
  distributeEpoch(ctx: Context): { workers: bigint; validators: bigint } {
    const params = this.getParams(ctx);
    const pool = this.getPool(ctx);
    const workerPart = bpsOf(pool.amount, params.workerShareBps);
    const validatorPart = pool.amount - workerPart;

    const works = this.pendingWork(ctx);
    const { shares: workShares } = splitByStake(workerPart, works.map((w) => w.work));
    let paidWorkers = 0n;
    works.forEach((w, i) => {
      paidWorkers += workShares[i]!;
      this.pay(ctx, MINING_POOL, w.address, { denom: pool.denom, amount: workShares[i]! }, PaymentKind.PAYMENT_KIND_EPOCH_WORK);
    });

    const challenges = this.epochChallenges(ctx);
    const votes = new Map<string, bigint>();
    for (const v of this.pendingVotes(ctx)) votes.set(toBech32(v.address), v.votes);
    const validators = this.staking.bondedValidators(ctx);
    const totalStake = validators.reduce((a, v) => a + v.tokens, 0n);
    let paidValidators = 0n;
    if (totalStake > 0n) {
      for (const v of validators) {
        const participated = challenges === 0n ? 1n : min(votes.get(toBech32(v.operator)) ?? 0n, challenges);
        const denominator = totalStake * (challenges === 0n ? 1n : challenges);
        const share = (validatorPart * v.tokens * participated) / denominator;
        paidValidators += share;
        this.pay(ctx, MINING_POOL, v.operator, { denom: pool.denom, amount: share }, PaymentKind.PAYMENT_KIND_EPOCH_VALIDATION);
      }
    }
    const remaining = pool.amount - paidWorkers - paidValidators;
    this.setPool(ctx, { denom: pool.denom, amount: remaining });

    const store = this.store(ctx);
    for (const w of works) store.delete(addressKey(WorkPrefix, w.address));
    for (const v of this.pendingVotes(ctx)) store.delete(addressKey(VotesPrefix, v.address));
    store.delete(EpochChallengesKey);
    const epoch = this.epoch(ctx);
    store.set(EpochKey, uint64BE(epoch + 1n));
    ctx.events.emit(RewardEvents.epochDistributed, [
      ["epoch", epoch.toString()],
      ["pool", `${pool.amount}${pool.denom}`],
      ["to_workers", `${paidWorkers}${pool.denom}`],
      ["to_validators", `${paidValidators}${pool.denom}`],
      ["remaining", `${remaining}${pool.denom}`],
      ["challenges", challenges.toString()],
    ]);
    return { workers: paidWorkers, validators: paidValidators };
  }

  // ------------------------------------------------------------------------------ invariants

  /** escrow account balance = Σ tasks' unspent escrow, per denom. */
  checkEscrow(ctx: Context): string | undefined {
    const sums = new Map<string, bigint>();
    for (const e of this.allEscrows(ctx)) sums.set(e.remaining.denom, (sums.get(e.remaining.denom) ?? 0n) + e.remaining.amount);
    return this.compareModuleBalance(ctx, TASK_ESCROW, sums);
  }

  /** bond account balance = Σ locked bonds, per denom. */
  checkBonds(ctx: Context): string | undefined {
    const sums = new Map<string, bigint>();
    for (const b of this.allBonds(ctx)) sums.set(b.amount.denom, (sums.get(b.amount.denom) ?? 0n) + b.amount.amount);
    return this.compareModuleBalance(ctx, WORKER_BONDS, sums);
  }

  /** mining pool account balance = tracked pool. */
  checkPool(ctx: Context): string | undefined {
    const pool = this.getPool(ctx);
    return this.compareModuleBalance(ctx, MINING_POOL, new Map(pool.amount > 0n ? [[pool.denom, pool.amount]] : []));
  }

  private compareModuleBalance(ctx: Context, moduleName: string, expected: Map<string, bigint>): string | undefined {
    const address = moduleAddress(moduleName);
    const balances = this.bank.getAllBalances(ctx, address);
    for (const b of balances) {
      const want = expected.get(b.denom) ?? 0n;
      if (b.amount !== want) return `${moduleName} holds ${b.amount}${b.denom}, records say ${want}${b.denom}`;
      expected.delete(b.denom);
    }
    for (const [denom, want] of expected) if (want !== 0n) return `${moduleName} holds 0${denom}, records say ${want}${denom}`;
    return undefined;
  }
}

export const PAYMENT_KIND_NAMES: Record<number, string> = {
  [PaymentKind.PAYMENT_KIND_SEGMENT_REWARD]: "segment_reward",
  [PaymentKind.PAYMENT_KIND_ROYALTY]: "royalty",
  [PaymentKind.PAYMENT_KIND_VERIFIER_FEE]: "verifier_fee",
  [PaymentKind.PAYMENT_KIND_SLASH_REWARD]: "slash_reward",
  [PaymentKind.PAYMENT_KIND_EPOCH_WORK]: "epoch_work",
  [PaymentKind.PAYMENT_KIND_EPOCH_VALIDATION]: "epoch_validation",
};

function min(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

function encodeBond(b: BondEntry): Uint8Array {
  return BondCodec.encode({ taskId: b.taskId, segment: b.segment, worker: b.worker, amount: { denom: b.amount.denom, amount: b.amount.amount.toString() } }).finish();
}

function decodeBond(raw: Uint8Array): BondEntry {
  const b = BondCodec.decode(raw);
  return { taskId: b.taskId, segment: b.segment, worker: b.worker, amount: { denom: b.amount!.denom, amount: BigInt(b.amount!.amount) } };
}
