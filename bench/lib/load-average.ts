// The box's 1, 5 and 15 minute load averages as benches print them beside their figures: the
// machine is shared, and a figure means little without the load it was measured under.
import os from 'node:os';

export function loadAverages(): string {
  return os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
}
