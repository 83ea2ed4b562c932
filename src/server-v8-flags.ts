// The V8 options MyLog's server runs with. They must be on the node command line (V8 sizes its heap
// before any script runs, and NODE_OPTIONS refuses these), so each launcher repeats them:
// package.json's start and bench:ingest scripts, codedeploy/mylog.service, the process mode of
// codedeploy/lib/common.sh, README's command for real services, and the test helper that starts
// the server as production does. test/unit/server-v8-flags.test.ts checks that they agree.
//
// --initial-old-space-size: under ingest load the server's live heap is ~45 MB, and V8 put the next
// full collection ~24 MB above it, which the promotions of in-flight requests reach in ~0.2 s: a
// mark-compact every few hundred ms, ~100 in a 13 s bench scenario. Given a size here, V8 lets the
// old generation grow to it before collecting (Heap::ConfigureHeap: "allow V8 to skip full GCs
// below that threshold"). 96 MB: a third of the mark-compacts and 8-12 % more records/s stored on
// two cores, live tail latency unchanged; 128 MB collected less still but added 15-25 ms to the
// tail's p99 (docs/performance.md, "A full collection every 200 ms"). It is a floor for the
// collector, not a reservation: memory is taken only as the heap grows.
export const SERVER_V8_FLAGS: readonly string[] = ['--initial-old-space-size=96'];
