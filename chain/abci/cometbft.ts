// `trainchain cometbft export`: a CometBFT v0.38 home (config/genesis.json,
// config/priv_validator_key.json, data/priv_validator_state.json) from our node home.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { homePaths } from "../node/config.ts";
import { readGenesis, type GenesisDoc } from "../node/genesis.ts";
import { readValidatorKey, validatorAddress } from "../node/validator-key.ts";
import { POWER_REDUCTION, type StakingGenesis } from "../../modules/staking/index.ts";

type CometValidator = NonNullable<GenesisDoc["validators"]>[number];

/** Genesis validators in CometBFT's JSON, with the power the app's InitChain will report (tokens / 10^6). */
export function cometValidators(genesis: GenesisDoc): CometValidator[] {
  const staking = genesis.app_state.staking as StakingGenesis | undefined;
  const out: CometValidator[] = [];
  for (const v of staking?.validators ?? []) {
    const pubKey = Buffer.from(v.consensus_pubkey, "base64");
    if (pubKey.length !== 32) throw new Error(`genesis validator ${v.operator}: consensus_pubkey must be a base64 32-byte ed25519 key`);
    const power = BigInt(v.tokens) / POWER_REDUCTION;
    // CometBFT rejects genesis validators without power; the app leaves them out of its set too
    if (power <= 0n) continue;
    out.push({
      address: Buffer.from(validatorAddress(new Uint8Array(pubKey))).toString("hex").toUpperCase(),
      pub_key: { type: "tendermint/PubKeyEd25519", value: pubKey.toString("base64") },
      power: power.toString(),
      name: v.moniker,
    });
  }
  return out;
}

/** Our genesis in CometBFT's genesis.json form: the same document with `validators` filled in. */
export function cometGenesis(genesis: GenesisDoc): GenesisDoc {
  const validators = cometValidators(genesis);
  if (validators.length === 0) throw new Error("genesis has no bonded validator: run `trainchain genesis add-validator <key> <stake>` first");
  if (genesis.initial_height !== "1") throw new Error(`genesis initial_height is ${genesis.initial_height}; the application starts at height 1`);
  return {
    genesis_time: genesis.genesis_time,
    chain_id: genesis.chain_id,
    initial_height: genesis.initial_height,
    consensus_params: genesis.consensus_params,
    validators,
    app_hash: "",
    app_state: genesis.app_state,
  };
}

export interface ExportResult {
  genesis: string;
  privValidatorKey: string;
  privValidatorState: string;
  /** False when an existing signing state was kept (it guards against double signing). */
  wroteState: boolean;
  /** Whether this home's consensus key is in the genesis validator set (else it runs as a full node). */
  genesisValidator: boolean;
}

export function exportCometbftHome(home: string, outDir: string): ExportResult {
  const paths = homePaths(home);
  if (!existsSync(paths.genesis)) throw new Error(`no genesis at ${paths.genesis}: run \`trainchain init\` first`);
  const genesis = cometGenesis(readGenesis(paths.genesis));
  const key = readValidatorKey(paths.privValidatorKey);
  mkdirSync(join(outDir, "config"), { recursive: true });
  mkdirSync(join(outDir, "data"), { recursive: true });
  const out: ExportResult = {
    genesis: join(outDir, "config", "genesis.json"),
    privValidatorKey: join(outDir, "config", "priv_validator_key.json"),
    privValidatorState: join(outDir, "data", "priv_validator_state.json"),
    wroteState: false,
    genesisValidator: false,
  };
  writeFileSync(out.genesis, JSON.stringify(genesis, null, 2) + "\n");
  // our key file is already CometBFT's FilePV key format
  writeFileSync(out.privValidatorKey, readFileSync(paths.privValidatorKey), { mode: 0o600 });
  if (!existsSync(out.privValidatorState)) {
    writeFileSync(out.privValidatorState, JSON.stringify({ height: "0", round: 0, step: 0 }, null, 2) + "\n", { mode: 0o600 });
    out.wroteState = true;
  }
  out.genesisValidator = genesis.validators!.some((v) => v.address === Buffer.from(key.address).toString("hex").toUpperCase());
  return out;
}
