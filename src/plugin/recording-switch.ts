import type { Reporter, TestProject, Vitest } from 'vitest/node'
import { recordingDecision, type RecordingDecision, type UpdateMode } from '../budgets/update-mode.ts'
import { PROVIDE_KEY, type WorkerOptions } from './options.ts'

/**
 * Decides at the start of every run whether that run records budgets, and hands the decision to the
 * workers of every project. `vitest -u` holds for the whole process, but the `u` key of watch mode
 * turns update mode on for one rerun only: a decision taken once at startup would miss it. Workers
 * read their options per test file, and `onTestRunStart` comes before any file is sent to them.
 */
export class RecordingSwitch implements Reporter {
  private readonly vitest: Vitest
  private readonly projects = new Map<TestProject, WorkerOptions>()
  /** The decision for the current run; the budget recorder writes by the same one. */
  decision: RecordingDecision

  constructor(vitest: Vitest) {
    this.vitest = vitest
    this.decision = recordingDecision(updateMode(vitest))
  }

  has(project: TestProject): boolean {
    return this.projects.has(project)
  }

  add(project: TestProject, options: WorkerOptions): void {
    this.projects.set(project, options)
    project.provide(PROVIDE_KEY, { ...options, recording: this.decision.record })
  }

  onTestRunStart(): void {
    this.decision = recordingDecision(updateMode(this.vitest))
    for (const [project, options] of this.projects) project.provide(PROVIDE_KEY, { ...options, recording: this.decision.record })
  }
}

/**
 * The update mode of the run about to start. `snapshot.options` is what Vitest itself switches for
 * the `u` key (and back after the rerun); the config only knows the mode the process started with.
 */
function updateMode(vitest: Vitest): UpdateMode {
  return (vitest.snapshot?.options.updateSnapshot ?? vitest.config.snapshotOptions.updateSnapshot) as UpdateMode
}
