// Public API of the verifier.
export { startVerifier, requireBondedValidator } from "./verifier.ts";
export type { VerifierOptions, VerifierHandle } from "./verifier.ts";
export { judgeChallengedProof, checkChallengedInterval } from "./verify.ts";
export type { ProofInputs } from "./verify.ts";
