import { Params } from "cosmjs-types/cosmos/auth/v1beta1/auth";

export type { Params };

export function defaultAuthParams(): Params {
  return {
    maxMemoCharacters: 256n,
    txSigLimit: 7n,
    txSizeCostPerByte: 10n,
    sigVerifyCostEd25519: 590n,
    sigVerifyCostSecp256k1: 1000n,
  };
}
