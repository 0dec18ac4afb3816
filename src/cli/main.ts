#!/usr/bin/env node
/**
 * The `saddle` command (see `saddle help`): the process wrapper around `runCli`.
 *
 * @module
 */
import { runCli } from './cli.js';

process.exitCode = await runCli(process.argv.slice(2));
