// reward errors: codespace "reward", stable codes from 2.
import { registerError } from "../../chain/framework/errors.ts";

export const RewardErrors = {
  InvalidParams: registerError("reward", 2, "invalid reward params"),
  EscrowNotFound: registerError("reward", 3, "escrow not found"),
  InsufficientEscrow: registerError("reward", 4, "insufficient escrow"),
  BondNotFound: registerError("reward", 5, "bond not found"),
  BondExists: registerError("reward", 6, "bond already locked"),
  EscrowExists: registerError("reward", 7, "escrow already exists"),
} as const;
