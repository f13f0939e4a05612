// training_task event types. Every attribute is indexed (the framework sets index: true), so
// workers and verifiers follow them with tx_search, block_results or a websocket subscription.
export const TrainingTaskEvents = {
  taskCreated: "task_created",
  taskCancelled: "task_cancelled",
  taskCompleted: "task_completed",
  segmentClaimed: "segment_claimed",
  segmentAbandoned: "segment_abandoned",
  segmentExpired: "segment_expired",
  proofSubmitted: "proof_submitted",
  challenge: "challenge",
  verificationSubmitted: "verification_submitted",
  proofAccepted: "proof_accepted",
  proofRejected: "proof_rejected",
  verificationExpired: "verification_expired",
} as const;
