// staking event types and attribute keys (every attribute is indexed, so tx_search finds them).
export const StakingEvents = {
  createValidator: "create_validator",
  bond: "bond",
  unbond: "unbond",
  completeUnbonding: "complete_unbonding",
  powerChange: "validator_power_changed",
} as const;

export const StakingAttributes = {
  operator: "operator",
  consensusPubKey: "consensus_pubkey",
  moniker: "moniker",
  amount: "amount",
  tokens: "tokens",
  power: "power",
  unbondingId: "unbonding_id",
  completionHeight: "completion_height",
} as const;
