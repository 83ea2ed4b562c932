// The V8 options MyLog's server runs with. They must be on the node command line (V8 sizes its heap
// before any script runs, and NODE_OPTIONS refuses these), so each launcher repeats them:
// package.json's start and bench:ingest scripts, codedeploy/mylog.service, and the test helper that
// starts the server as production does. test/unit/server-v8-flags.test.ts checks that they agree.
//
// --initial-old-space-size: under ingest load the server's live heap is ~45 MB and V8 set the next
// full collection ~24 MB above it, which the promotions of in-flight requests reach in ~0.2 s: a
// mark-compact every few hundred ms, ~100 in 13 s. From this size on, V8 lets the old generation
// grow to it before collecting (Heap::ConfigureHeap: "allow V8 to skip full GCs below that
// threshold"): a third of the mark-compacts, and 10-15 % more records/s on two cores
// (docs/performance.md, "A full collection every 200 ms"). It is a floor, not a reservation:
// memory is taken as the heap grows, and 128 MB is within what the process is sized for.
export const SERVER_V8_FLAGS: readonly string[] = ['--initial-old-space-size=128'];
