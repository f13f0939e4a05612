// staking errors: codespace "staking", stable codes from 2 (never renumbered).
import { registerError } from "../../chain/framework/errors.ts";

export const STAKING_CODESPACE = "staking";

export const StakingErrors = {
  InvalidAddress: registerError(STAKING_CODESPACE, 2, "invalid operator address"),
  InvalidConsensusPubKey: registerError(STAKING_CODESPACE, 3, "invalid consensus public key"),
  InvalidMoniker: registerError(STAKING_CODESPACE, 4, "invalid moniker"),
  InvalidAmount: registerError(STAKING_CODESPACE, 5, "invalid amount"),
  WrongDenom: registerError(STAKING_CODESPACE, 6, "invalid coin denomination"),
  ValidatorExists: registerError(STAKING_CODESPACE, 7, "validator already exists for this operator"),
  ConsensusPubKeyInUse: registerError(STAKING_CODESPACE, 8, "consensus public key already used by another validator"),
  ValidatorNotFound: registerError(STAKING_CODESPACE, 9, "validator does not exist"),
  InsufficientStake: registerError(STAKING_CODESPACE, 10, "not enough bonded tokens"),
  SelfBondTooSmall: registerError(STAKING_CODESPACE, 11, "self-bond below the minimum of one unit of voting power"),
  ValidatorJailed: registerError(STAKING_CODESPACE, 12, "validator is jailed"),
  InvalidParams: registerError(STAKING_CODESPACE, 13, "invalid staking params"),
} as const;
