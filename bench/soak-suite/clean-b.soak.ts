import { soakCleanRuns } from './clean-runs.ts'

soakCleanRuns(1, 2)
