// reward event types (every attribute indexed by the framework).
export const RewardEvents = {
  escrowLocked: "escrow_locked",
  escrowRefunded: "escrow_refunded",
  bondLocked: "bond_locked",
  bondReturned: "bond_returned",
  rewardPaid: "reward_paid",
  slashed: "slashed",
  epochDistributed: "epoch_distributed",
} as const;
