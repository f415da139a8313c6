#!/usr/bin/env node
// The package's `bin`: the CLI with this process's arguments, streams and exit code.
import { runCli } from './cli.ts'

process.exitCode = runCli({ argv: process.argv.slice(2), stdout: process.stdout, stderr: process.stderr })
