#!/usr/bin/env node
// Executable entry of the CLI; the compiled program lives in dist/ (npm run build).
import "../dist/main.js";
