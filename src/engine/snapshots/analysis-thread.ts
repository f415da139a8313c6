// Entry of the analysis thread: a separate V8 isolate, so nothing parsed here is measured.
import { parentPort, workerData } from 'node:worker_threads'
import { analyse, type AnalysisRequest } from './analyse.ts'

parentPort!.postMessage(analyse(workerData as AnalysisRequest))
