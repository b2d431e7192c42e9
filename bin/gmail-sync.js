#!/usr/bin/env node
// `npx gmail-sync <command>`: the operator CLI (Node 24 runs the TypeScript sources directly).
import '../src/cli.ts';
