import type { Config } from '../../config';
import type { Logger } from '../log';
import type { Io } from './main';

export interface CommandContext {
  config: Config;
  log: Logger;
  io: Io;
}
