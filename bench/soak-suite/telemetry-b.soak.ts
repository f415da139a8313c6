import { soakTelemetryRuns } from './telemetry-runs.ts'

soakTelemetryRuns(1, 2)
