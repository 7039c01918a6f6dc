// The Node side of bench/e2ee/sframe-throughput.mjs: the measurement in a worker thread.
import { parentPort, workerData } from 'node:worker_threads';
import { measureSFrame, type Workload } from './sframe-rounds';

parentPort!.postMessage(await measureSFrame(workerData as Workload));
