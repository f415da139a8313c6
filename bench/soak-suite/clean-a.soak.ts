import { soakCleanRuns } from './clean-runs.ts'

soakCleanRuns(0, 2)
