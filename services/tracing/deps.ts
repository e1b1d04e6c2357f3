// The dependency bag every use case and processor receives, built once per entry point.
import type { Config } from '../../config';
import type { ChainRegistry } from '../chains/registry';
import type { Logger } from '../log';
import type { JobQueue } from '../queues/definitions';
import type { Store } from '../store';

export interface TraceDeps {
  config: Config;
  log: Logger;
  store: Store;
  chains: ChainRegistry;
  queue: JobQueue;
}
