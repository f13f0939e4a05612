// V8 flags for the processes that train or verify: the devnet's worker and verifier roles, the
// training and verification benches, and a standalone `worker start` / `verifier start` when its
// user launches node with them (README). They must be given when node starts: set from
// inside a running process, --single-threaded-gc aborts V8 (a concurrent-marking check), and heap
// sizes do not change (both measured).
//
// --single-threaded-gc: V8's parallel and concurrent GC helpers run on the same cores as ORT's
// compute thread and the gather thread. On the 2-core VM, with the helpers, the training thread
// waited 9-20 µs per step on a run queue in the runner's rounds (0-4 µs in raw rounds: with the
// gather thread on the other core, a woken helper queued behind the training thread); without
// them 0. Paired overhead, three alternating runs each, steal 0 %: B = 64 4.6 / 0.8 / 4.9 % with
// helpers, 0.2 / -0.2 / 1.2 % without; B = 256 5.9 / 0.6 / 4.3 % against 0.9 / -0.3 / 1.3 %. The
// best step times fell too (B = 64 1.29-1.35 → 1.18-1.21 ms): the process's GC is light (~20-50
// µs per step), and the helpers had no free core to run on.
export const TRAINING_NODE_FLAGS: readonly string[] = ["--single-threaded-gc"];
