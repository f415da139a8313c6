import { soakTelemetryRuns } from './telemetry-runs.ts'

soakTelemetryRuns(0, 2)
