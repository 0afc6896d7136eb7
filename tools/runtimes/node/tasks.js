'use strict';
// N promises, each resolved by its own setTimeout after S seconds, all
// created at once; Promise.all waits for every one.
// Usage: node tasks.js N S

const MAX_TASKS = 10_000_000;
const MAX_SECONDS = 86_400;

function parse(arg, what, lo, hi) {
  const v = Number(arg);
  if (!/^[0-9]+$/.test(arg) || v < lo || v > hi) {
    console.error(`tasks: invalid ${what} '${arg}' (want an integer from ${lo} to ${hi})`);
    process.exit(2);
  }
  return v;
}

async function main(argv) {
  if (argv.length !== 2) {
    console.error('usage: node tasks.js N SECONDS');
    process.exit(2);
  }
  const n = parse(argv[0], 'task count', 1, MAX_TASKS);
  const ms = parse(argv[1], 'sleep seconds', 0, MAX_SECONDS) * 1000;

  const sleep = () => new Promise((resolve) => setTimeout(resolve, ms));
  const tasks = [];
  for (let i = 0; i < n; i++) tasks.push(sleep());
  await Promise.all(tasks);
}

main(process.argv.slice(2));
