// staking params: bond denom and the unbonding period in blocks.
import { validateDenom } from "../../chain/framework/coins.ts";
import type { Params } from "../../proto/trainchain/staking/v1/generated.ts";
import { StakingErrors } from "./errors.ts";

export type { Params as StakingParams } from "../../proto/trainchain/staking/v1/generated.ts";

export const DEFAULT_BOND_DENOM = "utrain";
export const DEFAULT_UNBONDING_BLOCKS = 100n;

export function defaultStakingParams(): Params {
  return { bondDenom: DEFAULT_BOND_DENOM, unbondingBlocks: DEFAULT_UNBONDING_BLOCKS };
}

export function validateStakingParams(p: Params): void {
  try {
    validateDenom(p.bondDenom);
  } catch (err) {
    throw StakingErrors.InvalidParams.wrap(`bond_denom: ${(err as Error).message}`);
  }
  if (p.unbondingBlocks < 1n) throw StakingErrors.InvalidParams.wrap(`unbonding_blocks must be at least 1, got ${p.unbondingBlocks}`);
}
